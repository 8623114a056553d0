package dev.portalkit.integration.pages;

import io.pebbletemplates.pebble.extension.Function;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The functions every page template has, besides the plugins' helpers. */
final class CoreFunctions {
    /** Names plugins' helpers may not take. */
    static final Set<String> NAMES = Set.of("_", "csrf_field", "format_size", "local_url", "i18n", "max", "min", "range", "parent", "block");

    private CoreFunctions() {
    }

    static void register(Map<String, Function> functions, PageTemplates templates) {
        // _("key", args...): a message of the bundle (the key itself when missing), escaped when printed.
        functions.put("_", new PageTemplates.Positional((args, context) -> {
            if (args.isEmpty()) {
                return "";
            }
            Object[] rest = args.subList(1, args.size()).toArray();
            return templates.message(String.valueOf(args.get(0)), rest);
        }));
        // The hidden CSRF field of a form that POSTs.
        functions.put("csrf_field", new PageTemplates.Positional((args, context) -> {
            Object token = context.getVariable("csrf_token");
            return PageTemplates.safe("<input type=\"hidden\" name=\"" + dev.portalkit.integration.web.WebIdentity.CSRF_FIELD + "\" value=\""
                    + Html.escape(token == null ? "" : token.toString()) + "\">");
        }));
        functions.put("local_url", new PageTemplates.Positional((args, context) ->
                args.isEmpty() || args.get(0) == null ? "" : templates.localUrl(String.valueOf(args.get(0)),
                        context.getVariable("base") instanceof String b ? b : "")));
        functions.put("format_size", new PageTemplates.Positional((args, context) -> formatSize(args.isEmpty() ? null : args.get(0))));
    }

    /** Bytes as "12.3 MiB". */
    static String formatSize(Object value) {
        if (!(value instanceof Number n)) {
            return value == null ? "" : value.toString();
        }
        double bytes = n.doubleValue();
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? ((long) bytes) + " " + units[0] : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }
}
