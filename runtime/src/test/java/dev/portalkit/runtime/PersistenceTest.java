package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Migrations per plugin and the action transaction, on H2 and PostgreSQL. */
class PersistenceTest {
    private static List<String> appliedVersions(TestPortal portal, String table) throws SQLException {
        try (Connection c = portal.portal().database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT version FROM " + table + " WHERE success AND type = 'SQL' ORDER BY installed_rank")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void eachPluginMigratesWithItsOwnHistory(TestDb db) throws Exception {
        try (TestPortal portal = TestPortal.builder().db(db).plugins("migrating").start()) {
            assertThat(appliedVersions(portal, "portal_migrations_core")).containsExactly("1", "2", "3");
            assertThat(appliedVersions(portal, "portal_migrations_migrating")).containsExactly("1", "2");
            assertThat(portal.portal().isStarted()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void withoutAutoUpgradeStartRefusesPendingMigrationsUntilDbUpgrade(TestDb db) throws Exception {
        TestPortal.Builder builder = TestPortal.builder().db(db).plugins("migrating").option("portal.db.auto_upgrade", "false");
        assertThatThrownBy(builder::start).hasMessageContaining("migration(s) of 'core' are pending")
                .hasMessageContaining("portalkit db upgrade");
        try (TestPortal upgrader = builder.database(BootOptions.Database.CONNECT).start()) {
            assertThat(upgrader.portal().upgradeDatabase("migrating")).containsExactly(Map.entry("migrating", 2));
            assertThat(upgrader.portal().upgradeDatabase(null)).containsExactly(Map.entry("core", 3), Map.entry("files", 7),
                    Map.entry("model", 6), Map.entry("search", 1), Map.entry("migrating", 0));
            assertThatThrownBy(() -> upgrader.portal().upgradeDatabase("nosuch")).hasMessageContaining("'nosuch' is not enabled");
        }
        try (TestPortal portal = builder.database(BootOptions.Database.AUTO).start()) {
            assertThat(appliedVersions(portal, "portal_migrations_migrating")).containsExactly("1", "2");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void nestedActionsShareTheOutermostTransaction(TestDb db) {
        try (TestPortal portal = TestPortal.builder().db(db).plugins("migrating").start()) {
            assertThat(portal.call("mig_insert_twice", TestPortal.ALICE, Map.of("name", "ok"))).isEqualTo(2);
            assertThat(portal.call("mig_count", TestPortal.ALICE, Map.of())).isEqualTo(2);

            // The inner inserts succeeded, the outer action failed: everything rolls back.
            assertThatThrownBy(() -> portal.call("mig_insert_twice", TestPortal.ALICE, Map.of("name", "gone", "fail", true)))
                    .hasMessage("outer failure");
            assertThatThrownBy(() -> portal.call("mig_insert", TestPortal.ALICE, Map.of("name", "alone", "fail", true)))
                    .hasMessage("inner failure");
            assertThat(portal.call("mig_count", TestPortal.ALICE, Map.of())).isEqualTo(2);

            // A constraint violation inside the transaction is an error, and changes nothing.
            assertThatThrownBy(() -> portal.call("mig_insert", TestPortal.ALICE, Map.of("name", "ok-1")))
                    .hasMessageContaining("insert failed");
            assertThat(portal.call("mig_count", TestPortal.ALICE, Map.of())).isEqualTo(2);
        }
    }
}
