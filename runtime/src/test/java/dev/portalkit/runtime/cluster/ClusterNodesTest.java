package dev.portalkit.runtime.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.testing.PostgresServer;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes on one PostgreSQL database, each with its own data directory, as separate {@code serve}
 * processes are: they agree on the key of download links or the later one does not start.
 */
class ClusterNodesTest {
    private static final String SECRET = "portal.files.link_secret";
    private final List<AutoCloseable> open = new ArrayList<>();
    private String url;

    @BeforeEach
    void database() {
        url = PostgresServer.newDatabase();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TestPortal portal(Map<String, String> options) throws Exception {
        TestPortal.Builder builder = TestPortal.builder().dataDir(Files.createTempDirectory("node-"))
                .option("portal.db.url", url).option("portal.db.user", "postgres").option("portal.db.password", "postgres");
        options.forEach(builder::option);
        TestPortal portal = builder.start();
        open.add(portal);
        return portal;
    }

    private ClusterNodes join(TestPortal portal) {
        ClusterNodes nodes = portal.portal().joinCluster(null);
        open.add(nodes);
        return nodes;
    }

    @Test
    void nodesGivenTheSameSecretJoinAndSeeEachOther() throws Exception {
        ClusterNodes a = join(portal(Map.of(SECRET, "one secret shared by every node of the portal")));
        ClusterNodes b = join(portal(Map.of(SECRET, "one secret shared by every node of the portal")));
        assertThat(a.live()).extracting(ClusterNodes.Node::id).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(b.live()).hasSize(2);
        b.close();
        assertThat(a.live()).extracting(ClusterNodes.Node::id).containsExactly(a.id());
    }

    @Test
    void aNodeThatGeneratedItsOwnKeyBesideAConfiguredOneDoesNotStart() throws Exception {
        ClusterNodes a = join(portal(Map.of(SECRET, "one secret shared by every node of the portal")));
        TestPortal b = portal(Map.of());
        assertThatThrownBy(() -> join(b)).isInstanceOfSatisfying(PortalException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
            assertThat(e.getMessage()).startsWith(SECRET + " is not set, so this node generated its own key of download links")
                    .contains("uses a configured one").contains("PORTAL_FILES_LINK_SECRET");
        });
        // The refused node left no row behind.
        assertThat(a.live()).extracting(ClusterNodes.Node::id).containsExactly(a.id());
    }

    @Test
    void twoNodesThatEachGeneratedAKeyOrWereGivenDifferentOnesDisagree() throws Exception {
        join(portal(Map.of()));
        TestPortal generated = portal(Map.of());
        assertThatThrownBy(() -> join(generated)).hasMessageContaining("uses another generated one");
        TestPortal given = portal(Map.of(SECRET, "a secret nobody else was given, long enough"));
        assertThatThrownBy(() -> join(given)).hasMessageStartingWith(SECRET + " differs from the one the node on")
                .hasMessageContaining("(it generated its own)");
    }

    @Test
    void afterEveryNodeStoppedOrDiedANewKeyMayCome() throws Exception {
        TestPortal first = portal(Map.of(SECRET, "the old secret of every node, long enough"));
        join(first).close();
        // Stopped cleanly: gone at once, so the key may change (rotation).
        ClusterNodes rotated = join(portal(Map.of(SECRET, "the new secret of every node, long enough")));
        // A node that stopped beating three intervals ago (killed) does not hold the key either.
        try (Connection c = first.portal().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE portal_node SET heartbeat_at = ? WHERE id = ?")) {
            ps.setObject(1, Instant.now().minusSeconds(31).atOffset(ZoneOffset.UTC));
            ps.setString(2, rotated.id());
            assertThat(ps.executeUpdate()).isEqualTo(1);
            c.commit();
        }
        ClusterNodes again = join(portal(Map.of(SECRET, "yet another secret of every node, long")));
        assertThat(again.live()).extracting(ClusterNodes.Node::id).containsExactly(again.id());
    }

    @Test
    void theHeartbeatIntervalIsCheckedAtStart() {
        assertThatThrownBy(() -> portal(Map.of(ClusterNodes.HEARTBEAT_INTERVAL, "0"))).hasMessageContaining(ClusterNodes.HEARTBEAT_INTERVAL);
        assertThatThrownBy(() -> portal(Map.of(ClusterNodes.HEARTBEAT_INTERVAL, "3601"))).hasMessageContaining(ClusterNodes.HEARTBEAT_INTERVAL);
    }

    @Test
    void theMessageNamesTheOptionAndItsEnvironmentVariable() {
        ClusterNodes.Secret secret = new ClusterNodes.Secret("download links", SECRET, true, () -> "x");
        assertThat(ClusterNodes.mismatch(secret, "the node on h (pid 1)", true))
                .isEqualTo(SECRET + " differs from the one the node on h (pid 1) on this database uses: give every node the same "
                        + SECRET + " (or its environment variable PORTAL_FILES_LINK_SECRET), or stop every node before changing it");
        assertThat(ClusterNodes.decode("download links=configured:abc;other=generated:def"))
                .containsEntry("download links", "configured:abc").containsEntry("other", "generated:def");
    }
}
