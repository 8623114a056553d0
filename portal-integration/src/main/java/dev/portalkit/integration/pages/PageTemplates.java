package dev.portalkit.integration.pages;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.web.ITemplateHelpers;
import dev.portalkit.api.web.TemplateHelper;
import dev.portalkit.runtime.plugin.PluginSet;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.LoaderException;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.extension.escaper.SafeString;
import io.pebbletemplates.pebble.lexer.Token;
import io.pebbletemplates.pebble.loader.Loader;
import io.pebbletemplates.pebble.node.ExtendsNode;
import io.pebbletemplates.pebble.node.RenderableNode;
import io.pebbletemplates.pebble.node.expression.LiteralStringExpression;
import io.pebbletemplates.pebble.parser.Parser;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.pebbletemplates.pebble.tokenParser.TokenParser;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.regex.Pattern;

/**
 * The page templates: Pebble (Jinja-like inheritance, HTML autoescaping) over the
 * {@link TemplateLayers}. Template names seen by Pebble carry the layer they were found in
 * ({@code @2:package/read.html}), so that {@code {% ckan_extends %}} can name the same template
 * one layer down; {@code extends}, {@code include} and {@code import} of a plain name start at the
 * top layer again. Functions every template has: {@code _(key, args...)} (the message bundle
 * {@code portal/messages}), {@code csrf_field()}, {@code format_size(bytes)}, and the plugins'
 * {@link ITemplateHelpers}.
 */
public final class PageTemplates {
    private static final String NEXT_LAYER = "\u0000ckan_extends";
    private static final Pattern HELPER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private final TemplateLayers layers;
    private final PebbleEngine engine;
    private final ResourceBundle messages;

    private final String siteUrl;

    private PageTemplates(TemplateLayers layers, Map<String, TemplateHelper> helpers, String siteUrl) {
        this.layers = layers;
        this.siteUrl = siteUrl;
        this.messages = ResourceBundle.getBundle("portal.messages", Locale.ENGLISH, PageTemplates.class.getClassLoader());
        this.engine = new PebbleEngine.Builder()
                .loader(new LayeredLoader())
                .extension(new PortalExtension(helpers))
                .autoEscaping(true)
                .strictVariables(false)
                .newLineTrimming(true)
                .build();
    }

    /** The templates of the enabled plugins and the core, with every plugin's helpers (two plugins naming one helper fail start). */
    public static PageTemplates of(PluginSet plugins, String siteUrl) {
        Map<String, TemplateHelper> helpers = new LinkedHashMap<>();
        Map<String, String> owners = new LinkedHashMap<>();
        for (PluginSet.Named<ITemplateHelpers> p : plugins.implementing(ITemplateHelpers.class)) {
            Map<String, TemplateHelper> given = p.plugin().templateHelpers();
            if (given == null) {
                continue;
            }
            for (Map.Entry<String, TemplateHelper> e : given.entrySet()) {
                if (!HELPER_NAME.matcher(e.getKey()).matches() || CoreFunctions.NAMES.contains(e.getKey())) {
                    throw PortalException.config("plugin " + p.name() + ": template helper name '" + e.getKey()
                            + "' is not allowed (letters, digits, underscores; not one of " + CoreFunctions.NAMES + ")");
                }
                String before = owners.putIfAbsent(e.getKey(), p.name());
                if (before != null) {
                    throw PortalException.config("template helper '" + e.getKey() + "' is defined by both plugin " + before
                            + " and plugin " + p.name());
                }
                helpers.put(e.getKey(), e.getValue());
            }
        }
        return new PageTemplates(TemplateLayers.of(plugins), helpers, siteUrl);
    }

    TemplateLayers layers() {
        return layers;
    }

    /** Whether some layer has this template. */
    boolean exists(String name) {
        return layers.findTemplate(name, 0) >= 0;
    }

    /** Renders {@code name} (found in the top layer that has it) with {@code model} to {@code out}. */
    void render(String name, Map<String, Object> model, Writer out) throws IOException {
        int layer = layers.findTemplate(name, 0);
        if (layer < 0) {
            throw PortalException.notFound("No template " + name);
        }
        PebbleTemplate template = engine.getTemplate("@" + layer + ":" + name);
        template.evaluate(out, model, Locale.ENGLISH);
    }

    /**
     * A link of this portal as a path ({@code portal.site_url} replaced by the context path), so that
     * it works on whatever host name the browser used (the session cookie belongs to that host);
     * other links unchanged.
     */
    String localUrl(String url, String contextPath) {
        if (url == null || siteUrl == null || siteUrl.isBlank()) {
            return url;
        }
        String site = siteUrl.endsWith("/") ? siteUrl.substring(0, siteUrl.length() - 1) : siteUrl;
        if (!url.startsWith(site + "/")) {
            return url;
        }
        // The site URL names the context path too (http://host/portal): what follows it is portal-relative.
        return (contextPath == null ? "" : contextPath) + url.substring(site.length());
    }

    /** A message of the bundle, formatted with {@code args}; the key itself when the bundle lacks it. */
    String message(String key, Object... args) {
        String pattern;
        try {
            pattern = messages.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.ENGLISH).format(args);
    }

    /** Names as Pebble sees them: {@code @<layer>:<path>}. */
    private final class LayeredLoader implements Loader<String> {
        @Override
        public Reader getReader(String key) {
            int colon = key.indexOf(':');
            if (!key.startsWith("@") || colon < 0) {
                throw new LoaderException(null, "No template " + key);
            }
            int layer = Integer.parseInt(key.substring(1, colon));
            String path = key.substring(colon + 1);
            URL url = layer < layers.layers().size() ? layers.layers().get(layer).template(path) : null;
            if (url == null) {
                throw new LoaderException(null, "No template " + path);
            }
            try {
                return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LoaderException(e, "Cannot read template " + path);
            }
        }

        @Override
        public void setCharset(String charset) {
        }

        @Override
        public void setPrefix(String prefix) {
        }

        @Override
        public void setSuffix(String suffix) {
        }

        @Override
        public String resolveRelativePath(String relativePath, String anchorPath) {
            if (NEXT_LAYER.equals(relativePath)) {
                int colon = anchorPath.indexOf(':');
                int layer = Integer.parseInt(anchorPath.substring(1, colon));
                String path = anchorPath.substring(colon + 1);
                int next = layers.findTemplate(path, layer + 1);
                if (next < 0) {
                    throw new LoaderException(null, "ckan_extends in " + path + ": no layer below has " + path);
                }
                return "@" + next + ":" + path;
            }
            return createCacheKey(relativePath);
        }

        @Override
        public String createCacheKey(String templateName) {
            if (templateName.startsWith("@")) {
                return templateName;
            }
            int layer = layers.findTemplate(templateName, 0);
            return layer < 0 ? templateName : "@" + layer + ":" + templateName;
        }

        @Override
        public boolean resourceExists(String templateName) {
            return templateName.startsWith("@") || layers.findTemplate(templateName, 0) >= 0;
        }
    }

    /** {@code {% ckan_extends %}}: extends the template of the same name one layer down. */
    private static final class CkanExtendsParser implements TokenParser {
        @Override
        public String getTag() {
            return "ckan_extends";
        }

        @Override
        public RenderableNode parse(Token token, Parser parser) {
            int line = token.getLineNumber();
            parser.getStream().next();
            parser.getStream().expect(Token.Type.EXECUTE_END);
            return new ExtendsNode(line, new LiteralStringExpression(NEXT_LAYER, line));
        }
    }

    private final class PortalExtension extends AbstractExtension {
        private final Map<String, Function> functions = new LinkedHashMap<>();

        PortalExtension(Map<String, TemplateHelper> helpers) {
            CoreFunctions.register(functions, PageTemplates.this);
            helpers.forEach((name, helper) -> functions.put(name, new Positional((args, context) -> helper.call(args))));
        }

        @Override
        public List<TokenParser> getTokenParsers() {
            return List.of(new CkanExtendsParser());
        }

        @Override
        public Map<String, Function> getFunctions() {
            return functions;
        }
    }

    /** A function called with positional arguments. */
    interface Body {
        Object call(List<Object> args, EvaluationContext context);
    }

    /** Adapts a {@link Body} to Pebble's functions (arguments named "0", "1", ... when no names are declared). */
    record Positional(Body body) implements Function {
        @Override
        public List<String> getArgumentNames() {
            return null;
        }

        @Override
        public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; args.containsKey(String.valueOf(i)); i++) {
                list.add(args.get(String.valueOf(i)));
            }
            return body.call(list, context);
        }
    }

    /** Marks HTML the portal made itself as safe to print unescaped. */
    static SafeString safe(String html) {
        return new SafeString(html);
    }
}
