package dev.portalkit.runtime;

import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.plugin.BuiltIn;
import dev.portalkit.runtime.plugin.PluginJars;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.inject.Inject;
import java.lang.reflect.AccessibleObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a command that reads only declarations ({@code plugins}, {@code config declaration},
 * {@code files adapters}) needs: the discovered plugins, resolved against {@code portal.plugins},
 * and the configuration validated against the enabled plugins' declarations; no database, no
 * storage, no action registry.
 *
 * <p>{@link #read} gets them without the CDI container when it can: the plugins listed in
 * {@code META-INF/services/dev.portalkit.api.plugin.PortalPlugin} on the class path (the built-in
 * ones are listed there too) and in the plugins directory's jars ({@link PluginJars}), each built
 * with its no-argument constructor, as {@link java.util.ServiceLoader} builds them (plugin
 * constructors do no work). It boots the container instead, exactly as before, when that view
 * could differ from the container's: a plugin named in {@code portal.plugins} (or by the command)
 * that no services file lists (a CDI bean found on the class path only), a plugin that is not
 * built in and injects beans, or a plugin that cannot be built plainly. A CDI-only plugin that
 * nothing names is not listed by {@code plugins}: a plugin jar carries both files
 * (plugins/example/README.md).
 */
public record PortalDeclarations(PortalConfigImpl config, PluginSet plugins) {

    /** The declarations of a started portal. */
    public static PortalDeclarations of(Portal portal) {
        return new PortalDeclarations(portal.config(), portal.plugins());
    }

    /**
     * Runs {@code work} on the declarations {@code options} give.
     *
     * @param named plugins the command names (besides those of {@code portal.plugins}), e.g. {@code config declaration files}
     */
    public static <T> T read(BootOptions options, Collection<String> named, Function<PortalDeclarations, T> work) {
        Portal running = PortalContainer.running();
        if (running != null) {
            return work.apply(of(running));
        }
        PortalConfigImpl config = PortalConfigImpl.load(options.effectiveConfigFile(), options.effectiveOverrides());
        Optional<List<PortalPlugin>> plain = withoutContainer(config);
        if (plain.isPresent()) {
            Set<String> names = plain.get().stream().map(PortalPlugin::name).collect(Collectors.toSet());
            if (Stream.concat(config.list(CoreConfig.PLUGINS).stream(), named.stream()).allMatch(names::contains)) {
                return work.apply(new PortalDeclarations(config, Portal.resolveAndValidate(plain.get(), config)));
            }
        }
        try (PortalContainer container = PortalContainer.start(options.withDatabase(BootOptions.Database.NONE).withRunPendingTasks(false))) {
            return work.apply(of(container.portal()));
        }
    }

    /**
     * The plugins of the class path's services files and of the plugins directory, built plainly;
     * empty when one of them needs the container.
     */
    static Optional<List<PortalPlugin>> withoutContainer(PortalConfigImpl config) {
        ClassLoader host = PortalDeclarations.class.getClassLoader();
        List<PluginJars.Found> jars = PluginJars.scan(Portal.pluginsDir(config), host);
        List<PortalPlugin> plugins = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<PortalPlugin> provider : ServiceLoader.load(PortalPlugin.class, host).stream().toList()) {
                if (injects(provider.type())) {
                    return Optional.empty();
                }
                plugins.add(provider.get());
            }
            for (PluginJars.Found found : jars) {
                if (injects(found.type())) {
                    return Optional.empty();
                }
                plugins.add(found.type().getDeclaredConstructor().newInstance());
            }
        } catch (ServiceConfigurationError | ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
        return Optional.of(plugins);
    }

    /**
     * Whether a plugin not built in has an {@code @Inject} constructor, field or method (in its class
     * or a superclass): built plainly it would miss them. The built-in plugins inject beans only for
     * what they do once started, never for their declarations.
     */
    private static boolean injects(Class<?> type) {
        if (type.isAnnotationPresent(BuiltIn.class)) {
            return false;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (AccessibleObject[] members : List.of(c.getDeclaredConstructors(), c.getDeclaredFields(), c.getDeclaredMethods())) {
                for (AccessibleObject member : members) {
                    if (member.isAnnotationPresent(Inject.class)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
