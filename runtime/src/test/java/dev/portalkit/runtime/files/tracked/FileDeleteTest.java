package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.runtime.plugins.FilesTestPlugin;
import dev.portalkit.runtime.task.TaskRecord;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestDb;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deleting a file: the record's removal commits first; the bytes are removed by a post-commit task,
 * which the queue retries when the storage fails (storage {@code flaky}).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileDeleteTest extends FileApiTestBase {
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @Override
    Clock clock() {
        return clock;
    }

    @AfterEach
    void healTheStorage() {
        FilesTestPlugin.FAILING_REMOVALS.set(0);
    }

    private TaskRecord removalTask(Object fileId) {
        return portal.portal().tasks().list(null, 1000).stream()
                .filter(t -> t.taskType.equals("files_remove_content") && t.payload.contains(String.valueOf(fileId)))
                .findFirst().orElseThrow();
    }

    @Test
    void theRecordGoesFirstAndAFailedRemovalOfTheBytesIsRetried() {
        Map<String, Object> file = create(SYSADMIN, "flaky", unique("doomed") + ".txt", "bytes");
        FilesTestPlugin.FAILING_REMOVALS.set(1);
        assertThat(dict("files_file_delete", SYSADMIN, map("id", file.get("id")))).containsEntry("id", file.get("id"));
        assertThat(failure(ErrorKind.NOT_FOUND, "files_file_show", SYSADMIN, map("id", file.get("id")))).isNotNull();
        assertThat(stored(file)).as("the removal failed after the record's removal committed").isTrue();
        TaskRecord task = removalTask(file.get("id"));
        assertThat(task.status).isEqualTo(TaskRecord.PENDING);
        assertThat(task.attempts).isEqualTo(1);
        assertThat(task.lastError).contains("the backend is down");

        assertThat(portal.portal().tasks().runDue()).as("not due before the retry delay").isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(portal.portal().tasks().runDue()).isEqualTo(1);
        assertThat(stored(file)).isFalse();
        assertThat(FilesTestPlugin.REMOVALS).contains("flaky:" + file.get("location"));
        assertThat(removalTask(file.get("id")).status).isEqualTo(TaskRecord.DONE);
    }

    @Test
    void aRemovalOutOfAttemptsIsMarkedFailedAndTheFileStaysDeleted() {
        Map<String, Object> file = create(SYSADMIN, "flaky", unique("stuck") + ".txt", "bytes");
        FilesTestPlugin.FAILING_REMOVALS.set(100);
        call("files_file_delete", SYSADMIN, map("id", file.get("id")));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(10));
            portal.portal().tasks().runDue();
        }
        TaskRecord task = removalTask(file.get("id"));
        assertThat(task.status).isEqualTo(TaskRecord.FAILED);
        assertThat(task.attempts).isEqualTo(3);
        assertThat(failure(ErrorKind.NOT_FOUND, "files_file_show", SYSADMIN, map("id", file.get("id")))).isNotNull();
        assertThat(stored(file)).as("left for an operator: an untracked file (files scan -u)").isTrue();
    }

    @Test
    void bytesTrackedAgainBeforeTheRemovalRanAreKept() {
        Map<String, Object> file = create(SYSADMIN, "flaky", unique("revived") + ".txt", "bytes");
        FilesTestPlugin.FAILING_REMOVALS.set(1);
        call("files_file_delete", SYSADMIN, map("id", file.get("id")));
        Map<String, Object> again = dict("files_file_register", SYSADMIN, map("storage", "flaky", "location", file.get("location")));
        clock.advance(Duration.ofSeconds(31));
        portal.portal().tasks().runDue();
        assertThat(removalTask(file.get("id")).taskResult).isEqualTo("\"kept: the location is tracked again\"");
        assertThat(stored(again)).isTrue();
        assertThat(read(again)).isEqualTo("bytes");
    }

    @Test
    void aStorageThatCannotRemoveRefusesBeforeAnythingChanges() {
        Map<String, Object> file = create(SYSADMIN, "keeper", unique("kept") + ".txt", "x");
        assertThat(failure(ErrorKind.UNSUPPORTED, "files_file_delete", SYSADMIN, map("id", file.get("id"))).details())
                .isEqualTo(Map.of("id", List.of("Storage keeper cannot remove files")));
        assertThat(dict("files_file_show", SYSADMIN, map("id", file.get("id")))).isEqualTo(file);
        assertThat(stored(file)).isTrue();
    }
}
