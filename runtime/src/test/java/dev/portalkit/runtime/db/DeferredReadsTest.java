package dev.portalkit.runtime.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plain reads of a deferred unit ({@link Transactions#deferred}, the tracked download route):
 * they share one pooled connection, which goes back to the pool when the unit ends, when the unit
 * opens its entity manager, or after a failed read (a failed statement leaves a PostgreSQL
 * transaction unusable: the next read must not inherit it).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeferredReadsTest {
    @org.junit.jupiter.params.Parameter
    TestDb db;

    private TestPortal portal;

    private Transactions tx() throws Exception {
        if (portal == null) {
            portal = TestPortal.builder().db(db).dataDir(Files.createTempDirectory("deferred-reads-")).start();
        }
        // The database of this invocation (not the one of the class's other one).
        Transactions tx = portal.portal().transactions();
        String product = tx.read(c -> c.getMetaData().getDatabaseProductName());
        assertThat(product).isEqualTo(db == TestDb.H2 ? "H2" : "PostgreSQL");
        return tx;
    }

    @AfterParameterizedClassInvocation
    void stop() {
        // Once per invocation of the class (each database); the next one starts its own portal.
        try (TestPortal done = portal) {
            portal = null;
        }
    }

    private static int one(Connection c, String sql) throws java.sql.SQLException {
        try (PreparedStatement q = c.prepareStatement(sql); ResultSet r = q.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theReadsOfAUnitShareOneConnectionThatEndsWithIt() throws Exception {
        Transactions tx = tx();
        List<Connection> seen = new ArrayList<>();
        int sum = tx.deferred(() -> {
            int first = tx.read(c -> {
                seen.add(c);
                return one(c, "SELECT 1");
            });
            int second = tx.read(c -> {
                seen.add(c);
                return one(c, "SELECT 2");
            });
            return first + second;
        });
        assertThat(sum).isEqualTo(3);
        assertThat(seen.get(1)).isSameAs(seen.get(0));
        assertThat(closed(seen.get(0))).as("back in the pool once the unit ended").isTrue();
        assertThat(tx.active()).isFalse();

        // Outside a unit each read has a connection of its own, closed when it returns.
        List<Connection> own = new ArrayList<>();
        tx.read(c -> own.add(c));
        tx.read(c -> own.add(c));
        assertThat(own.get(1)).isNotSameAs(own.get(0));
        assertThat(closed(own.get(0))).isTrue();
    }

    @Test
    void aFailedReadHandsBackItsConnectionAndTheNextReadWorks() throws Exception {
        Transactions tx = tx();
        List<Connection> seen = new ArrayList<>();
        int after = tx.deferred(() -> {
            Throwable failed = catchThrowable(() -> tx.read(c -> {
                seen.add(c);
                return one(c, "SELECT no_such_column FROM no_such_table");
            }));
            assertThat(failed).isNotNull();
            assertThat(closed(seen.get(0))).isTrue();
            return tx.read(c -> {
                seen.add(c);
                return one(c, "SELECT 7");
            });
        });
        assertThat(after).isEqualTo(7);
        assertThat(seen.get(1)).isNotSameAs(seen.get(0));
        assertThat(closed(seen.get(1))).isTrue();
    }

    @Test
    void openingTheEntityManagerEndsThePlainConnectionAndLaterReadsSeeTheUnitsOwnChanges() throws Exception {
        Transactions tx = tx();
        List<Connection> seen = new ArrayList<>();
        String table = "deferred_probe_" + db.name().toLowerCase(java.util.Locale.ROOT);
        tx.required(() -> tx.em().createNativeQuery("CREATE TABLE " + table + " (n INTEGER)").executeUpdate());
        int counted = tx.deferred(() -> {
            tx.read(c -> seen.add(c));
            tx.em().createNativeQuery("INSERT INTO " + table + " VALUES (1)").executeUpdate();
            assertThat(closed(seen.get(0))).as("ended when the entity manager opened").isTrue();
            // On the entity manager's connection: the unit's own uncommitted row is seen.
            return tx.read(c -> one(c, "SELECT COUNT(*) FROM " + table));
        });
        assertThat(counted).isEqualTo(1);
        // A unit that fails after its reads rolls back what it wrote and hands back its connection.
        Throwable failed = catchThrowable(() -> tx.deferred(() -> {
            tx.read(c -> seen.add(c));
            tx.em().createNativeQuery("INSERT INTO " + table + " VALUES (2)").executeUpdate();
            throw new IllegalStateException("the unit fails");
        }));
        assertThat(failed).hasMessageContaining("the unit fails");
        assertThat(closed(seen.get(1))).isTrue();
        int left = tx.deferred(() -> tx.read(c -> one(c, "SELECT COUNT(*) FROM " + table)));
        assertThat(left).isEqualTo(1);
        assertThat(tx.active()).isFalse();
    }
}
