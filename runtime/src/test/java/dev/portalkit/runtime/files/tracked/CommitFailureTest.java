package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.fs.FsStorage;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A create whose commit fails keeps the bytes it stored: the portal cannot tell a commit that
 * failed from one whose confirmation was lost with the connection, and in the second case the
 * record points at those bytes. (Bytes without a record are an orphan a sweep removes; a record
 * without bytes would be a broken file.) The failure is real: a deferred trigger in PostgreSQL ends
 * the database connection while the commit runs, as a dying server or network would.
 */
class CommitFailureTest {
    @Test
    void aCommitThatLosesItsConnectionLeavesTheStoredBytes() throws Exception {
        Path storage = Files.createTempDirectory("commit-failure-");
        try (TestPortal portal = TestPortal.builder().db(TestDb.POSTGRES)
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.toString())
                .option("portal.files.storage.default.create_path", "true").start()) {
            try (Connection c = portal.portal().database().dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE FUNCTION lose_the_connection() RETURNS trigger AS $$ BEGIN "
                        + "IF NEW.name = 'doomed.txt' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NULL; "
                        + "END $$ LANGUAGE plpgsql");
                s.execute("CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON files_file DEFERRABLE INITIALLY DEFERRED "
                        + "FOR EACH ROW EXECUTE FUNCTION lose_the_connection()");
                c.commit();
            }
            byte[] content = "bytes of a file whose commit failed".getBytes(StandardCharsets.UTF_8);

            PortalException failure = catchThrowableOfType(PortalException.class, () -> portal.call("files_file_create",
                    TestPortal.SYSADMIN, Map.of("name", "doomed.txt", "upload", Upload.of(content, "doomed.txt", "text/plain"))));

            assertThat(failure).isNotNull();
            assertThat(failure.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(failure.getMessage()).contains("whether the change was saved is unknown");
            assertThat(storedFiles(storage)).as("the bytes stay: the commit might have happened").hasSize(1);
            assertThat(Files.readAllBytes(storedFiles(storage).get(0))).isEqualTo(content);
            // It did not happen here: nothing is recorded, and the next create works (the pool replaced the connection).
            @SuppressWarnings("unchecked")
            Map<String, Object> found = (Map<String, Object>) portal.call("files_file_search", TestPortal.SYSADMIN, Map.of());
            assertThat(((Number) found.get("count")).longValue()).isZero();
            portal.call("files_file_create", TestPortal.SYSADMIN, Map.of("name", "fine.txt",
                    "upload", Upload.of(content, "fine.txt", "text/plain")));
            assertThat(storedFiles(storage)).hasSize(2);
        }
    }

    private static List<Path> storedFiles(Path storage) throws Exception {
        try (Stream<Path> files = Files.walk(storage)) {
            return files.filter(Files::isRegularFile).filter(f -> !storage.relativize(f).startsWith(FsStorage.RESERVED)).toList();
        }
    }
}
