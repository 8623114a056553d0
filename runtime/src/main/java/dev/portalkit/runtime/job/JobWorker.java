package dev.portalkit.runtime.job;

import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.core.CoreConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A worker (CKAN's {@code ckan jobs worker}, rq's worker): takes jobs of its queues oldest first
 * and runs them one at a time, renewing the lease of the running job every third of the lease
 * while it runs. When no job is claimable it looks again after the poll interval (and, at most
 * once an hour, deletes jobs past {@code portal.jobs.keep_days}); in burst mode it returns instead. {@link #stop} lets the running job finish (up to a grace period, then
 * interrupts it) and ends the loop; a job cut that way goes back to the queue at once (its lease
 * released, the attempt not counted) for another worker.
 */
public final class JobWorker {
    private static final Logger LOG = Logger.getLogger(JobWorker.class.getName());

    private final JobRunner runner;
    private final List<String> queues;
    private final String id;
    private final Duration pollInterval;
    private final Object wake = new Object();
    private volatile boolean stopping;
    private volatile Thread loopThread;
    /**
     * Counted down when the loop ends. {@link #stop} waits on it, not on the loop's thread: in
     * {@code jobs worker} that thread is the CLI's main thread, which goes on after the loop (and
     * blocks in {@code System.exit} while the shutdown hook that called stop still runs).
     */
    private volatile CountDownLatch ended = new CountDownLatch(0);
    /** Set when {@link #stop} interrupts the running job. */
    private volatile boolean cutting;
    /** The job running now, or null. */
    private volatile JobRecord current;
    private Instant lastPurge;
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    public JobWorker(JobRunner runner, List<String> queues, Duration pollInterval) {
        this(runner, queues, pollInterval, defaultId());
    }

    public JobWorker(JobRunner runner, List<String> queues, Duration pollInterval, String id) {
        this.runner = runner;
        this.queues = List.copyOf(queues);
        this.pollInterval = pollInterval;
        this.id = id;
    }

    /** host:pid:random, unique per worker. */
    static String defaultId() {
        return ManagementFactory.getRuntimeMXBean().getName() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    public List<String> queues() {
        return queues;
    }

    /** Runs claimable jobs until there is none (or {@link #stop}); returns how many finished. */
    public int runBurst() {
        return loop(true);
    }

    /** Runs jobs until {@link #stop}; returns how many finished. */
    public int runUntilStopped() {
        return loop(false);
    }

    private int loop(boolean burst) {
        CountDownLatch done = new CountDownLatch(1);
        ended = done;
        loopThread = Thread.currentThread();
        int finished = 0;
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("portal-job-lease"));
        try {
            while (!stopping) {
                Optional<JobRecord> job;
                try {
                    job = runner.claim(queues, id);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "job worker " + id + ": cannot look for jobs: " + e.getMessage(), e);
                    job = Optional.empty();
                    if (burst) {
                        throw e;
                    }
                }
                if (job.isPresent()) {
                    try {
                        if (runOne(job.get(), heartbeat)) {
                            finished++;
                        }
                    } catch (RuntimeException e) {
                        // Its outcome could not be recorded (the database went?): the job's lease runs out and
                        // a worker takes it again.
                        LOG.log(Level.WARNING, "job worker " + id + ": job " + job.get().id + " ended unrecorded: " + e.getMessage(), e);
                        if (burst) {
                            throw e;
                        }
                    }
                } else if (burst) {
                    break;
                } else {
                    purgeWhenDue();
                    synchronized (wake) {
                        if (!stopping) {
                            wake.wait(Math.max(1, pollInterval.toMillis()));
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heartbeat.shutdownNow();
            loopThread = null;
            done.countDown();
        }
        return finished;
    }

    /** Removes jobs past {@code portal.jobs.keep_days} at most once an hour, from an idle worker. */
    private void purgeWhenDue() {
        Instant now = runner.clock().instant();
        if (lastPurge != null && now.isBefore(lastPurge.plus(PURGE_EVERY))) {
            return;
        }
        lastPurge = now;
        try {
            int purged = runner.purgeEnded();
            if (purged > 0) {
                LOG.fine(() -> "job worker " + id + " removed " + purged + " ended job(s) past portal.jobs.keep_days");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "job worker " + id + ": cannot remove old jobs: " + e.getMessage(), e);
        }
    }

    private boolean runOne(JobRecord job, ScheduledExecutorService heartbeat) {
        long every = Math.max(1, runner.settings().lease().toMillis() / 3);
        ScheduledFuture<?> renewal = heartbeat.scheduleWithFixedDelay(() -> {
            try {
                if (!runner.renewLease(job.id, id)) {
                    LOG.warning("job " + job.id + " is no longer held by worker " + id + " (its lease ran out)");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot renew the lease of job " + job.id + ": " + e.getMessage(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        current = job;
        try {
            return runner.run(job, id, () -> cutting);
        } finally {
            current = null;
            renewal.cancel(false);
        }
    }

    /**
     * Asks the loop to end after the running job and waits up to {@code grace} for it; then
     * interrupts the job's thread and waits as long again. Returns whether the loop ended.
     */
    public boolean stop(Duration grace) {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Thread t = loopThread;
        CountDownLatch done = ended;
        if (t == null || t == Thread.currentThread()) {
            return true;
        }
        long millis = Math.max(1, grace.toMillis());
        try {
            if (!done.await(millis, TimeUnit.MILLISECONDS)) {
                LOG.warning("job worker " + id + ": the running job did not end within " + grace.toSeconds() + " s; interrupting it");
                cutting = true;
                t.interrupt();
                done.await(millis, TimeUnit.MILLISECONDS);
            }
            JobRecord stuck = current;
            if (done.getCount() > 0 && stuck != null && runner.release(stuck.id, id)) {
                // It ignores the interrupt: the job goes back to the queue; should this run still complete it, that rolls back.
                LOG.warning("job worker " + id + ": job " + stuck.id + " did not stop; its lease is released for another worker");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return done.getCount() == 0;
    }

    /** Runs {@link #runUntilStopped} on a thread of {@code threads}; {@link Running#close} stops it. */
    public Running start(ThreadFactory threads, Duration grace) {
        Thread t = threads.newThread(() -> {
            try {
                runUntilStopped();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "job worker " + id + " ended: " + e.getMessage(), e);
            }
        });
        t.start();
        return new Running(this, t, grace);
    }

    /** A worker running on a thread of its own. */
    public static final class Running implements AutoCloseable {
        private final JobWorker worker;
        private final Thread thread;
        private final Duration grace;

        Running(JobWorker worker, Thread thread, Duration grace) {
            this.worker = worker;
            this.thread = thread;
            this.grace = grace;
        }

        public JobWorker worker() {
            return worker;
        }

        @Override
        public void close() {
            worker.stop(grace);
            try {
                thread.join(Math.max(1, grace.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The worker a server runs ({@code serve}, the WAR) when {@code portal.jobs.worker} is on and
     * the portal has a database: on a thread of {@code threads} (an app server's managed thread
     * factory, or null for a daemon thread), taking jobs of {@code portal.jobs.worker.queues}.
     * Closing it stops it as {@link #stop} does, within {@code portal.jobs.stop_grace}.
     */
    public static AutoCloseable inServer(Portal portal, ThreadFactory threads) {
        PortalConfig config = portal.config();
        if (!config.bool(CoreConfig.JOBS_WORKER) || portal.transactions() == null) {
            return () -> { };
        }
        JobWorker worker = new JobWorker(portal.jobs(), config.list(CoreConfig.JOBS_WORKER_QUEUES),
                Duration.ofSeconds(config.integer(CoreConfig.JOBS_POLL_INTERVAL)));
        LOG.fine(() -> "job worker " + worker.id() + " takes jobs of " + worker.queues());
        return worker.start(threads == null ? daemon("portal-job-worker") : threads,
                Duration.ofSeconds(config.integer(CoreConfig.JOBS_STOP_GRACE)));
    }

    /** Daemon threads named {@code name}. */
    public static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
