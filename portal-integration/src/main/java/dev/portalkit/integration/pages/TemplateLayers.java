package dev.portalkit.integration.pages;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.web.ITemplates;
import dev.portalkit.runtime.plugin.PluginSet;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * The folders templates and assets are looked up in, first to last: each enabled plugin with
 * {@link ITemplates} in {@code portal.plugins} order, then the core's. A name is a relative path
 * of plain segments ({@code package/read.html}); anything else is never looked up.
 */
final class TemplateLayers {
    /** One folder on one class loader. */
    record Layer(String owner, ClassLoader loader, String templates, String assets) {
        URL template(String path) {
            return loader.getResource(templates + "/" + path);
        }

        URL asset(String path) {
            return assets == null ? null : loader.getResource(assets + "/" + path);
        }
    }

    private final List<Layer> layers;

    private TemplateLayers(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    static TemplateLayers of(PluginSet plugins) {
        List<Layer> layers = new ArrayList<>();
        for (PluginSet.Named<ITemplates> p : plugins.implementing(ITemplates.class)) {
            ClassLoader loader = PluginSet.realClass(p.plugin()).getClassLoader();
            layers.add(new Layer(p.name(), loader, folder(p.plugin().templateDirectory(), p.name()),
                    folder(p.plugin().publicDirectory(), p.name())));
        }
        layers.add(new Layer("core", TemplateLayers.class.getClassLoader(), "portal/templates", "portal/public"));
        return new TemplateLayers(layers);
    }

    private static String folder(String folder, String plugin) {
        if (folder == null || folder.isBlank()) {
            return null;
        }
        String f = folder.strip();
        while (f.endsWith("/")) {
            f = f.substring(0, f.length() - 1);
        }
        if (!isSafe(f)) {
            throw PortalException.config("plugin " + plugin + ": template or public folder '" + folder + "' is not a relative class-path folder");
        }
        return f;
    }

    List<Layer> layers() {
        return layers;
    }

    /** The index of the first layer at or after {@code from} that has template {@code path}, or -1. */
    int findTemplate(String path, int from) {
        if (!isSafe(path)) {
            return -1;
        }
        for (int i = Math.max(0, from); i < layers.size(); i++) {
            if (layers.get(i).templates() != null && layers.get(i).template(path) != null) {
                return i;
            }
        }
        return -1;
    }

    /** The first layer's asset at {@code path}, or null. */
    URL findAsset(String path) {
        if (!isSafe(path)) {
            return null;
        }
        for (Layer layer : layers) {
            URL url = layer.asset(path);
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    /** A relative path of plain segments: no empty, {@code .} or {@code ..} segment, no backslash, colon or NUL. */
    static boolean isSafe(String path) {
        if (path == null || path.isEmpty() || path.length() > 500 || path.startsWith("/") || path.endsWith("/")) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == ':' || c < 0x20) {
                return false;
            }
        }
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
