package dev.portalkit.runtime.plugin;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.plugin.PortalPlugin;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The discovered plugins and the enabled ones in plugin order: configured plugins in
 * {@code portal.plugins} order, then the built-in ones.
 */
public final class PluginSet {
    private final List<PluginInfo> discovered;
    private final List<PluginInfo> enabled;
    /** {@link #implementing}'s answers: the set never changes once made. */
    private final java.util.concurrent.ConcurrentMap<Class<?>, List<Named<?>>> byExtensionPoint = new java.util.concurrent.ConcurrentHashMap<>();

    private PluginSet(List<PluginInfo> discovered, List<PluginInfo> enabled) {
        this.discovered = discovered;
        this.enabled = enabled;
    }

    /**
     * @throws PortalException CONFIG_INVALID for an unknown or duplicate name, listing the available plugins
     */
    public static PluginSet resolve(Iterable<PortalPlugin> beans, List<String> configured) {
        Map<String, PortalPlugin> byName = new LinkedHashMap<>();
        for (PortalPlugin plugin : beans) {
            PortalPlugin other = byName.putIfAbsent(plugin.name(), plugin);
            if (other != null && other.getClass() != plugin.getClass()) {
                throw PortalException.config("two plugins are named '" + plugin.name() + "': "
                        + realClass(other).getName() + " and " + realClass(plugin).getName());
            }
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : configured) {
            PortalPlugin plugin = byName.get(name);
            if (plugin == null || isBuiltIn(plugin)) {
                if (plugin == null) {
                    String available = byName.values().stream().filter(p -> !isBuiltIn(p)).map(PortalPlugin::name)
                            .sorted().collect(Collectors.joining(", "));
                    throw PortalException.config("portal.plugins: unknown plugin '" + name + "' (available plugins: "
                            + (available.isEmpty() ? "none" : available) + ")");
                }
                continue;
            }
            if (!wanted.add(name)) {
                throw PortalException.config("portal.plugins: plugin '" + name + "' is listed twice");
            }
        }
        List<PluginInfo> discovered = new ArrayList<>();
        List<PluginInfo> enabled = new ArrayList<>();
        Map<String, PluginInfo> infos = new LinkedHashMap<>();
        for (PortalPlugin plugin : byName.values()) {
            boolean builtIn = isBuiltIn(plugin);
            PluginInfo info = new PluginInfo(plugin.name(), plugin, source(plugin), builtIn,
                    builtIn || wanted.contains(plugin.name()), extensionPoints(plugin));
            infos.put(info.name(), info);
            discovered.add(info);
        }
        discovered.sort(Comparator.comparing((PluginInfo i) -> !i.builtIn()).thenComparing(PluginInfo::name));
        for (String name : wanted) {
            enabled.add(infos.get(name));
        }
        for (PluginInfo info : discovered) {
            if (info.builtIn()) {
                enabled.add(info);
            }
        }
        return new PluginSet(List.copyOf(discovered), List.copyOf(enabled));
    }

    public List<PluginInfo> discovered() {
        return discovered;
    }

    /** Enabled plugins in plugin order (configured order, built-ins last). */
    public List<PluginInfo> enabled() {
        return enabled;
    }

    /**
     * Enabled plugins implementing {@code extensionPoint}, in plugin order, paired with their names
     * (an unmodifiable list, the same one each time: request paths ask on every request).
     */
    @SuppressWarnings("unchecked")
    public <T> List<Named<T>> implementing(Class<T> extensionPoint) {
        return (List<Named<T>>) (List<?>) byExtensionPoint.computeIfAbsent(extensionPoint, point -> {
            List<Named<?>> out = new ArrayList<>();
            for (PluginInfo info : enabled) {
                if (point.isInstance(info.plugin())) {
                    out.add(new Named<>(info.name(), point.cast(info.plugin()), info.builtIn()));
                }
            }
            return List.copyOf(out);
        });
    }

    /** A plugin seen through one extension point. */
    public record Named<T>(String name, T plugin, boolean builtIn) {
    }

    public static boolean isBuiltIn(PortalPlugin plugin) {
        return realClass(plugin).isAnnotationPresent(BuiltIn.class);
    }

    /** The bean class behind a CDI client proxy. */
    public static Class<?> realClass(Object bean) {
        Class<?> c = bean.getClass();
        while (c.getName().contains("$Proxy$") || c.getName().contains("$$")) {
            c = c.getSuperclass();
        }
        return c;
    }

    private static List<String> extensionPoints(PortalPlugin plugin) {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> c = realClass(plugin); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getPackageName().startsWith("dev.portalkit.api") && i != PortalPlugin.class) {
                    names.add(i.getSimpleName());
                }
            }
        }
        return List.copyOf(names);
    }

    private static String source(PortalPlugin plugin) {
        CodeSource cs = realClass(plugin).getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "?";
        }
        try {
            return Path.of(cs.getLocation().toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            // Not a file: e.g. WildFly's vfs: URLs for the jars of a WAR.
            return cs.getLocation().toString();
        }
    }
}
