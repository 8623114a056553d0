package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.testing.RestartablePostgres;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Azurite;
import dev.portalkit.testservers.RedisServers;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The portal's backends stopped under it while it works: S3 (S3Proxy), Azure Blob (Azurite) and
 * Redis (redis-server) storages from the drop-in plugin jars, and the PostgreSQL database, each
 * stopped in the middle of an upload and in the middle of a download, then started again. An
 * upload that meets a stopped backend is answered with a clear 503 naming what is unavailable and
 * records nothing; a download cut by its backend ends as an error the client sees (never as a
 * short file that looks whole); once the backend is back, the portal serves normally without a
 * restart. Meanwhile readiness ({@code /health/ready}) follows each backend: its check DOWN while
 * it is stopped, liveness UP, all UP again once it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackendFaultsIT {
    private static final int MIB = 1024 * 1024;

    static Path tmp;
    static S3ProxyServer s3;
    static Azurite azurite;
    static RedisServers.Server redis;
    static RestartablePostgres pg;
    static TestPortal portal;
    static PortalServer server;
    static ApiClient api;
    static HttpClient http;
    static String token;

    /** A storage and the server behind it. */
    record Backend(String storage, Runnable stop, Runnable start) {
        @Override
        public String toString() {
            return storage;
        }
    }

    static Stream<Backend> storages() {
        return Stream.of(new Backend("s3", s3::stop, s3::start), new Backend("azure", azurite::stop, azurite::start),
                new Backend("redis", redis::stop, redis::start));
    }

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "faults-").toAbsolutePath();
        Path dataDir = tmp.resolve("data");
        Path plugins = Files.createDirectories(dataDir.resolve("plugins"));
        Path built = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins"));
        for (String id : List.of("s3", "azure", "redis")) {
            Path jar = built.resolve("portalkit-plugin-storage-" + id + "-plugin.jar");
            assertThat(jar).as("the drop-in jar of plugins/storage-" + id + ", copied by the build").exists();
            Files.copy(jar, plugins.resolve(jar.getFileName()));
        }
        s3 = S3ProxyServer.start(tmp);
        azurite = Azurite.start(Files.createDirectories(tmp.resolve("azurite")));
        redis = RedisServers.start(Files.createDirectories(tmp.resolve("redis")), null);
        pg = RestartablePostgres.start(tmp.resolve("pg"));
        TestPortal.Builder builder = TestPortal.builder().dataDir(dataDir).pluginsDir(plugins)
                .plugins("storage-s3 storage-azure storage-redis")
                .option("portal.db.url", pg.jdbcUrl())
                .option(WebPlugin.HTTP_PORT, "0")
                .option("portal.auth.password_iterations", "1000");
        builder.option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", dataDir.resolve("storage").toString())
                .option("portal.files.storage.default.create_path", "true");
        // Downloads streamed through the portal (the redirect modes send clients to the backend itself).
        String s3Key = "portal.files.storage.s3.";
        s3.storageOptions("files:s3").forEach((k, v) -> builder.option(s3Key + k, v));
        builder.option(s3Key + "bucket", "faults").option(s3Key + "create_bucket", "true")
                .option(s3Key + "location_transformers", "uuid_with_extension").option(s3Key + "proxy", "proxy");
        builder.option("portal.files.storage.azure.type", "files:azure_blob")
                .option("portal.files.storage.azure.connection_string", azurite.connectionString())
                .option("portal.files.storage.azure.container", "faults")
                .option("portal.files.storage.azure.create_container", "true")
                .option("portal.files.storage.azure.max_retries", "1")
                .option("portal.files.storage.azure.download", "proxy")
                .option("portal.files.storage.azure.location_transformers", "uuid_with_extension");
        builder.option("portal.files.storage.redis.type", "files:redis")
                .option("portal.files.storage.redis.url", redis.url(0))
                .option("portal.files.storage.redis.location_transformers", "uuid_with_extension");
        portal = builder.start();
        server = PortalServer.start(portal.container());
        api = new ApiClient(server.uri());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", "admin", "email", "admin@example.org",
                "password", "correct horse battery", "sysadmin", true));
        @SuppressWarnings("unchecked")
        Map<String, Object> created = (Map<String, Object>) portal.call("api_token_create", TestPortal.SYSADMIN,
                Map.of("user", "admin", "name", "faults"));
        token = (String) created.get("token");
    }

    @AfterAll
    static void stopAll() {
        if (server != null) {
            server.close();
        }
        if (portal != null) {
            portal.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {s3, azurite, redis, pg}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort at the end of the run
            }
        }
    }

    // ---- storages -----------------------------------------------------------------------------

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("storages")
    void anUploadMeetingAStoppedStorageIsA503ThatRecordsNothing(Backend backend) throws Exception {
        Map<String, Object> before = upload(backend.storage(), "before-" + backend.storage() + ".bin", random(MIB, 1), null);
        String name = "cut-" + backend.storage() + ".bin";
        Reply cut;
        try {
            cut = uploadReply(backend.storage(), name, random(24 * MIB, 2), backend.stop);
        } finally {
            backend.start.run();
        }
        assertThat(cut.status()).as(cut.body()).isEqualTo(503);
        assertThat(cut.error()).containsEntry("__type", "Service Unavailable Error");
        assertThat((String) cut.error().get("message")).as("names the storage that failed").contains(backend.storage());
        assertThat(cut.body()).doesNotContain("Exception", "\tat ", S3ProxyServer.SECRET_KEY, Azurite.KEY);
        assertThat(search(name)).as("nothing recorded").isEmpty();
        assertNoSpool();
        // Back again: the earlier file is whole, a new one goes in and comes out.
        assertThat(download((String) before.get("id"), null)).isEqualTo(md5(random(MIB, 1)));
        Map<String, Object> after = upload(backend.storage(), "after-" + backend.storage() + ".bin", random(3 * MIB, 3), null);
        assertThat(download((String) after.get("id"), null)).isEqualTo(md5(random(3 * MIB, 3)));
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @MethodSource("storages")
    void aDownloadCutByAStoppedStorageEndsAsAnErrorAndServesAgainLater(Backend backend) throws Exception {
        byte[] content = random(64 * MIB, 4);
        Map<String, Object> file = upload(backend.storage(), "big-" + backend.storage() + ".bin", content, null);
        String id = (String) file.get("id");
        String seen;
        try {
            seen = download(id, backend.stop);
        } finally {
            backend.start.run();
        }
        assertThat(seen).as("the client must see that the download failed, not a short file").isNull();
        assertThat(download(id, null)).isEqualTo(md5(content));
    }

    // ---- the database -------------------------------------------------------------------------

    @Order(3)
    @Test
    void anUploadWhileTheDatabaseIsGoneIsA503AndTheServiceComesBack() throws Exception {
        String name = "while-pg-down.bin";
        Reply cut;
        try {
            cut = uploadReply("default", name, random(16 * MIB, 5), pg::stop);
            assertThat(cut.status()).as(cut.body()).isEqualTo(503);
            assertThat(cut.error()).containsEntry("__type", "Service Unavailable Error");
            assertThat(cut.body()).doesNotContain("Exception", "\tat ", "jdbc:");
            // Other requests answer the same way meanwhile (every action runs in a transaction), quickly and clearly.
            for (Reply other : List.of(api.call("package_search", Map.of(), token), api.get("status_show", Map.of(), null),
                    api.call("files_file_show", Map.of("id", "anything"), token))) {
                assertThat(other.status()).as(other.body()).isEqualTo(503);
                assertThat((String) other.error().get("message")).startsWith("The database is unavailable: try again later (reference ");
            }
        } finally {
            pg.start();
        }
        assertThat(search(name)).as("nothing recorded").isEmpty();
        assertNoSpool();
        assertThat(untracked("default")).as("no bytes left without their record").isEmpty();
        Map<String, Object> after = upload("default", "after-pg.bin", random(2 * MIB, 6), null);
        assertThat(download((String) after.get("id"), null)).isEqualTo(md5(random(2 * MIB, 6)));
    }

    @Order(4)
    @Test
    void aDownloadThatStartedNeedsNoDatabaseToFinish() throws Exception {
        byte[] content = random(48 * MIB, 7);
        String id = (String) upload("default", "long-read.bin", content, null).get("id");
        String seen;
        try {
            seen = download(id, pg::stop);
        } finally {
            pg.start();
        }
        assertThat(seen).as("the permission was checked before the bytes went out").isEqualTo(md5(content));
        assertThat(download(id, null)).isEqualTo(md5(content));
    }

    // ---- readiness (MicroProfile Health) follows the backends ----------------------------------

    @Order(5)
    @ParameterizedTest(name = "{0}")
    @MethodSource("storages")
    void aStoppedStorageServerTurnsItsReadinessCheckDownNotLivenessAndBackUp(Backend backend) throws Exception {
        String check = "storage:" + backend.storage();
        assertThat(readyUntil(200)).containsEntry(check, "UP").containsEntry("database", "UP");
        backend.stop().run();
        try {
            Map<String, String> down = readyUntil(503);
            assertThat(down).containsEntry(check, "DOWN").containsEntry("storage:default", "UP").containsEntry("database", "UP")
                    .containsEntry("server", "UP");
            assertThat(health("health/live").status()).as("a backend down does not make the node dead").isEqualTo(200);
        } finally {
            backend.start().run();
        }
        assertThat(readyUntil(200)).containsEntry(check, "UP");
    }

    @Order(6)
    @Test
    void theDatabaseStoppedTurnsReadinessDownNotLivenessAndBackUp() throws Exception {
        readyUntil(200);
        pg.stop();
        try {
            assertThat(readyUntil(503)).containsEntry("database", "DOWN").containsEntry("tasks", "DOWN")
                    .containsEntry("storage:s3", "UP");
            assertThat(health("health/live").status()).isEqualTo(200);
        } finally {
            pg.start();
        }
        assertThat(readyUntil(200)).containsEntry("database", "UP").containsEntry("tasks", "UP");
    }

    /** A health answer within 5 s (each probe has a 2 s deadline), its body free of credentials and endpoints. */
    private static Reply health(String path) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(System.nanoTime() - t0).as("answered within the probes' deadline").isLessThan(5_000_000_000L);
        assertThat(r.body()).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(s3.endpoint().getAuthority())
                .doesNotContain("AccountKey").doesNotContain("jdbc:").doesNotContain("redis://").doesNotContain("Exception:");
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** Polls /health/ready (every 200 ms, 60 s at most) until it answers {@code status}; the checks' statuses by name. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> readyUntil(int status) throws Exception {
        Reply h = health("health/ready");
        for (int i = 0; i < 300 && h.status() != status; i++) {
            Thread.sleep(200);
            h = health("health/ready");
        }
        assertThat(h.status()).as(h.body()).isEqualTo(status);
        Map<String, String> checks = new java.util.LinkedHashMap<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) h.json().get("checks")) {
            checks.put((String) c.get("name"), (String) c.get("status"));
        }
        return checks;
    }

    // ---- helpers ------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Object> upload(String storage, String name, byte[] content, Runnable midway) throws Exception {
        Reply reply = uploadReply(storage, name, content, midway);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return (Map<String, Object>) reply.result();
    }

    /** {@code files_file_create} with a Content-Length (so that object stores may be piped), running {@code midway} half way through the body. */
    private static Reply uploadReply(String storage, String name, byte[] content, Runnable midway) throws Exception {
        String boundary = "----faults-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"storage\"\r\n\r\n" + storage + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = head.length + (long) content.length + tail.length;
        HttpRequest request = HttpRequest.newBuilder(api.base().resolve("api/3/action/files_file_create"))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                        new ByteArrayInputStream(head), new SequenceInputStream(new Midway(content, midway),
                        new ByteArrayInputStream(tail)))), length))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
    }

    /**
     * Downloads a file whole and returns its MD5, or null when the download failed on the way (a
     * cut connection, or fewer bytes than announced); runs {@code midway} after the first MiB.
     */
    private static String download(String id, Runnable midway) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.base().resolve("files/download/" + id)).timeout(Duration.ofMinutes(2))
                .header("Authorization", token).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        long total = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            boolean ran = midway == null;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                md5.update(buffer, 0, n);
                total += n;
                if (!ran && total >= MIB) {
                    ran = true;
                    midway.run();
                }
            }
        } catch (IOException cut) {
            return null;
        }
        if (announced >= 0 && total != announced) {
            return null;
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> search(String name) {
        Reply reply = api.call("files_file_search", Map.of("name", name), token);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return (List<Object>) ((Map<String, Object>) reply.result()).get("results");
    }

    private static List<String> untracked(String storage) throws IOException {
        Path root = portal.dataDir().resolve("storage");
        List<String> tracked = search("").stream().map(f -> (String) ((Map<?, ?>) f).get("location")).toList();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(l -> !l.contains("/") && !tracked.contains(l)).toList();
        }
    }

    private static void assertNoSpool() throws IOException {
        Path spools = portal.dataDir().resolve("tmp");
        if (Files.isDirectory(spools)) {
            try (Stream<Path> left = Files.walk(spools)) {
                assertThat(left.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".part")))
                        .as("spooled uploads left").isEmpty();
            }
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    /** The content, running an action once half of it has been read. */
    private static final class Midway extends InputStream {
        private final byte[] content;
        private final Runnable action;
        private int position;
        private boolean ran;

        Midway(byte[] content, Runnable action) {
            this.content = content;
            this.action = action;
            this.ran = action == null;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= content.length) {
                return -1;
            }
            int half = content.length / 2;
            if (!ran && position >= half) {
                ran = true;
                action.run();
            }
            int n = Math.min(len, content.length - position);
            if (!ran && position + n > half) {
                n = half - position;
            }
            System.arraycopy(content, position, b, off, n);
            position += n;
            return n;
        }
    }
}
