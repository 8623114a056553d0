package dev.portalkit.runtime.plugin;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.plugin.PortalPlugin;
import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds plugin jars in a directory: each jar gets its own {@link PluginClassLoader}, and its
 * plugin classes are the ones it lists in {@code META-INF/services/dev.portalkit.api.plugin.PortalPlugin}.
 */
public final class PluginJars {
    /** A plugin class found in a jar. */
    public record Found(Path jar, Class<? extends PortalPlugin> type) {
    }

    private PluginJars() {
    }

    public static List<Found> scan(Path directory, ClassLoader host) {
        List<Found> found = new ArrayList<>();
        if (directory == null || !Files.isDirectory(directory)) {
            return found;
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw PortalException.config("plugins directory " + directory + " cannot be read: " + e.getMessage());
        }
        for (Path jar : jars) {
            PluginClassLoader loader;
            try {
                loader = new PluginClassLoader("plugin:" + jar.getFileName(), jar.toUri().toURL(), host);
            } catch (MalformedURLException e) {
                throw PortalException.config("plugin jar " + jar + " cannot be opened");
            }
            List<Class<? extends PortalPlugin>> types = new ArrayList<>();
            try {
                ServiceLoader.load(PortalPlugin.class, loader).stream()
                        .map(ServiceLoader.Provider::type)
                        .filter(t -> t.getClassLoader() == loader)
                        .forEach(types::add);
            } catch (java.util.ServiceConfigurationError e) {
                throw PortalException.config("plugin jar " + jar + " is broken: " + e.getMessage());
            }
            if (types.isEmpty()) {
                throw PortalException.config("plugin jar " + jar + " lists no plugin in META-INF/services/"
                        + PortalPlugin.class.getName());
            }
            types.forEach(t -> found.add(new Found(jar, t)));
        }
        return found;
    }
}
