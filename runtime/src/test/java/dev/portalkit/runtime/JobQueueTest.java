package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.job.JobRecord;
import dev.portalkit.runtime.job.JobRunner;
import dev.portalkit.runtime.job.JobWorker;
import dev.portalkit.runtime.plugins.JobProbePlugin;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Background jobs on the database: outbox semantics, workers, retries, dead letters, leases; on H2 and PostgreSQL. */
class JobQueueTest {
    private static final List<String> DEFAULT = List.of("default");
    private static final List<String> ALL = JobRecord.STATUSES;

    @BeforeEach
    void reset() {
        JobProbePlugin.reset();
    }

    private static TestPortal.Builder portal(TestDb db) {
        return TestPortal.builder().db(db).plugins("jobprobe");
    }

    private static JobRunner jobs(TestPortal portal) {
        return portal.portal().jobs();
    }

    private static JobWorker worker(TestPortal portal, String id) {
        return new JobWorker(jobs(portal), DEFAULT, Duration.ofSeconds(1), id);
    }

    @SuppressWarnings("unchecked")
    private static List<String> enqueue(TestPortal portal, List<String> labels) {
        return (List<String>) portal.call("probe_enqueue", TestPortal.ALICE, Map.of("labels", labels));
    }

    /** Rows of the probe's run table (committed runs). */
    private static int committedRuns(TestPortal portal) {
        return portal.portal().inTransaction(() -> {
            try (Statement s = portal.portal().transactions().connection().createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM jobprobe_run")) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aJobIsInvisibleToWorkersBeforeCommitGoneOnRollbackAndRunByAWorkerAfterCommit(TestDb db) throws Exception {
        try (TestPortal portal = portal(db).start()) {
            // While the action runs (its transaction open), a worker on another connection sees nothing to claim.
            AtomicReference<Optional<JobRecord>> seen = new AtomicReference<>();
            JobProbePlugin.duringEnqueue = () -> {
                Thread other = new Thread(() -> seen.set(jobs(portal).claim(DEFAULT, "peeking-worker")));
                other.start();
                try {
                    other.join(60_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            assertThatThrownBy(() -> portal.call("probe_enqueue", TestPortal.ALICE, Map.of("labels", List.of("lost"), "fail", true)))
                    .hasMessageContaining("failing on purpose");
            assertThat(seen.get()).isEmpty();
            assertThat(jobs(portal).list(List.of(), ALL, 100)).isEmpty();

            List<String> ids = enqueue(portal, List.of("kept"));
            assertThat(seen.get()).isEmpty();
            JobProbePlugin.duringEnqueue = null;
            assertThat(JobProbePlugin.RAN).isEmpty(); // the action's response came without the job running
            JobRecord queued = jobs(portal).show(ids.get(0));
            assertThat(queued.status).isEqualTo(JobRecord.QUEUED);
            assertThat(queued.userName).isEqualTo("alice");
            assertThat(queued.title).isEqualTo("probe kept");

            assertThat(worker(portal, "w1").runBurst()).isEqualTo(1);
            JobRecord done = jobs(portal).show(ids.get(0));
            assertThat(done.status).isEqualTo(JobRecord.FINISHED);
            assertThat(done.attempts).isEqualTo(1);
            assertThat(JobRunner.dictize(done, true)).containsEntry("result", Map.of("label", "kept", "attempt", 1, "queue", "default"));
            // The handler's context acts for the enqueuing user.
            assertThat(JobProbePlugin.RAN).containsExactly("kept|1|alice");
            assertThat(committedRuns(portal)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aPostCommitTaskHandsWorkToAJob(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            portal.call("probe_handoff", TestPortal.ALICE, Map.of("label", "from-task"));
            List<JobRecord> queued = jobs(portal).list(List.of(), ALL, 10);
            assertThat(queued).singleElement().satisfies(j -> {
                assertThat(j.status).isEqualTo(JobRecord.QUEUED);
                assertThat(j.userName).isEqualTo("alice");
            });
            assertThat(JobProbePlugin.RAN).isEmpty();
            assertThat(worker(portal, "w1").runBurst()).isEqualTo(1);
            assertThat(JobProbePlugin.RAN).containsExactly("from-task|1|alice");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aFailingJobIsRetriedWithBackoffThenDeadLetteredAndCanBeRetried(TestDb db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        JobProbePlugin.FAILURES.put("doomed", new AtomicInteger(100));
        try (TestPortal portal = portal(db).clock(clock).option("portal.jobs.max_attempts", "3")
                .option("portal.jobs.retry_delay", "10").start()) {
            String id = enqueue(portal, List.of("doomed")).get(0);
            JobWorker worker = worker(portal, "w1");

            assertThat(worker.runBurst()).isZero();
            JobRecord first = jobs(portal).show(id);
            assertThat(first.status).isEqualTo(JobRecord.QUEUED);
            assertThat(first.attempts).isEqualTo(1);
            assertThat(first.lastError).isEqualTo("job doomed fails on purpose"); // the message, no class name
            assertThat(first.nextAttemptAt).isEqualTo(clock.instant().plusSeconds(10));
            assertThat(first.workerId).isNull();

            clock.advance(Duration.ofSeconds(9));
            assertThat(worker.runBurst()).isZero();
            assertThat(jobs(portal).show(id).attempts).as("not due before the retry delay").isEqualTo(1);
            clock.advance(Duration.ofSeconds(1));
            worker.runBurst();
            JobRecord second = jobs(portal).show(id);
            assertThat(second.attempts).isEqualTo(2);
            assertThat(second.nextAttemptAt).as("the delay doubles").isEqualTo(clock.instant().plusSeconds(20));

            clock.advance(Duration.ofSeconds(19));
            worker.runBurst();
            assertThat(jobs(portal).show(id).attempts).isEqualTo(2);
            clock.advance(Duration.ofSeconds(1));
            worker.runBurst();
            JobRecord dead = jobs(portal).show(id);
            assertThat(dead.status).isEqualTo(JobRecord.FAILED);
            assertThat(dead.attempts).isEqualTo(3);
            assertThat(dead.lastError).isEqualTo("job doomed fails on purpose");
            assertThat(dead.finishedAt).isEqualTo(clock.instant());
            clock.advance(Duration.ofDays(1));
            assertThat(worker.runBurst()).isZero();
            assertThat(jobs(portal).show(id).attempts).as("a dead letter is not taken again").isEqualTo(3);
            assertThat(JobProbePlugin.RAN).isEmpty();

            // An operator retries it once the cause is fixed.
            JobProbePlugin.FAILURES.clear();
            assertThatThrownBy(() -> jobs(portal).cancel(id)).isInstanceOfSatisfying(PortalException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT)).hasMessageContaining("only a queued job can be cancelled");
            assertThat(jobs(portal).retry(id).status).isEqualTo(JobRecord.QUEUED);
            assertThat(worker.runBurst()).isEqualTo(1);
            assertThat(jobs(portal).show(id).status).isEqualTo(JobRecord.FINISHED);
            assertThat(JobProbePlugin.RAN).containsExactly("doomed|1|alice");
            assertThatThrownBy(() -> jobs(portal).retry(id)).hasMessageContaining("only a failed job can be retried");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aDeadWorkersJobIsTakenOverAfterItsLeaseAndTheDeadWorkerCannotFinishIt(TestDb db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (TestPortal portal = portal(db).clock(clock).option("portal.jobs.lease", "60").start()) {
            String id = enqueue(portal, List.of("orphan")).get(0);
            // A worker claims the job and dies before running it (nothing renews its lease).
            JobRecord claimed = jobs(portal).claim(DEFAULT, "dead-worker").orElseThrow();
            assertThat(claimed.id).isEqualTo(id);
            assertThat(claimed.status).isEqualTo(JobRecord.RUNNING);
            assertThat(claimed.workerId).isEqualTo("dead-worker");

            clock.advance(Duration.ofSeconds(59));
            assertThat(jobs(portal).claim(DEFAULT, "survivor")).as("the lease still holds").isEmpty();
            clock.advance(Duration.ofSeconds(2));
            JobRecord takenOver = jobs(portal).claim(DEFAULT, "survivor").orElseThrow();
            assertThat(takenOver.id).isEqualTo(id);
            assertThat(takenOver.attempts).isEqualTo(2);
            assertThat(takenOver.workerId).isEqualTo("survivor");

            // The dead worker comes back and runs its stale claim while the survivor holds the job: the job is no
            // longer its own, so its work (the probe's row) rolls back and nothing about the job changes.
            assertThat(jobs(portal).run(claimed, "dead-worker")).isFalse();
            assertThat(committedRuns(portal)).isZero();
            JobRecord held = jobs(portal).show(id);
            assertThat(held.status).isEqualTo(JobRecord.RUNNING);
            assertThat(held.workerId).isEqualTo("survivor");
            assertThat(held.lastError).isNull();

            assertThat(jobs(portal).run(takenOver, "survivor")).isTrue();
            JobRecord done = jobs(portal).show(id);
            assertThat(done.status).isEqualTo(JobRecord.FINISHED);
            assertThat(done.attempts).isEqualTo(2);
            assertThat(committedRuns(portal)).isEqualTo(1);
            assertThat(worker(portal, "late").runBurst()).as("nothing left to take").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void twoWorkersOnTwoPortalsOverOneDatabaseRunEveryJobOnce(TestDb db) throws Exception {
        int count = 150;
        TestPortal.Builder builder = portal(db);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            labels.add("j" + i);
        }
        try (TestPortal one = builder.start()) {
            enqueue(one, labels);
            try (TestPortal two = builder.start()) {
                ExecutorService threads = Executors.newFixedThreadPool(2);
                try {
                    CountDownLatch ready = new CountDownLatch(2);
                    Future<Integer> a = threads.submit(() -> {
                        ready.countDown();
                        ready.await(60, TimeUnit.SECONDS);
                        return worker(one, "worker-one").runBurst();
                    });
                    Future<Integer> b = threads.submit(() -> {
                        ready.countDown();
                        ready.await(60, TimeUnit.SECONDS);
                        return worker(two, "worker-two").runBurst();
                    });
                    int ranA = a.get(5, TimeUnit.MINUTES);
                    int ranB = b.get(5, TimeUnit.MINUTES);
                    assertThat(ranA + ranB).isEqualTo(count);
                } finally {
                    threads.shutdownNow();
                }
                assertThat(JobProbePlugin.RAN).hasSize(count).doesNotHaveDuplicates();
                assertThat(committedRuns(one)).isEqualTo(count);
                assertThat(jobs(one).list(List.of(), ALL, 1000)).hasSize(count)
                        .allSatisfy(j -> {
                            assertThat(j.status).isEqualTo(JobRecord.FINISHED);
                            assertThat(j.attempts).isEqualTo(1);
                        });
            }
        }
    }

    @Test
    void aStoppedWorkerLetsItsRunningJobFinish() throws Exception {
        try (TestPortal portal = portal(TestDb.H2).start()) {
            String id = enqueue(portal, List.of("block")).get(0);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            JobProbePlugin.whenBlocking = () -> {
                started.countDown();
                try {
                    if (!release.await(2, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            };
            JobWorker.Running running = worker(portal, "stoppable").start(JobWorker.daemon("test-worker"), Duration.ofMinutes(2));
            assertThat(started.await(2, TimeUnit.MINUTES)).isTrue();
            Thread stopper = new Thread(running::close);
            stopper.start();
            release.countDown();
            stopper.join(180_000);
            assertThat(stopper.isAlive()).isFalse();
            assertThat(jobs(portal).show(id).status).isEqualTo(JobRecord.FINISHED);
            assertThat(JobProbePlugin.RAN).containsExactly("block|1|alice");
        }
    }

    /** Blocks until interrupted (then fails, as a job cut by a stop does), at most two minutes. */
    private static Runnable blockUntilInterrupted(CountDownLatch started) {
        return () -> {
            started.countDown();
            try {
                Thread.sleep(120_000);
                throw new IllegalStateException("never interrupted");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        };
    }

    @Test
    void aJobCutByItsWorkersStopIsQueuedAgainAtOnceForAnotherWorker() throws Exception {
        // A retry delay of an hour: were the cut counted as a failure, no worker could take the job now.
        try (TestPortal portal = portal(TestDb.H2).option("portal.jobs.retry_delay", "3600").start()) {
            String id = enqueue(portal, List.of("block")).get(0);
            CountDownLatch started = new CountDownLatch(1);
            JobProbePlugin.whenBlocking = blockUntilInterrupted(started);
            JobWorker.Running running = worker(portal, "stopping").start(JobWorker.daemon("test-worker"), Duration.ofMillis(200));
            assertThat(started.await(2, TimeUnit.MINUTES)).isTrue();
            running.close(); // grace over: the job is interrupted
            JobRecord released = jobs(portal).show(id);
            assertThat(released.status).isEqualTo(JobRecord.QUEUED);
            assertThat(released.workerId).isNull();
            assertThat(released.lockedUntil).isNull();
            assertThat(released.attempts).as("the cut attempt does not count").isZero();
            assertThat(released.lastError).isNull();

            JobProbePlugin.whenBlocking = null;
            assertThat(worker(portal, "other-node").runBurst()).as("another worker takes it at once").isEqualTo(1);
            assertThat(jobs(portal).show(id).status).isEqualTo(JobRecord.FINISHED);
            assertThat(JobProbePlugin.RAN).containsExactly("block|1|alice");
        }
    }

    @Test
    void aStoppingNodeReleasesTheLeaseOfThePostCommitTaskItRunsAndItsLateCompletionRollsBack() throws Exception {
        try (TestPortal portal = portal(TestDb.H2).option("portal.tasks.run_after_commit", "false")
                .option("portal.tasks.lease", "3600").start()) {
            portal.call("probe_handoff", TestPortal.ALICE, Map.of("label", "block"));
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            JobProbePlugin.whenTaskBlocking = () -> {
                started.countDown();
                try {
                    finish.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService poller = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> stuck = poller.submit(() -> portal.portal().tasks().runDue(stopping::get));
                assertThat(started.await(2, TimeUnit.MINUTES)).isTrue();
                assertThat(portal.portal().tasks().runDue()).as("its lease holds").isZero();

                stopping.set(true);
                assertThat(portal.portal().tasks().releaseLeases()).isEqualTo(1);
                var task = portal.portal().tasks().list("pending", 10).get(0);
                assertThat(task.lockedUntil).isNull();
                assertThat(task.attempts).isZero();

                // Another node (here: another caller) takes it at once instead of in an hour.
                JobProbePlugin.whenTaskBlocking = null;
                assertThat(portal.portal().tasks().runDue()).isEqualTo(1);
                // The stopping node's run, released, ends later: its completion finds the task done and rolls back.
                finish.countDown();
                assertThat(stuck.get(2, TimeUnit.MINUTES)).isZero();
                assertThat(portal.portal().tasks().list("done", 10)).hasSize(1);
                assertThat(jobs(portal).list(List.of(), ALL, 10)).as("the task's work committed once").hasSize(1);
                assertThat(portal.portal().tasks().releaseLeases()).isZero();
            } finally {
                finish.countDown();
                poller.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void cancelClearListAndShow(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            List<String> ids = enqueue(portal, List.of("a", "b"));
            portal.call("probe_enqueue", TestPortal.ALICE, Map.of("labels", List.of("c"), "queue", "other"));
            assertThat(jobs(portal).cancel(ids.get(0)).status).isEqualTo(JobRecord.CANCELLED);
            assertThatThrownBy(() -> jobs(portal).cancel("no-such-job")).isInstanceOfSatisfying(PortalException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND)).hasMessageContaining("no-such-job");
            JobRecord running = jobs(portal).claim(DEFAULT, "busy").orElseThrow();
            assertThat(running.id).isEqualTo(ids.get(1));
            assertThatThrownBy(() -> jobs(portal).cancel(running.id)).isInstanceOfSatisfying(PortalException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT)).hasMessageContaining("is running and cannot be cancelled");
            assertThat(jobs(portal).list(List.of("default"), List.of(JobRecord.QUEUED, JobRecord.RUNNING), 10))
                    .extracting(j -> j.id).containsExactly(ids.get(1));
            assertThat(jobs(portal).clear(List.of())).containsExactly("other");
            assertThat(jobs(portal).list(List.of(), List.of(JobRecord.QUEUED), 10)).isEmpty();
            assertThat(jobs(portal).list(List.of(), ALL, 10)).hasSize(2); // the cancelled and the running one stay
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void endedJobsAreRemovedAfterKeepDaysByAnIdleWorkerButDeadLettersStay(TestDb db) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        JobProbePlugin.FAILURES.put("dead", new AtomicInteger(100));
        try (TestPortal portal = portal(db).clock(clock).option("portal.jobs.keep_days", "2").option("portal.jobs.max_attempts", "1").start()) {
            List<String> ids = enqueue(portal, List.of("done", "dead", "dropped"));
            jobs(portal).cancel(ids.get(2));
            worker(portal, "w1").runBurst();
            assertThat(jobs(portal).list(List.of(), ALL, 10)).extracting(j -> j.status)
                    .containsExactlyInAnyOrder(JobRecord.FINISHED, JobRecord.FAILED, JobRecord.CANCELLED);
            clock.advance(Duration.ofDays(2).minusSeconds(1));
            assertThat(jobs(portal).purgeEnded()).as("not yet past keep_days").isZero();
            clock.advance(Duration.ofSeconds(2));
            // An idle worker (not a burst) removes them.
            JobWorker.Running running = worker(portal, "idle").start(JobWorker.daemon("test-idle-worker"), Duration.ofSeconds(30));
            try {
                List<JobRecord> left = jobs(portal).list(List.of(), ALL, 10);
                for (int i = 0; i < 600 && left.size() > 1; i++) { // bounded: 600 looks, 50 ms apart
                    Thread.sleep(50);
                    left = jobs(portal).list(List.of(), ALL, 10);
                }
                assertThat(left).singleElement().satisfies(j -> {
                    assertThat(j.id).isEqualTo(ids.get(1));
                    assertThat(j.status).isEqualTo(JobRecord.FAILED);
                });
            } finally {
                running.close();
            }
        }
    }

    @Test
    void badJobOptionsFailAtStartNamingTheKey() {
        for (String[] bad : List.of(new String[]{"portal.jobs.poll_interval", "0"}, new String[]{"portal.jobs.poll_interval", "3601"},
                new String[]{"portal.jobs.max_attempts", "0"}, new String[]{"portal.jobs.lease", "2"},
                new String[]{"portal.jobs.retry_delay", "soon"}, new String[]{"portal.jobs.worker.queues", "Bad Queue!"}, new String[]{"portal.jobs.keep_days", "0"})) {
            assertThatThrownBy(() -> portal(TestDb.H2).option(bad[0], bad[1]).start().close())
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                    .hasMessageContaining(bad[0]);
        }
    }
}
