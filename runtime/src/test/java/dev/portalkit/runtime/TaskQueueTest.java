package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.plugins.RecordingPlugin;
import dev.portalkit.runtime.task.TaskRecord;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The post-commit task queue and its outbox, on H2 and on PostgreSQL. */
class TaskQueueTest {
    @BeforeEach
    void reset() {
        RecordingPlugin.reset();
    }

    private static TestPortal.Builder portal(TestDb db) {
        return TestPortal.builder().db(db).plugins("recording");
    }

    private static List<TaskRecord> outbox(TestPortal portal) {
        return portal.portal().tasks().list(null, 100);
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void tasksRunAfterCommitInOrderWithResultIndexAndPrevious(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            Map<?, ?> result = (Map<?, ?>) portal.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("a", "b", "c")));
            String id = (String) result.get("id");
            assertThat(RecordingPlugin.RAN).containsExactly(
                    "a|0|null|" + id, "b|1|done-a|" + id, "c|2|done-b|" + id);
            assertThat(outbox(portal)).extracting(t -> t.status).containsOnly(TaskRecord.DONE);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void nothingRunsOrStaysWhenTheActionFails(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            assertThatThrownBy(() -> portal.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("a"), "fail", true)))
                    .isInstanceOf(PortalException.class).hasMessageContaining("failing on purpose");
            assertThat(RecordingPlugin.RAN).isEmpty();
            assertThat(outbox(portal)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void nestedActionTasksRollBackWithTheOutermostTransaction(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            assertThatThrownBy(() -> portal.call("rec_outer", TestPortal.ALICE, Map.of("labels", List.of("inner"), "fail", true)))
                    .hasMessageContaining("outer fails");
            assertThat(RecordingPlugin.RAN).isEmpty();
            assertThat(outbox(portal)).isEmpty();

            Map<?, ?> ok = (Map<?, ?>) portal.call("rec_outer", TestPortal.ALICE, Map.of("labels", List.of("inner")));
            // The task belongs to the inner action: it receives the inner action's result, after the outer commit.
            assertThat(RecordingPlugin.RAN).containsExactly("inner|0|null|" + ((Map<?, ?>) ok.get("inner")).get("id"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aValidatorQueuesIntoTheRunningActionsQueue(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            Map<?, ?> result = (Map<?, ?>) portal.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("first"), "validate", "v"));
            assertThat(RecordingPlugin.RAN).containsExactly("first|0|null|" + result.get("id"), "validator-v|1|done-first|" + result.get("id"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void actionsWithoutATaskQueueCannotQueue(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            assertThatThrownBy(() -> portal.call("rec_no_queue", TestPortal.ALICE, Map.of()))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED))
                    .hasMessageContaining("rec_no_queue").hasMessageContaining("withTaskQueue");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void tasksMayCallActionsWhoseTasksRunAfterwards(TestDb db) {
        try (TestPortal portal = portal(db).start()) {
            portal.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("call-action", "after")));
            assertThat(RecordingPlugin.RAN).hasSize(3);
            assertThat(RecordingPlugin.RAN.get(0)).startsWith("call-action|0|null|");
            assertThat(RecordingPlugin.RAN).anySatisfy(s -> assertThat(s).startsWith("from-task|0|null|"));
            assertThat(RecordingPlugin.RAN).anySatisfy(s -> assertThat(s).startsWith("after|1|done-call-action|"));
            assertThat(outbox(portal)).hasSize(3).extracting(t -> t.status).containsOnly(TaskRecord.DONE);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void pendingTasksSurviveACrashBetweenCommitAndExecutionAndRunAtStart(TestDb db) {
        // First process: commits, but "crashes" before running the tasks (they only run from the outbox).
        TestPortal.Builder builder = portal(db).option("portal.tasks.run_after_commit", "false");
        String id;
        try (TestPortal first = builder.start()) {
            id = (String) ((Map<?, ?>) first.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("x", "y")))).get("id");
            assertThat(RecordingPlugin.RAN).isEmpty();
            assertThat(outbox(first)).extracting(t -> t.status).containsOnly(TaskRecord.PENDING);
        }
        // Restart over the same database: pending tasks run at start, in order, with the stored result.
        try (TestPortal second = builder.option("portal.tasks.run_after_commit", "true").start()) {
            assertThat(RecordingPlugin.RAN).containsExactly("x|0|null|" + id, "y|1|done-x|" + id);
            assertThat(outbox(second)).extracting(t -> t.status).containsOnly(TaskRecord.DONE);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aFailingTaskIsRetriedWithBackoffAndLaterTasksWait(TestDb db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RecordingPlugin.FAILURES.put("flaky", new AtomicInteger(2));
        try (TestPortal portal = portal(db).clock(clock).option("portal.tasks.retry_delay", "60").start()) {
            String id = (String) ((Map<?, ?>) portal.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("flaky", "next")))).get("id");
            assertThat(RecordingPlugin.RAN).isEmpty();
            TaskRecord flaky = outbox(portal).stream().filter(t -> t.queueIndex == 0).findFirst().orElseThrow();
            assertThat(flaky.attempts).isEqualTo(1);
            assertThat(flaky.lastError).contains("fails on purpose");
            assertThat(flaky.nextAttemptAt).isEqualTo(clock.instant().plusSeconds(60));

            assertThat(portal.portal().tasks().runDue()).isZero(); // not due yet
            clock.advance(Duration.ofSeconds(61));
            assertThat(portal.portal().tasks().runDue()).isZero(); // second attempt fails too; backoff doubles
            clock.advance(Duration.ofSeconds(119));
            assertThat(portal.portal().tasks().runDue()).isZero();
            clock.advance(Duration.ofSeconds(2));
            assertThat(portal.portal().tasks().runDue()).isEqualTo(2);
            assertThat(RecordingPlugin.RAN).containsExactly("flaky|0|null|" + id, "next|1|done-flaky|" + id);
            assertThat(outbox(portal)).extracting(t -> t.status).containsOnly(TaskRecord.DONE);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aTaskOutOfAttemptsFailsWithTheRestOfItsQueue(TestDb db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RecordingPlugin.FAILURES.put("doomed", new AtomicInteger(100));
        try (TestPortal portal = portal(db).clock(clock).option("portal.tasks.max_attempts", "2")
                .option("portal.tasks.retry_delay", "1").start()) {
            portal.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("doomed", "skipped")));
            clock.advance(Duration.ofSeconds(5));
            portal.portal().tasks().runDue();
            List<TaskRecord> tasks = outbox(portal);
            assertThat(tasks).extracting(t -> t.status).containsOnly(TaskRecord.FAILED);
            assertThat(tasks).filteredOn(t -> t.queueIndex == 1).singleElement()
                    .satisfies(t -> assertThat(t.lastError).contains("task 0 of the same queue failed"));
            assertThat(RecordingPlugin.RAN).isEmpty();
            clock.advance(Duration.ofDays(1));
            assertThat(portal.portal().tasks().runDue()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void twoProcessesOnOneDatabaseRunEachTaskOnce(TestDb db) throws Exception {
        TestPortal.Builder builder = portal(db).option("portal.tasks.run_after_commit", "false");
        try (TestPortal writer = builder.start()) {
            for (int i = 0; i < 10; i++) {
                writer.call("rec_do", TestPortal.ALICE, Map.of("labels", List.of("t" + i + "a", "t" + i + "b")));
            }
            try (TestPortal other = builder.start()) {
                Thread a = new Thread(() -> writer.portal().tasks().runDue());
                Thread b = new Thread(() -> other.portal().tasks().runDue());
                a.start();
                b.start();
                a.join();
                b.join();
                assertThat(RecordingPlugin.RAN).hasSize(20).doesNotHaveDuplicates();
            }
        }
    }
}
