package dev.portalkit.runtime.plugin;

import dev.portalkit.api.PortalException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Collects named contributions of enabled plugins with one rule set, shared by actions, auth
 * functions, validators and task handlers:
 * <ul>
 *   <li>a plain contribution of a configured plugin replaces a built-in one of the same name;</li>
 *   <li>two configured plugins contributing the same plain name fail start, naming both;</li>
 *   <li>wrappers (chained contributions) are kept in plugin order, outermost first, and must wrap
 *       something that exists.</li>
 * </ul>
 */
public final class Contributions {
    /** The plain contribution for a name and its wrappers, outermost first. */
    public record Entry<B, W>(B base, String owner, List<W> wrappers) {
    }

    private Contributions() {
    }

    public static <P, B, W> Map<String, Entry<B, W>> collect(List<PluginSet.Named<P>> contributors,
                                                            Function<P, Map<String, B>> bases,
                                                            Function<P, Map<String, W>> wrappers,
                                                            String what) {
        Map<String, B> base = new LinkedHashMap<>();
        Map<String, PluginSet.Named<P>> owners = new LinkedHashMap<>();
        List<PluginSet.Named<P>> builtInsFirst = new ArrayList<>(contributors.stream().filter(PluginSet.Named::builtIn).toList());
        builtInsFirst.addAll(contributors.stream().filter(n -> !n.builtIn()).toList());
        for (PluginSet.Named<P> named : builtInsFirst) {
            bases.apply(named.plugin()).forEach((name, value) -> {
                PluginSet.Named<P> owner = owners.get(name);
                if (owner != null && (!owner.builtIn() || named.builtIn())) {
                    throw PortalException.config(what + " '" + name + "' is defined by both plugin '" + owner.name()
                            + "' and plugin '" + named.name() + "'");
                }
                base.put(name, value);
                owners.put(name, named);
            });
        }
        Map<String, List<W>> wrapped = new LinkedHashMap<>();
        for (PluginSet.Named<P> named : contributors) {
            wrappers.apply(named.plugin()).forEach((name, value) -> {
                if (!base.containsKey(name)) {
                    throw PortalException.config("plugin '" + named.name() + "' chains " + what + " '" + name
                            + "', which no enabled plugin defines");
                }
                wrapped.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            });
        }
        Map<String, Entry<B, W>> out = new LinkedHashMap<>();
        base.forEach((name, value) -> out.put(name,
                new Entry<>(value, owners.get(name).name(), List.copyOf(wrapped.getOrDefault(name, List.of())))));
        return out;
    }

    /** Plain contributions only (no wrappers). */
    public static <P, B> Map<String, Entry<B, Void>> collect(List<PluginSet.Named<P>> contributors,
                                                            Function<P, Map<String, B>> bases, String what) {
        return collect(contributors, bases, p -> Map.of(), what);
    }
}
