package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.runtime.testing.PostgresServer;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two portals on one PostgreSQL database, as two nodes: each searches its in-memory copy of the
 * index, which catches up with the other's changes before each search; a search inside a
 * transaction that changed the index and then rolled back leaves nothing behind in the copy.
 */
class SearchIndexNodesTest {
    static TestPortal first;
    static TestPortal second;
    static String org;

    @BeforeAll
    static void start() {
        String url = PostgresServer.newDatabase();
        first = TestPortal.builder().db(TestDb.POSTGRES).option("portal.db.url", url).start();
        second = TestPortal.builder().db(TestDb.POSTGRES).option("portal.db.url", url).start();
        org = (String) ((Map<?, ?>) first.call("organization_create", TestPortal.SYSADMIN, Map.of("name", "nodes-org"))).get("id");
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    private static long count(TestPortal node, String fq) {
        return ((Number) ((Map<?, ?>) node.call("package_search", TestPortal.SYSADMIN,
                Map.of("fq", fq, "include_private", true))).get("count")).longValue();
    }

    @Test
    void eachNodeSeesTheOthersChanges() {
        assertThat(count(second, "tags:nodes")).isZero();
        first.call("package_create", TestPortal.SYSADMIN, Map.of("name", "made-on-first", "owner_org", org,
                "tags", List.of(Map.of("name", "nodes"))));
        assertThat(count(second, "tags:nodes")).isEqualTo(1);
        second.call("package_patch", TestPortal.SYSADMIN, Map.of("id", "made-on-first", "tags", List.of(Map.of("name", "moved"))));
        assertThat(count(first, "tags:nodes")).isZero();
        assertThat(count(first, "tags:moved")).isEqualTo(1);
        second.call("package_delete", TestPortal.SYSADMIN, Map.of("id", "made-on-first"));
        assertThat(count(first, "tags:moved")).isZero();
    }

    @Test
    void aRolledBackChangeNeverReachesTheMemory() {
        RuntimeException rollback = new IllegalStateException("roll back");
        assertThatThrownBy(() -> first.portal().inTransaction(() -> {
            ActionContext ctx = first.portal().context(Optional.of(TestPortal.SYSADMIN.get()), false);
            ctx.call("package_create", Map.of("name", "rolled-back", "owner_org", org, "tags", List.of(Map.of("name", "phantom"))));
            // Searching here must not feed the node's memory with the uncommitted dataset.
            ctx.call("package_search", Map.of("fq", "tags:phantom"));
            throw rollback;
        })).isSameAs(rollback);
        assertThat(count(first, "tags:phantom")).isZero();
        // The next change (which reuses the version the rolled-back one took) reaches both nodes.
        second.call("package_create", TestPortal.SYSADMIN, Map.of("name", "after-rollback", "owner_org", org,
                "tags", List.of(Map.of("name", "phantom"))));
        assertThat(count(first, "tags:phantom")).isEqualTo(1);
        assertThat(count(second, "tags:phantom")).isEqualTo(1);
    }
}
