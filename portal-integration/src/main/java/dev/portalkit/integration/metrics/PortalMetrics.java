package dev.portalkit.integration.metrics;

import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.db.Database;
import dev.portalkit.runtime.files.StorageMonitoring;
import dev.portalkit.runtime.task.TaskRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The portal's Micrometer registry, scraped as Prometheus text at {@code /metrics}
 * ({@link MetricsServlet}); the standalone server and the WAR share it. Built on first use once the
 * portal runs (its action names, storages and pool are known then), unless
 * {@value MetricsPlugin#ENABLED} is false. Besides the request meters ({@link RequestMeters}):
 * <ul>
 * <li>{@code portalkit_tasks_pending}, {@code portalkit_tasks_failed}: post-commit tasks of the
 *     outbox, one grouped count at most every {@value #TASK_COUNT_TTL_SECONDS} seconds however
 *     often it is scraped;</li>
 * <li>{@code portalkit_storage_errors_total{storage}}: calls to a storage that failed because of
 *     its backend ({@link StorageMonitoring#backendErrors});</li>
 * <li>{@code portalkit_db_connections_active|idle|open|max|pending}: the portal's own connection
 *     pool, read from its counters (absent with {@code portal.db.jndi}: the server's pool);</li>
 * <li>Micrometer's JVM and process binders: memory, GC, threads, classes, CPU, uptime, file descriptors.</li>
 * </ul>
 */
@ApplicationScoped
public class PortalMetrics {
    private static final Logger LOG = Logger.getLogger(PortalMetrics.class.getName());
    static final long TASK_COUNT_TTL_SECONDS = 10;
    /** Prometheus text format 0.0.4, what every Prometheus scrapes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    Portal portal;

    private volatile Bound bound;
    private volatile boolean disabled;
    private boolean closed;

    private record Bound(PrometheusMeterRegistry registry, RequestMeters requests, JvmGcMetrics gc) {
    }

    /** For CDI. */
    public PortalMetrics() {
    }

    /** The request meters; null while the portal is not running or when metrics are off. */
    public RequestMeters requests() {
        Bound b = bind();
        return b == null ? null : b.requests();
    }

    /** The metrics as Prometheus text; null while the portal is not running or when metrics are off. */
    public String scrape() {
        Bound b = bind();
        return b == null ? null : b.registry().scrape();
    }

    private Bound bind() {
        Bound b = bound;
        if (b != null || disabled) {
            return b;
        }
        synchronized (this) {
            if (bound == null && !disabled && !closed && portal.isStarted()) {
                if (!portal.config().bool(MetricsPlugin.ENABLED)) {
                    disabled = true;
                    return null;
                }
                bound = create();
            }
            return bound;
        }
    }

    private Bound create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RequestMeters requests = new RequestMeters(registry, portal.dispatcher().actions().names());
        TaskCounts tasks = new TaskCounts();
        // Strong references: a gauge holds its object weakly, and nothing else holds this one.
        Gauge.builder("portalkit.tasks.pending", tasks, t -> t.get(TaskRecord.PENDING)).strongReference(true)
                .description("Post-commit tasks waiting to run or to be retried").register(registry);
        Gauge.builder("portalkit.tasks.failed", tasks, t -> t.get(TaskRecord.FAILED)).strongReference(true)
                .description("Post-commit tasks out of attempts (portalkit tasks list --status failed)").register(registry);
        for (Map.Entry<String, ManagedStorage> e : StorageMonitoring.open(portal).entrySet()) {
            ToDoubleFunction<ManagedStorage> errors = StorageMonitoring.backendErrors(e.getValue());
            if (errors != null) {
                FunctionCounter.builder("portalkit.storage.errors", e.getValue(), errors)
                        .tag("storage", e.getKey()).description("Calls to the storage that failed because of its backend")
                        .register(registry);
            }
        }
        Database db = portal.database();
        if (db != null && db.poolUsage().isPresent()) {
            pool(registry, db, "active", "Connections in use", Database.PoolUsage::active);
            pool(registry, db, "idle", "Open connections not in use", Database.PoolUsage::idle);
            pool(registry, db, "open", "Open connections, in use or idle", Database.PoolUsage::total);
            pool(registry, db, "max", "The most connections the pool opens (portal.db.pool_size)", Database.PoolUsage::max);
            pool(registry, db, "pending", "Threads waiting for a connection", Database.PoolUsage::waiting);
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return new Bound(registry, requests, gc);
    }

    private static void pool(PrometheusMeterRegistry registry, Database db, String name, String description,
                             ToDoubleFunction<Database.PoolUsage> value) {
        Gauge.builder("portalkit.db.connections." + name, db, d -> d.poolUsage().map(value::applyAsDouble).orElse(Double.NaN))
                .description(description).register(registry);
    }

    @PreDestroy
    public synchronized void close() {
        closed = true;
        if (bound != null) {
            bound.gc().close();
            bound.registry().close();
            bound = null;
        }
    }

    /** The outbox's pending and failed counts, counted again at most every {@value #TASK_COUNT_TTL_SECONDS} seconds. */
    private final class TaskCounts {
        private long countedAt;
        private Map<String, Long> counts;

        synchronized double get(String status) {
            long now = System.nanoTime();
            if (counts == null || now - countedAt > TASK_COUNT_TTL_SECONDS * 1_000_000_000L) {
                try {
                    counts = portal.tasks().countByStatus(null);
                } catch (RuntimeException e) {
                    // Logged once per outage (a scrape every few seconds would repeat it); NaN until the database answers again.
                    LOG.log(counts != null && counts.isEmpty() ? Level.FINE : Level.WARNING,
                            "metrics: counting the post-commit tasks failed: " + e.getMessage(), e);
                    counts = Map.of();
                }
                countedAt = now;
            }
            Long count = counts.get(status);
            return count == null ? Double.NaN : count;
        }
    }
}
