package dev.portalkit.runtime;

import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.plugin.PluginJarExtension;
import dev.portalkit.runtime.plugin.PluginJars;
import java.util.List;
import java.util.UUID;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * The standalone host: a Weld SE container over the class path plus the jars of the plugins
 * directory (each in its own class loader), with a started {@link Portal}.
 */
public final class PortalContainer implements AutoCloseable {
    private final WeldContainer container;
    private final Portal portal;

    private PortalContainer(WeldContainer container, Portal portal) {
        this.container = container;
        this.portal = portal;
    }

    public static PortalContainer start(BootOptions options) {
        PortalConfigImpl config = PortalConfigImpl.load(options.effectiveConfigFile(), options.effectiveOverrides());
        List<PluginJars.Found> jars = PluginJars.scan(Portal.pluginsDir(config), PortalContainer.class.getClassLoader());
        Weld weld = new Weld("portalkit-" + UUID.randomUUID())
                .property("org.jboss.weld.se.archive.isolation", false)
                .property("org.jboss.weld.se.shutdownHook", false)
                .addExtension(new PluginJarExtension(jars));
        WeldContainer container = weld.initialize();
        try {
            Portal portal = container.select(Portal.class).get();
            portal.start(options, config);
            return new PortalContainer(container, portal);
        } catch (RuntimeException e) {
            container.shutdown();
            throw e;
        }
    }

    public Portal portal() {
        return portal;
    }

    /** A bean of the container (for the web layer and tests). */
    public <T> T bean(Class<T> type) {
        return container.select(type).get();
    }

    @Override
    public void close() {
        try {
            portal.stop();
        } finally {
            if (container.isRunning()) {
                container.shutdown();
            }
        }
    }
}
