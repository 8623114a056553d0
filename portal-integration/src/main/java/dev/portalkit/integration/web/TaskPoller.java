package dev.portalkit.integration.web;

import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.core.CoreConfig;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the task outbox's due tasks ({@code portal.tasks().runDue()}: retries of failed
 * post-commit tasks, tasks left by a crash) every {@code portal.tasks.poll_interval} seconds
 * while the server runs (0 or less turns that off), and the subsystems' periodic upkeep
 * ({@link Portal#upkeep()}: the orphan sweep) at the same pace, or every minute when task polling
 * is off.
 */
public final class TaskPoller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TaskPoller.class.getName());

    /** Seconds between upkeeps when task polling is off. */
    static final int UPKEEP_WITHOUT_POLLING = 60;

    private final ScheduledExecutorService executor;
    private final boolean ownExecutor;
    private final ScheduledFuture<?> future;
    private final java.util.concurrent.atomic.AtomicBoolean closed;

    private TaskPoller(ScheduledExecutorService executor, boolean ownExecutor, ScheduledFuture<?> future,
                       java.util.concurrent.atomic.AtomicBoolean closed) {
        this.executor = executor;
        this.ownExecutor = ownExecutor;
        this.future = future;
        this.closed = closed;
    }

    /**
     * @param executor an executor of the app server (not shut down here), or {@code null} for a
     *                 daemon thread of our own
     */
    public static TaskPoller start(Portal portal, ScheduledExecutorService executor) {
        int pollInterval = portal.config().integer(CoreConfig.TASKS_POLL_INTERVAL);
        if (portal.transactions() == null) {
            return new TaskPoller(null, false, null, new java.util.concurrent.atomic.AtomicBoolean());
        }
        boolean polling = pollInterval > 0;
        int interval = polling ? pollInterval : UPKEEP_WITHOUT_POLLING;
        boolean own = executor == null;
        ScheduledExecutorService exec = own ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portal-task-poller");
            t.setDaemon(true);
            return t;
        }) : executor;
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> future = exec.scheduleWithFixedDelay(() -> {
            try {
                if (polling && portal.isStarted() && !closed.get()) {
                    int ran = portal.tasks().runDue(closed::get); // claims nothing more once closing
                    if (ran > 0) {
                        LOG.fine(() -> "ran " + ran + " due post-commit task(s)");
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "running due post-commit tasks failed: " + e.getMessage(), e);
            }
            try {
                if (portal.isStarted() && !closed.get()) {
                    portal.upkeep();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "upkeep failed: " + e.getMessage(), e);
            }
        }, interval, interval, TimeUnit.SECONDS);
        return new TaskPoller(exec, own, future, closed);
    }

    @Override
    public void close() {
        closed.set(true);
        if (future != null) {
            future.cancel(false);
        }
        if (ownExecutor && executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
