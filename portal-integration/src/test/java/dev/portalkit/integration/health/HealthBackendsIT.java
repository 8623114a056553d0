package dev.portalkit.integration.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.testing.RestartablePostgres;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness follows the backends: an S3 storage (the drop-in plugin against S3Proxy) and the
 * PostgreSQL database, each stopped under a running portal and started again. While one is down
 * its check (and readiness) is DOWN, the other checks stay UP, liveness stays UP, and every probe
 * answers within seconds; once it is back readiness is UP again without a restart. Answers never
 * show credentials or endpoints.
 */
class HealthBackendsIT {
    static Path tmp;
    static S3ProxyServer s3;
    static RestartablePostgres pg;
    static TestPortal portal;
    static PortalServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "health-").toAbsolutePath();
        Path dataDir = tmp.resolve("data");
        Path plugins = Files.createDirectories(dataDir.resolve("plugins"));
        Path jar = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-s3-plugin.jar");
        assertThat(jar).as("the drop-in jar of plugins/storage-s3, copied by the build").exists();
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        s3 = S3ProxyServer.start(tmp);
        pg = RestartablePostgres.start(tmp.resolve("pg"));
        TestPortal.Builder builder = TestPortal.builder().dataDir(dataDir).pluginsDir(plugins).plugins("storage-s3")
                .option("portal.db.url", pg.jdbcUrl()).option(WebPlugin.HTTP_PORT, "0");
        s3.storageOptions("files:s3").forEach((k, v) -> builder.option("portal.files.storage.s3." + k, v));
        builder.option("portal.files.storage.s3.bucket", "health").option("portal.files.storage.s3.create_bucket", "true");
        portal = builder.start();
        server = PortalServer.start(portal.container());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (server != null) {
            server.close();
        }
        if (portal != null) {
            portal.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {s3, pg}) {
            if (c != null) {
                c.close();
            }
        }
    }

    record Health(int status, String body, Map<String, String> checks, long millis) {
    }

    @SuppressWarnings("unchecked")
    static Health get(String path) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Map<String, String> checks = new LinkedHashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) ((Map<String, Object>) Json.read(r.body())).get("checks")) {
            checks.put((String) c.get("name"), (String) c.get("status"));
        }
        assertThat(r.body()).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(S3ProxyServer.ACCESS_KEY)
                .doesNotContain(s3.endpoint().getAuthority()).doesNotContain("jdbc:").doesNotContain("Exception:");
        return new Health(r.statusCode(), r.body(), checks, millis);
    }

    /** Polls readiness (every 200 ms, 60 s at most) until it answers {@code status}. */
    static Health readyUntil(int status) throws Exception {
        Health h = get("health/ready");
        for (int i = 0; i < 300 && h.status() != status; i++) {
            Thread.sleep(200);
            h = get("health/ready");
        }
        assertThat(h.status()).as(h.body()).isEqualTo(status);
        return h;
    }

    @Test
    void aStorageServerStoppedTurnsItsCheckAndReadinessDownAndBackUp() throws Exception {
        Health up = readyUntil(200);
        assertThat(up.checks()).containsEntry("storage:s3", "UP").containsEntry("database", "UP");
        assertThat(up.body()).contains("\"database\":\"PostgreSQL\"").contains("\"type\":\"files:s3\"");
        s3.stop();
        try {
            Health down = readyUntil(503);
            assertThat(down.checks()).containsEntry("storage:s3", "DOWN")
                    .containsEntry("database", "UP").containsEntry("server", "UP");
            assertThat(down.millis()).as("a probe answers within its deadline").isLessThan(5_000);
            assertThat(get("health/live").status()).as("a storage down does not make the node dead").isEqualTo(200);
        } finally {
            s3.start();
        }
        assertThat(readyUntil(200).checks()).containsEntry("storage:s3", "UP");
    }

    @Test
    void theDatabaseStoppedTurnsReadinessDownButNotLivenessAndBackUp() throws Exception {
        readyUntil(200);
        pg.stop();
        try {
            Health down = readyUntil(503);
            assertThat(down.checks()).containsEntry("database", "DOWN").containsEntry("tasks", "DOWN").containsEntry("storage:s3", "UP");
            assertThat(down.millis()).as("a probe answers within its deadline").isLessThan(5_000);
            Health live = get("health/live");
            assertThat(live.status()).as(live.body()).isEqualTo(200);
        } finally {
            pg.start();
        }
        assertThat(readyUntil(200).checks()).containsEntry("database", "UP").containsEntry("tasks", "UP");
    }
}
