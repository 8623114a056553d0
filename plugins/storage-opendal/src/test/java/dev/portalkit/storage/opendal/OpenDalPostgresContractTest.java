package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Capability;
import dev.portalkit.runtime.testing.PostgresServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * files:opendal on OpenDAL's {@code postgresql} service against a real PostgreSQL server (embedded),
 * files as rows of a table the test creates, each case under a root of its own.
 */
class OpenDalPostgresContractTest extends OpenDalContract {
    private String connection;

    @BeforeAll
    void startServer() throws Exception {
        String jdbc = PostgresServer.newDatabase();
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE portal_files (key TEXT PRIMARY KEY, value BYTEA NOT NULL)");
        }
        URI uri = URI.create(jdbc.substring("jdbc:".length()));
        connection = "postgresql://postgres:postgres@" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    }

    @Override
    protected String scheme() {
        return "postgresql";
    }

    @Override
    protected String params(String folder) {
        return "{\"connection_string\": " + json(connection) + ", \"table\": \"portal_files\", \"key_field\": \"key\", "
                + "\"value_field\": \"value\", \"root\": " + json("/" + folder + "/") + "}";
    }

    /** OpenDAL's postgresql service keeps a file as one value, written in one request: no 2 GiB file. */
    @Override
    protected boolean canHold(long bytes) {
        return bytes <= 16L * 1024 * 1024;
    }

    /** What OpenDAL's postgresql service can do, as the storage declares it (docs/storage-opendal.md lists it). */
    @Test
    void capabilitiesAreThePostgresqlServices() {
        assertThat(declared()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                Capability.RANGE, Capability.EXISTS, Capability.REMOVE));
    }
}
