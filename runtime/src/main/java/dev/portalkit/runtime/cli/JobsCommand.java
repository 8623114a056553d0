package dev.portalkit.runtime.cli;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.job.JobQueue;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.PortalContainer;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.job.JobRecord;
import dev.portalkit.runtime.job.JobRunner;
import dev.portalkit.runtime.job.JobWorker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portalkit jobs ...}: background jobs, like CKAN's {@code ckan jobs}. */
@Command(name = "jobs", description = "Background jobs: run a worker, list, show, cancel, clear, retry.",
        subcommands = {JobsCommand.Worker.class, JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Cancel.class,
                JobsCommand.Clear.class, JobsCommand.Retry.class})
public final class JobsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Queue names as given on the command line (checked), or {@code fallback} when none. */
    static List<String> queues(List<String> given, List<String> fallback) {
        if (given == null || given.isEmpty()) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (String q : new LinkedHashSet<>(given)) {
            try {
                out.add(JobRunner.checkQueueName(q, "QUEUE"));
            } catch (PortalException e) {
                throw PortalException.badRequest("QUEUE '" + q + "': a queue name is 1 to 100 lower-case letters, digits, '-' or '_'");
            }
        }
        return out;
    }

    /** {@code portalkit jobs worker [QUEUE...] [--burst]}. */
    @Command(name = "worker", description = "Run jobs of the given queues (default: 'default') until stopped (SIGTERM, Ctrl-C); "
            + "a running job is let finish (portal.jobs.stop_grace). With --burst, exit once the queues have no claimable job.")
    public static final class Worker implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(arity = "0..*", paramLabel = "QUEUE", description = "Queues to take jobs from, oldest job first.")
        List<String> queues;

        @Option(names = "--burst", description = "Exit when no job of the queues can be taken now (as rq's worker --burst).")
        boolean burst;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            List<String> names = queues(queues, List.of(JobQueue.DEFAULT_QUEUE));
            PrintWriter out = spec.commandLine().getOut();
            PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false));
            CountDownLatch closed = new CountDownLatch(1);
            Thread hook = null;
            try {
                if (container.lent() && !burst) {
                    throw PortalException.badRequest("a server runs on this data directory's embedded database: its own worker runs "
                            + "jobs (portal.jobs.worker); only `jobs worker --burst` can be sent to it");
                }
                Duration grace = Duration.ofSeconds(container.portal().config().integer(CoreConfig.JOBS_STOP_GRACE));
                JobWorker worker = new JobWorker(container.portal().jobs(), names,
                        Duration.ofSeconds(container.portal().config().integer(CoreConfig.JOBS_POLL_INTERVAL)));
                out.println("worker " + worker.id() + " takes jobs of " + String.join(", ", names) + (burst ? " (burst)" : ""));
                out.flush();
                int finished;
                if (burst) {
                    finished = worker.runBurst();
                } else {
                    // SIGTERM / Ctrl-C: the hook asks the loop to stop after the running job and waits until this thread
                    // closed the portal (the JVM ends when the hooks return).
                    hook = new Thread(() -> {
                        worker.stop(grace);
                        try {
                            closed.await(grace.toSeconds() * 2 + 30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "portalkit-worker-shutdown");
                    Runtime.getRuntime().addShutdownHook(hook);
                    finished = worker.runUntilStopped();
                }
                out.println(finished + " job(s) finished; worker " + worker.id() + " stopped");
                out.flush();
            } finally {
                container.close();
                closed.countDown();
            }
            return 0;
        }
    }

    /** {@code portalkit jobs list [QUEUE...] [--status S] [--limit N]}. */
    @Command(name = "list", description = "List jobs, oldest first (default: queued and running ones of every queue).")
    public static final class ListJobs implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(arity = "0..*", paramLabel = "QUEUE", description = "Only jobs of these queues.")
        List<String> queues;

        @Option(names = "--status", description = "Only jobs of this status: queued, running, finished, failed or cancelled.")
        String status;

        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<String> names = queues(queues, List.of());
            if (status != null && !JobRecord.STATUSES.contains(status)) {
                throw PortalException.badRequest("--status: must be one of " + String.join(", ", JobRecord.STATUSES));
            }
            if (limit < 1 || limit > 100_000) {
                throw PortalException.badRequest("--limit: must be from 1 to 100000");
            }
            List<String> statuses = status == null ? List.of(JobRecord.QUEUED, JobRecord.RUNNING) : List.of(status);
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                PrintWriter out = spec.commandLine().getOut();
                for (JobRecord j : container.portal().jobs().list(names, statuses, limit)) {
                    out.printf("%s %-9s %-12s %-24s attempts=%d/%d created=%s %s%s%n", j.id, j.status, j.queue, j.jobType, j.attempts,
                            j.maxAttempts, j.createdAt, j.title, j.lastError == null ? "" : " error=" + j.lastError);
                }
                out.flush();
            }
            return 0;
        }
    }

    /** Commands that take one job id. */
    abstract static class OneJob implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", description = "The job's id.")
        String id;

        @Spec
        CommandSpec spec;

        abstract JobRecord apply(JobRunner jobs);

        @Override
        public Integer call() throws Exception {
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                JobRecord job = apply(container.portal().jobs());
                PrintWriter out = spec.commandLine().getOut();
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(JobRunner.dictize(job, true)));
                out.flush();
            }
            return 0;
        }
    }

    /** {@code portalkit jobs show ID}. */
    @Command(name = "show", description = "Show a job: status, attempts, result, last error.")
    public static final class Show extends OneJob {
        @Override
        JobRecord apply(JobRunner jobs) {
            return jobs.show(id);
        }
    }

    /** {@code portalkit jobs cancel ID}. */
    @Command(name = "cancel", description = "Cancel a queued job (a running one cannot be cancelled).")
    public static final class Cancel extends OneJob {
        @Override
        JobRecord apply(JobRunner jobs) {
            return jobs.cancel(id);
        }
    }

    /** {@code portalkit jobs retry ID}. */
    @Command(name = "retry", description = "Queue a dead-lettered (failed) job again, its attempts counted from zero.")
    public static final class Retry extends OneJob {
        @Override
        JobRecord apply(JobRunner jobs) {
            return jobs.retry(id);
        }
    }

    /** {@code portalkit jobs clear [QUEUE...]}. */
    @Command(name = "clear", description = "Delete the queued jobs of the given queues (default: of every queue).")
    public static final class Clear implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(arity = "0..*", paramLabel = "QUEUE", description = "Queues to clear.")
        List<String> queues;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<String> names = queues(queues, List.of());
            try (PortalContainer container = PortalContainer.start(common.boot().withRunPendingTasks(false))) {
                List<String> cleared = container.portal().jobs().clear(names);
                spec.commandLine().getOut().println("cleared queued jobs of " + (cleared.isEmpty() ? "no queue" : String.join(", ", cleared)));
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }
}
