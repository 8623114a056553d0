package dev.portalkit.runtime;

import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.plugin.PluginJarExtension;
import dev.portalkit.runtime.plugin.PluginJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * The standalone host: a Weld SE container over the class path plus the jars of the plugins
 * directory (each in its own class loader), with a started {@link Portal}.
 *
 * <p>It is also where a command gets its portal: {@link #start} boots one, unless the command runs
 * inside a server on that server's behalf ({@link #withRunningPortal}): then it hands out the
 * server's running portal, which {@link #close} leaves running. And when a server on the same
 * embedded H2 database is running elsewhere, {@link #start} throws {@link RunningServer.Found}
 * instead of failing on the locked database file, so that the command line sends the command there.
 */
public final class PortalContainer implements AutoCloseable {
    private static final ThreadLocal<Portal> RUNNING = new ThreadLocal<>();
    private static final String DISABLE_BEANS_XML_VALIDATION = "org.jboss.weld.xml.disableValidating";

    private final WeldContainer container;
    private final Portal portal;

    private PortalContainer(WeldContainer container, Portal portal) {
        this.container = container;
        this.portal = portal;
    }

    /**
     * Runs {@code work} on this thread with {@link #start} handing out {@code portal} (a running
     * portal: a server runs a command sent to it), whatever boot options the command passes.
     */
    public static <T> T withRunningPortal(Portal portal, Callable<T> work) throws Exception {
        Portal before = RUNNING.get();
        RUNNING.set(portal);
        try {
            return work.call();
        } finally {
            if (before == null) {
                RUNNING.remove();
            } else {
                RUNNING.set(before);
            }
        }
    }

    /** The running portal lent to this thread ({@link #withRunningPortal}), or {@code null}. */
    static Portal running() {
        return RUNNING.get();
    }

    public static PortalContainer start(BootOptions options) {
        Portal running = RUNNING.get();
        if (running != null) {
            return new PortalContainer(null, running);
        }
        PortalConfigImpl config = PortalConfigImpl.load(options.effectiveConfigFile(), options.effectiveOverrides());
        if (options.database() != BootOptions.Database.NONE) {
            Optional<Path> socket = RunningServer.commandSocket(config);
            if (socket.isPresent()) {
                throw new RunningServer.Found(socket.get());
            }
        }
        // Weld checks every beans.xml against the XML schema (a schema factory and validator built at each start,
        // ~0.3 s of CPU here); the portal's and plugins' beans.xml are still parsed. -D... on the command line wins.
        if (System.getProperty(DISABLE_BEANS_XML_VALIDATION) == null) {
            System.setProperty(DISABLE_BEANS_XML_VALIDATION, "true");
        }
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

    /** True when this is a running server's portal lent to a command it runs ({@link #withRunningPortal}). */
    public boolean lent() {
        return container == null;
    }

    /** A bean of the container (for the web layer and tests). */
    public <T> T bean(Class<T> type) {
        if (container == null) {
            throw new IllegalStateException("a running portal lent to a command has no container of its own");
        }
        return container.select(type).get();
    }

    @Override
    public void close() {
        if (container == null) {
            return; // the server's portal: it keeps running
        }
        try {
            portal.stop();
        } finally {
            if (container.isRunning()) {
                container.shutdown();
            }
        }
    }
}
