package dev.portalkit.integration.standalone;

import dev.portalkit.api.PortalException;
import dev.portalkit.integration.metrics.MetricsServlet;
import dev.portalkit.integration.metrics.PortalMetrics;
import dev.portalkit.integration.health.HealthServlet;
import dev.portalkit.integration.health.PortalHealth;
import dev.portalkit.integration.web.ActionResource;
import dev.portalkit.integration.web.ApiDescriptionResource;
import dev.portalkit.integration.web.ApiResponseHeaders;
import dev.portalkit.integration.web.ApiExceptionMapper;
import dev.portalkit.integration.web.FileDownloadRoutes;
import dev.portalkit.integration.web.FileDownloadServlet;
import dev.portalkit.integration.web.TusServlet;
import dev.portalkit.integration.web.RequestSizeFilter;
import dev.portalkit.integration.web.TaskPoller;
import dev.portalkit.runtime.job.JobWorker;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.integration.web.WebIdentity;
import dev.portalkit.integration.pages.PageServlet;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.cluster.ClusterNodes;
import dev.portalkit.runtime.intake.UploadIntake;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.jboss.resteasy.spi.ResteasyDeployment;

/**
 * The standalone HTTP server: Jetty 12 (ee11 servlet) with RESTEasy serving the same Jakarta
 * REST classes as the WAR, whose instances come from the portal's Weld container, the download
 * servlet on {@code /files/*} (sending local files with {@code sendfile}, see
 * {@link JettyFileSender} and {@link SendfileConnector}); plus the task poller and, when
 * {@code portal.jobs.worker} is on, a background job worker ({@link JobWorker#inServer}). Slow clients
 * cannot take it down: a total and a per-address connection limit, a deadline for request heads
 * ({@link ConnectionGuard}), few threads ever waiting for a request body and a minimum body data
 * rate ({@link RequestBodyGuard}), an idle timeout; every limit is a {@code portal.http.*} option.
 * At start, the spools of server processes that are gone are removed, and the process joins the
 * portal's nodes ({@link ClusterNodes}: a node whose link secret differs from a live node's fails).
 * MicroProfile Health answers at {@code /health} ({@link HealthServlet}), Prometheus metrics at
 * {@code /metrics}. {@link #close()} (SIGTERM) shuts down gracefully:
 * readiness turns DOWN, the server keeps serving for {@code portal.http.drain_delay} seconds, then
 * stops accepting connections and lets running requests finish ({@code portal.http.shutdown_grace}
 * seconds at most), then stops the job worker (letting its running job finish,
 * {@code portal.jobs.stop_grace}) and the poller, releases the task and job leases this node
 * still holds so that another node takes them at once, and leaves the portal's nodes.
 */
public final class PortalServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PortalServer.class.getName());
    private static final int INPUT_BUFFER = 64 * 1024;

    private final Server server;
    private final ResteasyDeployment deployment;
    private final TaskPoller poller;
    private final AutoCloseable jobWorker;
    private final URI uri;
    private final ClusterNodes nodes;
    private final Portal portal;
    private final PortalHealth health;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private PortalServer(Server server, ResteasyDeployment deployment, TaskPoller poller, AutoCloseable jobWorker, URI uri,
                         Portal portal, PortalHealth health, ClusterNodes nodes) {
        this.portal = portal;
        this.health = health;
        this.nodes = nodes;
        this.server = server;
        this.deployment = deployment;
        this.poller = poller;
        this.jobWorker = jobWorker;
        this.uri = uri;
    }

    /** Starts serving the portal of {@code container} on {@code portal.http.host}:{@code portal.http.port}. */
    public static PortalServer start(PortalContainer container) {
        Portal portal = container.portal();
        String host = portal.config().string(WebPlugin.HTTP_HOST);
        int port = portal.config().integer(WebPlugin.HTTP_PORT);
        container.bean(UploadIntake.class).sweepDeadSpools();
        // Before it listens: a node whose link secret differs from a live node's does not start.
        ClusterNodes nodes = portal.joinCluster(null);

        ResteasyDeployment deployment = new ResteasyDeploymentImpl();
        deployment.getResources().add(container.bean(ActionResource.class));
        deployment.getResources().add(container.bean(ApiDescriptionResource.class));
        deployment.getProviders().add(new ApiExceptionMapper());
        deployment.getProviders().add(new ApiResponseHeaders());
        deployment.start();

        QueuedThreadPool threads = new QueuedThreadPool(WebPlugin.THREADS, 4);
        threads.setName("portal-http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HttpConnectionFactory httpFactory = new HttpConnectionFactory(http);
        httpFactory.setInputBufferSize(INPUT_BUFFER);
        // Its connections can send file regions with sendfile (see JettyFileSender).
        ServerConnector connector = new SendfileConnector(server, httpFactory);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(portal.config().integer(WebPlugin.IDLE_TIMEOUT)));
        Set<InetAddress> proxies = new LinkedHashSet<>();
        for (String address : portal.config().list(WebPlugin.PROXY_ADDRESSES)) {
            proxies.add(WebPlugin.ipAddress(address));
        }
        ConnectionGuard connections = new ConnectionGuard(portal.config().integer(WebPlugin.MAX_CONNECTIONS_PER_ADDRESS), proxies,
                TimeUnit.SECONDS.toMillis(portal.config().integer(WebPlugin.HEAD_TIMEOUT)), server.getScheduler());
        connector.addEventListener(connections);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(portal.config().integer(WebPlugin.MAX_CONNECTIONS), connector));

        ServletContextHandler context = new ServletContextHandler("/");
        context.setAttribute(ResteasyDeployment.class.getName(), deployment);
        ServletHolder api = new ServletHolder("action-api", new HttpServlet30Dispatcher());
        api.setInitParameter("resteasy.servlet.mapping.prefix", "/api");
        context.addServlet(api, "/api/*");
        WebIdentity identities = container.bean(WebIdentity.class);
        // The HTML pages take every path the API and the downloads do not (the default servlet).
        context.getServletHandler().addServletWithMapping(new ServletHolder(FileDownloadServlet.PAGES,
                new PageServlet(portal, identities, container.bean(UploadIntake.class))), "/");
        // An oversized action request is refused by its Content-Length before RESTEasy touches the body (no 100 Continue).
        context.addFilter(new FilterHolder(new RequestSizeFilter(portal)), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        // Downloads are a servlet in front of the REST application, so that Jetty can send files with sendfile.
        ServletHolder downloads = new ServletHolder("files", new FileDownloadServlet(container.bean(FileDownloadRoutes.class),
                identities, JettyFileSender.fromSystemProperty()));
        context.getServletHandler().addServletWithMapping(downloads, "/files/*");
        context.getServletHandler().addServletWithMapping(downloads, "/dataset/*");
        // Resumable uploads (tus) below the downloads' prefix: the longer mapping wins.
        ServletHolder tus = new ServletHolder("tus", new TusServlet(portal, container.bean(UploadIntake.class), identities));
        context.getServletHandler().addServletWithMapping(tus, "/files/tus");
        context.getServletHandler().addServletWithMapping(tus, "/files/tus/*");
        // Prometheus metrics (portal.metrics.enabled); the requests are measured by MetricsHandler below.
        PortalMetrics metrics = container.bean(PortalMetrics.class);
        context.getServletHandler().addServletWithMapping(new ServletHolder("metrics", new MetricsServlet(metrics)), "/metrics");
        context.getServletHandler().addServletWithMapping(new ServletHolder("health", new HealthServlet(container.bean(PortalHealth.class))), "/health/*");
        context.setErrorHandler(new JsonErrorHandlers.Servlet());
        RequestBodyGuard.Limits bodies = new RequestBodyGuard.Limits(portal.config().integer(WebPlugin.MAX_BODY_READS),
                portal.config().integer(WebPlugin.MAX_BODY_READS_PER_ADDRESS), portal.config().size(WebPlugin.MIN_BODY_RATE),
                TimeUnit.SECONDS.toNanos(portal.config().integer(WebPlugin.BODY_RATE_GRACE)),
                (int) portal.config().size(WebPlugin.BUFFERED_BODY_SIZE));
        server.setHandler(new GracefulHandler(new MetricsHandler(new RequestBodyGuard(context, bodies, connections), metrics)));
        server.setErrorHandler(new JsonErrorHandlers.Server());
        server.setStopTimeout(TimeUnit.SECONDS.toMillis(portal.config().integer(WebPlugin.SHUTDOWN_GRACE)));

        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            deployment.stop();
            nodes.close();
            Throwable cause = e instanceof IOException || e.getCause() == null ? e : e.getCause();
            throw PortalException.config("portal.http.port: cannot listen on " + host + ":" + port + ": " + cause.getMessage());
        }
        String shownHost = host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host;
        if (shownHost.contains(":")) {
            shownHost = "[" + shownHost + "]";
        }
        URI uri = URI.create("http://" + shownHost + ":" + connector.getLocalPort() + "/");
        TaskPoller poller = TaskPoller.start(portal, null);
        return new PortalServer(server, deployment, poller, JobWorker.inServer(portal, null), uri, portal,
                container.bean(PortalHealth.class), nodes);
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:5000/}. */
    public URI uri() {
        return uri;
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** This node's health: {@code readiness()}, {@code liveness()}, {@code draining()}. */
    public PortalHealth health() {
        return health;
    }

    /** Whether {@link #close()} began: readiness is DOWN from then on. */
    public boolean draining() {
        return health.draining();
    }

    /**
     * Stops gracefully (see the class comment); a second call returns at once. Blocks for up to
     * {@code portal.http.drain_delay} + {@code portal.http.shutdown_grace} + {@code portal.jobs.stop_grace}.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        health.startDraining();
        int drain = portal.config().integer(WebPlugin.DRAIN_DELAY);
        try {
            if (drain > 0) {
                LOG.info("readiness is DOWN; serving " + drain + " s more before closing the listener (" + WebPlugin.DRAIN_DELAY + ")");
                Thread.sleep(TimeUnit.SECONDS.toMillis(drain));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                stopQuietly(server); // stops accepting, lets requests in flight finish (portal.http.shutdown_grace)
            } finally {
                try {
                    jobWorker.close(); // lets its running job finish (portal.jobs.stop_grace), releases its lease
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "stopping the job worker failed: " + e.getMessage(), e);
                }
                poller.close();
                releaseTaskLeases();
                deployment.stop();
                nodes.close(); // the node leaves portal_node last: it ran tasks until here
            }
        }
    }

    /** Post-commit tasks still running in this node (a request cut by the grace period, a stuck poller) go back to the queue. */
    private void releaseTaskLeases() {
        if (portal.transactions() == null || !portal.isStarted()) {
            return;
        }
        try {
            int released = portal.tasks().releaseLeases();
            if (released > 0) {
                LOG.info("released the lease of " + released + " running post-commit task(s): another node takes them at once");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "releasing task leases failed (they expire by themselves): " + e.getMessage(), e);
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the HTTP server failed: " + e.getMessage(), e);
        }
    }
}
