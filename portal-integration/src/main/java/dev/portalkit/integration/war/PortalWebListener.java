package dev.portalkit.integration.war;

import dev.portalkit.integration.health.PortalHealth;
import dev.portalkit.integration.web.TaskPoller;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.cli.CommandServer;
import dev.portalkit.runtime.cluster.ClusterNodes;
import dev.portalkit.runtime.job.JobWorker;
import dev.portalkit.runtime.intake.UploadIntake;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Starts the portal in a WAR: the app server's CDI has built the {@link Portal} bean (and found
 * the plugins in {@code WEB-INF/lib}); this starts it with the configuration from system
 * properties, environment variables and the {@code PORTAL_CONFIG} file, and runs the task poller
 * on the server's managed scheduler and the job worker ({@code portal.jobs.worker}) on a managed
 * thread. A bad configuration fails the deployment with the key named. On undeploy, readiness
 * ({@code /health/ready}) turns DOWN first and the task leases still held are released.
 * Only servlet containers see this listener; the standalone server starts the portal itself.
 */
@WebListener
public class PortalWebListener implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(PortalWebListener.class.getName());
    private static final String MANAGED_SCHEDULER = "java:comp/DefaultManagedScheduledExecutorService";
    private static final String MANAGED_THREADS = "java:comp/DefaultManagedThreadFactory";

    @Inject
    Portal portal;

    @Inject
    UploadIntake intake;

    @Inject
    PortalHealth health;

    private TaskPoller poller;
    private AutoCloseable jobWorker;
    private CommandServer commands;
    private ClusterNodes nodes;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        portal.start(BootOptions.defaults());
        intake.sweepDeadSpools();
        nodes = portal.joinCluster(managedScheduler());
        poller = TaskPoller.start(portal, managedScheduler());
        jobWorker = JobWorker.inServer(portal, managedThreads());
        // On an embedded H2 database the command line works through this server (H2 lets one process open the file).
        commands = CommandServer.openIfEmbeddedH2(portal).orElse(null);
        LOG.info("Portalkit is running at context path '" + event.getServletContext().getContextPath() + "/' (data directory "
                + portal.dataDirectory() + ", plugins " + portal.config().list("portal.plugins") + ")");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        health.startDraining(); // /health/ready answers DOWN while the app server undeploys (it drains requests itself)
        if (commands != null) {
            commands.close();
        }
        if (jobWorker != null) {
            try {
                jobWorker.close(); // lets its running job finish (portal.jobs.stop_grace)
            } catch (Exception e) {
                LOG.warning("stopping the job worker failed: " + e.getMessage());
            }
        }
        if (poller != null) {
            poller.close();
        }
        if (portal.transactions() != null && portal.isStarted()) {
            try {
                portal.tasks().releaseLeases(); // tasks still running go back to the queue for another node
            } catch (RuntimeException e) {
                LOG.warning("releasing task leases failed (they expire by themselves): " + e.getMessage());
            }
        }
        if (nodes != null) {
            nodes.close();
        }
        intake.close();
        portal.stop();
    }

    /** The app server's managed thread factory (a Jakarta Concurrency ManagedThreadFactory is a ThreadFactory), or null. */
    private static ThreadFactory managedThreads() {
        try {
            return (ThreadFactory) new InitialContext().lookup(MANAGED_THREADS);
        } catch (NamingException | ClassCastException e) {
            return null; // a plain servlet container: the worker uses a daemon thread of its own
        }
    }

    private static ScheduledExecutorService managedScheduler() {
        try {
            return (ScheduledExecutorService) new InitialContext().lookup(MANAGED_SCHEDULER);
        } catch (NamingException | ClassCastException e) {
            return null; // a plain servlet container: the poller uses a daemon thread of its own
        }
    }
}
