package dev.portalkit.runtime.files.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The large-object column through the server's functions, for connections that do not unwrap to
 * the driver's class (an application server's datasource): what it writes the driver's
 * large-object API reads and the other way round, ranges included, and a delete frees the object.
 */
class LargeObjectFunctionsTest {
    @Test
    void functionsAndTheDriversApiShareTheColumn() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 12345];
        new Random(3).nextBytes(content);
        String[] keys = {"k"};
        try (Connection c = DriverManager.getConnection(PostgresServer.newDatabase(), "postgres", "postgres")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE lo_test (k VARCHAR(10) PRIMARY KEY, size BIGINT NOT NULL, content OID NOT NULL)");
            }
            ContentColumn functions = new ContentColumn.LargeObjectFunctions();
            ContentColumn api = new ContentColumn.LargeObjects();
            assertThat(ContentColumn.forConnection(c)).isInstanceOf(ContentColumn.LargeObjects.class);
            assertThat(functions.insert(c, "lo_test", keys, new Object[] {"a"}, new ByteArrayInputStream(content))).isEqualTo(content.length);
            api.insert(c, "lo_test", keys, new Object[] {"b"}, new ByteArrayInputStream(content));
            for (ContentColumn reader : new ContentColumn[] {functions, api}) {
                for (String key : new String[] {"a", "b"}) {
                    try (InputStream in = reader.open(c, "lo_test", keys, new Object[] {key}, 0, Long.MAX_VALUE)) {
                        assertThat(Arrays.equals(in.readAllBytes(), content)).isTrue();
                    }
                    try (InputStream in = reader.open(c, "lo_test", keys, new Object[] {key}, 1_000_001, 2_500_000)) {
                        assertThat(Arrays.equals(in.readAllBytes(), Arrays.copyOfRange(content, 1_000_001, 2_500_000))).isTrue();
                    }
                }
            }
            assertThat(functions.open(c, "lo_test", keys, new Object[] {"none"}, 0, 10)).isNull();
            long objects = count(c);
            assertThat(functions.delete(c, "lo_test", keys, new Object[] {"a"})).isEqualTo(1);
            assertThat(count(c)).isEqualTo(objects - 1);
            c.rollback();
        }
    }

    private static long count(Connection c) throws Exception {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT COUNT(*) FROM pg_largeobject_metadata")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
