package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.Spools;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A {@code files_file_create} file part piped into a {@code files:s3} storage (S3Proxy) while the
 * request is still arriving (docs/uploads.md): the request is sent over a plain socket in stages,
 * so the test sees the piped file at the backend before the client has sent the end of the
 * request, and then what the action makes of it: kept, or removed with the spool stored instead
 * or refused, and nothing left behind (no stray object, no spool).
 */
class PipedS3UploadIT {
    private static final String BUCKET = "piped";
    private static final int MIB = 1024 * 1024;

    static Path tmp;
    static S3ProxyServer s3;
    static S3Client bucket;
    static TestPortal portal;
    static PortalServer server;
    static String adminToken;
    static String dataset;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "piped-s3-").toAbsolutePath();
        Path plugins = Files.createDirectories(tmp.resolve("data/plugins"));
        Path jar = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-s3-plugin.jar");
        assertThat(jar).as("the drop-in jar of plugins/storage-s3, copied by the build").exists();
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        s3 = S3ProxyServer.start(tmp);
        bucket = s3.client();
        TestPortal.Builder builder = TestPortal.builder().dataDir(tmp.resolve("data")).pluginsDir(plugins).plugins("storage-s3")
                .option(WebPlugin.HTTP_PORT, "0")
                .option("portal.auth.password_iterations", "1000");
        Map<String, String> prefixes = Map.of("default", "d/", "other", "o/", "csvonly", "c/", "capped", "k/", "named", "n/");
        prefixes.forEach((name, prefix) -> {
            String key = "portal.files.storage." + name + ".";
            s3.storageOptions("files:s3").forEach((k, v) -> builder.option(key + k, v));
            builder.option(key + "bucket", BUCKET).option(key + "create_bucket", "true").option(key + "prefix", prefix);
            if (!name.equals("named")) {
                builder.option(key + "location_transformers", "uuid_with_extension");
            }
        });
        builder.option("portal.files.storage.csvonly.supported_types", "text/csv");
        builder.option("portal.files.storage.capped.max_size", "11MiB");
        builder.option("portal.files.default_storages.resource", "other");
        portal = builder.start();
        server = PortalServer.start(portal.container());
        portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", "admin", "email", "admin@example.org",
                "password", "correct horse battery", "sysadmin", true));
        @SuppressWarnings("unchecked")
        Map<String, Object> token = (Map<String, Object>) portal.call("api_token_create", TestPortal.SYSADMIN,
                Map.of("user", "admin", "name", "test"));
        adminToken = (String) token.get("token");
        Map<String, Object> org = (Map<String, Object>) portal.call("organization_create", TestPortal.SYSADMIN, Map.of("name", "pipers"));
        dataset = (String) ((Map<String, Object>) portal.call("package_create", TestPortal.SYSADMIN,
                Map.of("name", "piped-resources", "owner_org", org.get("id")))).get("id");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (portal != null) {
            portal.close();
        }
        if (bucket != null) {
            bucket.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePartIsStoredWhileTheRequestArrivesAndKept() throws Exception {
        byte[] content = random(10 * MIB + 123, 1);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of("storage", "other"), "seed.bin", content, List.of())) {
            post.sendAllButTheLast(4); // the reader knows the part ended; the request has not
            String key = awaitNewObject(before, "o/");
            assertThat(key).as("a uuid with the extension").matches("o/[0-9a-f-]{36}\\.bin");
            assertThat(object(key)).as("the whole part, at the backend before the request ended").isEqualTo(content);
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat((Map<String, Object>) reply.result()).containsEntry("storage", "other").containsEntry("location", key.substring(2))
                    .containsEntry("size", content.length).containsEntry("hash", md5(content));
        }
        assertThat(newKeys(before)).as("the piped file, nothing else").hasSize(1);
        assertNothingPending();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aResourceUploadIsPipedIntoTheResourceStorageAndKept() throws Exception {
        byte[] content = random(9 * MIB + 7, 10);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost("resource_create", List.of("package_id", dataset, "name", "Rainfall"), "rain.bin",
                content, List.of(), "\r\n")) {
            post.sendAllButTheLast(4);
            String key = awaitNewObject(before, "o/");
            assertThat(object(key)).as("the whole part, in the resources' storage before the request ended").isEqualTo(content);
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            Map<String, Object> resource = (Map<String, Object>) reply.result();
            assertThat(resource).containsEntry("url_type", "upload").containsEntry("size", content.length)
                    .containsEntry("name", "Rainfall");
            Map<String, Object> file = (Map<String, Object>) portal.call("files_file_show", TestPortal.SYSADMIN,
                    Map.of("id", resource.get("file_id")));
            assertThat(file).containsEntry("storage", "other").containsEntry("location", key.substring(2))
                    .containsEntry("name", "rain.bin").containsEntry("hash", md5(content));
        }
        assertThat(newKeys(before)).as("the piped file, nothing else").hasSize(1);
        assertNothingPending();
    }

    @Test
    void aResourceUploadTheActionRefusesLeavesNothingInTheResourceStorage() throws Exception {
        byte[] content = random(9 * MIB, 11);
        List<String> before = keys("");
        @SuppressWarnings("unchecked")
        Map<String, Object> taken = (Map<String, Object>) portal.call("resource_create", TestPortal.SYSADMIN,
                Map.of("package_id", dataset, "url", "https://example.org/a.csv"));
        // The pipe starts when the part arrives (the auth check passes on the dataset); the action refuses the taken id.
        try (StagedPost post = new StagedPost("resource_create", List.of("package_id", dataset, "id", String.valueOf(taken.get("id"))),
                "refused.bin", content, List.of(), "\r\n")) {
            post.sendAllButTheLast(4);
            awaitNewObject(before, "o/");
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        }
        await("nothing left of the refused resource's file", () -> newKeys(before).isEmpty() && Spools.in(portal.portal().dataDirectory()).isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFieldAfterThePartMissesThePredictedSizeAndTheSpoolIsStored() throws Exception {
        byte[] content = random(9 * MIB, 2);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of("storage", "other"), "late.bin", content, List.of("description", "sent after"))) {
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            Map<String, Object> file = (Map<String, Object>) reply.result();
            assertThat(file).containsEntry("size", content.length).containsEntry("hash", md5(content));
            assertThat(newKeys(before)).as("one object: the spool's, at the location chosen once").containsExactly("o/" + file.get("location"));
            assertThat(object("o/" + file.get("location"))).isEqualTo(content);
        }
        assertNothingPending();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBodyClosedWithoutTheLastCrlfRunsLongerThanPredictedAndTheSpoolIsStored() throws Exception {
        byte[] content = random(9 * MIB, 3);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of("storage", "other"), "short.bin", content, List.of(), "")) {
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            Map<String, Object> file = (Map<String, Object>) reply.result();
            assertThat(file).containsEntry("size", content.length).containsEntry("hash", md5(content));
            assertThat(object("o/" + file.get("location"))).isEqualTo(content);
            assertThat(newKeys(before)).containsExactly("o/" + file.get("location"));
        }
        assertNothingPending();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStorageAfterThePartNamesAnotherStorageAndNothingStaysInThePredictedOne() throws Exception {
        byte[] content = random(9 * MIB, 4);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of(), "elsewhere.bin", content, List.of("storage", "named"))) {
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat((Map<String, Object>) reply.result()).containsEntry("storage", "named").containsEntry("location", "elsewhere.bin")
                    .containsEntry("hash", md5(content));
        }
        assertThat(object("n/elsewhere.bin")).isEqualTo(content);
        assertThat(newKeys(before)).as("nothing in the predicted default storage").containsExactly("n/elsewhere.bin");
        assertNothingPending();
    }

    @Test
    void aTypeTheStorageRefusesIsNeverSent() throws Exception {
        byte[] content = random(9 * MIB, 5);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of("storage", "csvonly"), "rows.bin", content, List.of())) {
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(415);
            assertThat(reply.error()).containsKey("upload");
        }
        assertThat(newKeys(before)).isEmpty();
        assertNothingPending();
    }

    @Test
    void aPartPastTheStoragesMaxSizeIsRefusedAndLeavesNothing() throws Exception {
        byte[] content = random(12 * MIB, 6);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of("storage", "capped"), "huge.bin", content, List.of())) {
            post.sendRestIgnoringRefusal();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(413);
            assertThat(reply.error().get("message").toString()).contains("capped");
        }
        assertThat(newKeys(before)).isEmpty();
        assertNothingPending();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStorageWhoseLocationsAreTheGivenNamesIsNotPiped() throws Exception {
        byte[] content = random(9 * MIB, 7);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of("storage", "named"), "kept-back.bin", content, List.of())) {
            post.sendAllButTheLast(4);
            await("the part spooled whole", () -> Spools.in(portal.portal().dataDirectory()).stream().anyMatch(p -> size(p) == content.length));
            Thread.sleep(500); // a pipe would have stored 9 MiB on S3Proxy by now
            assertThat(newKeys(before)).as("a file that could replace another is not sent before the action's checks").isEmpty();
            post.sendRest();
            Reply reply = post.reply();
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat((Map<String, Object>) reply.result()).containsEntry("location", "kept-back.bin");
        }
        assertThat(object("n/kept-back.bin")).isEqualTo(content);
        assertNothingPending();
    }

    @Test
    void aClientThatGoesAwayAfterThePartWasPipedLeavesNothing() throws Exception {
        byte[] content = random(9 * MIB, 9);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of(), "piped-then-gone.bin", content, List.of())) {
            post.sendAllButTheLast(4);
            awaitNewObject(before, "d/");
        } // closed before the end of the request: the action never ran
        await("the piped file removed and the spool deleted", () -> newKeys(before).isEmpty() && Spools.in(portal.portal().dataDirectory()).isEmpty());
    }

    @Test
    void aClientThatGoesAwayMidPartLeavesNothing() throws Exception {
        byte[] content = random(16 * MIB, 8);
        List<String> before = keys("");
        try (StagedPost post = new StagedPost(List.of(), "gone.bin", content, List.of())) {
            post.sendUpTo(10 * MIB);
            await("the part being spooled", () -> Spools.in(portal.portal().dataDirectory()).stream().anyMatch(p -> size(p) > 8 * MIB));
        } // closed mid-part
        await("the spool deleted after the client went away", () -> Spools.in(portal.portal().dataDirectory()).isEmpty());
        assertThat(newKeys(before)).isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static void assertNothingPending() {
        await("the spooled parts deleted", () -> Spools.in(portal.portal().dataDirectory()).isEmpty());
    }

    /**
     * Waits until an object named {@code <prefix><uuid>.bin} that is not in {@code before} exists and
     * returns its key (S3Proxy lists a PUT in progress under a temporary name with a suffix).
     */
    private static String awaitNewObject(List<String> before, String prefix) {
        String stored = java.util.regex.Pattern.quote(prefix) + "[0-9a-f-]{36}\\.bin";
        await("a new object under " + prefix, () -> newKeys(before).stream().anyMatch(k -> k.matches(stored)));
        return newKeys(before).stream().filter(k -> k.matches(stored)).findFirst().orElseThrow();
    }

    /** The keys in the bucket that are not in {@code before}. */
    private static List<String> newKeys(List<String> before) {
        return keys("").stream().filter(k -> !before.contains(k)).toList();
    }

    private static List<String> keys(String prefix) {
        return bucket.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents().stream().map(o -> o.key()).toList();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1; // deleted meanwhile
        }
    }

    /** Polls {@code condition} (an event the server causes, not a measure of speed) for up to two minutes. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what + " (objects: " + keys("") + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static byte[] object(String key) {
        return bucket.getObjectAsBytes(g -> g.bucket(BUCKET).key(key)).asByteArray();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    /**
     * {@code files_file_create} as a multipart POST over a plain socket (HTTP/1.1, Content-Length,
     * {@code Connection: close}), sent in stages: text fields, the file part, text fields.
     */
    private static final class StagedPost implements AutoCloseable {
        private static final String BOUNDARY = "----piped-test-boundary";
        private final Socket socket;
        private final OutputStream out;
        private final byte[] body;
        private final int contentStart;
        private int sent;

        StagedPost(List<String> before, String filename, byte[] content, List<String> after) throws IOException {
            this(before, filename, content, after, "\r\n");
        }

        StagedPost(List<String> before, String filename, byte[] content, List<String> after, String epilogue) throws IOException {
            this("files_file_create", before, filename, content, after, epilogue);
        }

        /** @param epilogue what follows the closing delimiter (common clients send CRLF) */
        StagedPost(String action, List<String> before, String filename, byte[] content, List<String> after, String epilogue)
                throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            fields(b, before);
            b.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            contentStart = b.size();
            b.write(content);
            b.write("\r\n".getBytes(StandardCharsets.UTF_8));
            fields(b, after);
            b.write(("--" + BOUNDARY + "--" + epilogue).getBytes(StandardCharsets.UTF_8));
            body = b.toByteArray();
            URI base = server.uri();
            socket = new Socket(base.getHost(), base.getPort());
            out = socket.getOutputStream();
            out.write(("POST " + base.getRawPath().replaceAll("/$", "") + "/api/3/action/" + action + " HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Authorization: " + adminToken + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }

        private static void fields(ByteArrayOutputStream b, List<String> namesAndValues) throws IOException {
            for (int i = 0; i < namesAndValues.size(); i += 2) {
                b.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + namesAndValues.get(i) + "\"\r\n\r\n"
                        + namesAndValues.get(i + 1) + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        /** Sends the body up to {@code n} bytes into the file's content. */
        void sendUpTo(int n) throws IOException {
            int end = contentStart + n;
            out.write(body, sent, end - sent);
            out.flush();
            sent = end;
        }

        /** Sends all of the body but its last {@code n} bytes. */
        void sendAllButTheLast(int n) throws IOException {
            out.write(body, sent, body.length - n - sent);
            out.flush();
            sent = body.length - n;
        }

        void sendRest() throws IOException {
            out.write(body, sent, body.length - sent);
            out.flush();
            sent = body.length;
        }

        /** Sends the rest while the server may stop reading and answer early. */
        void sendRestIgnoringRefusal() {
            Thread writer = new Thread(() -> {
                try {
                    sendRest();
                } catch (IOException expected) {
                    // the server answered and closed
                }
            });
            writer.setDaemon(true);
            writer.start();
        }

        Reply reply() throws IOException {
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            int status = Integer.parseInt(head.split(" ")[1]);
            byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
            String payload = head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked") ? dechunk(rest)
                    : new String(rest, StandardCharsets.UTF_8);
            return new Reply(status, "application/json", payload);
        }

        private static String dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int pos = 0;
            while (true) {
                int eol = indexOf(chunked, pos);
                int size = Integer.parseInt(new String(chunked, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
                if (size == 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                out.write(chunked, eol + 2, size);
                pos = eol + 2 + size + 2;
            }
        }

        private static int indexOf(byte[] bytes, int from) {
            for (int i = from; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i;
                }
            }
            throw new IllegalStateException("no CRLF");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
