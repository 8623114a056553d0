package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Capability;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * files:opendal on OpenDAL's {@code sqlite} service: files as rows of a table in a database file
 * that the test creates with Debian's {@code sqlite3}, each case under a root of its own.
 */
class OpenDalSqliteContractTest extends OpenDalContract {
    @TempDir
    static Path dir;
    private Path database;

    @BeforeAll
    void createTable() throws Exception {
        database = dir.resolve("files.db");
        Process p = new ProcessBuilder("sqlite3", database.toString(),
                "CREATE TABLE portal_files (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("sqlite3 finishes").isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @Override
    protected String scheme() {
        return "sqlite";
    }

    @Override
    protected String params(String folder) {
        return "{\"connection_string\": " + json("file:" + database) + ", \"table\": \"portal_files\", \"key_field\": \"key\", "
                + "\"value_field\": \"value\", \"root\": " + json("/" + folder + "/") + "}";
    }

    /** OpenDAL's sqlite service keeps a file as one value, written in one request: no 2 GiB file. */
    @Override
    protected boolean canHold(long bytes) {
        return bytes <= 16L * 1024 * 1024;
    }

    /** What OpenDAL's sqlite service can do, as the storage declares it (docs/storage-opendal.md lists it). */
    @Test
    void capabilitiesAreTheSqliteServices() {
        assertThat(declared()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.RANGE, Capability.EXISTS, Capability.REMOVE));
    }
}
