package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.CuttingProxy;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestPortal;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * tus 1.0.0 at {@code /files/tus} on a {@code files:fs} storage (H2): tus's own Java client with
 * chunks smaller than the file and than a part, a request cut off and resumed after a restart of
 * the portal, checksums, termination, expiry, and the protocol's refusals, each of which leaves
 * nothing stored. docs/resumable-uploads.md.
 */
class TusUploadTest {
    static final int MIB = 1024 * 1024;
    static Path tmp;
    static MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    static TestPortal portal;
    static PortalServer server;
    static ApiClient api;
    static String admin;
    static String alice;
    static String bob;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory("tus-");
        portal = builder(tmp).start();
        startServer();
    }

    static TestPortal.Builder builder(Path dir) {
        return TestPortal.builder().dataDir(dir.resolve("data")).clock(clock)
                .option(WebPlugin.HTTP_PORT, "0")
                .option("portal.auth.password_iterations", "1000")
                .option("portal.files.authenticated_uploads.allow", "true")
                .option("portal.files.authenticated_uploads.storages", "default csvonly big")
                .option("portal.files.max_multipart_lifetime", "1")
                .option("portal.files.tus.cors_origins", "https://app.example.org")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", dir.resolve("files").toString())
                .option("portal.files.storage.default.create_path", "true")
                .option("portal.files.storage.default.max_size", "64MiB")
                .option("portal.files.storage.big.type", "files:fs")
                .option("portal.files.storage.big.path", dir.resolve("big").toString())
                .option("portal.files.storage.big.create_path", "true")
                .option("portal.files.storage.csvonly.type", "files:fs")
                .option("portal.files.storage.csvonly.path", dir.resolve("csv").toString())
                .option("portal.files.storage.csvonly.create_path", "true")
                .option("portal.files.storage.csvonly.supported_types", "text/csv");
    }

    @SuppressWarnings("unchecked")
    static void startServer() {
        server = PortalServer.start(portal.container());
        api = new ApiClient(server.uri());
        for (String name : List.of("admin", "alice", "bob")) {
            try {
                portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", name, "email", name + "@example.org",
                        "password", "correct horse battery", "sysadmin", name.equals("admin")));
            } catch (RuntimeException existing) {
                // a restarted portal has them already
            }
            String token = (String) ((Map<String, Object>) portal.call("api_token_create", TestPortal.SYSADMIN,
                    Map.of("user", name, "name", "tus"))).get("token");
            switch (name) {
                case "admin" -> admin = token;
                case "alice" -> alice = token;
                default -> bob = token;
            }
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (portal != null) {
            portal.close();
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    static TusClient client(URI base, String token) throws Exception {
        TusClient client = new TusClient();
        client.setUploadCreationURL(base.resolve("/files/tus").toURL());
        client.setHeaders(Map.of("Authorization", token));
        return client;
    }

    static TusUpload upload(byte[] content, String name) {
        TusUpload upload = new TusUpload();
        upload.setInputStream(new java.io.ByteArrayInputStream(content));
        upload.setSize(content.length);
        upload.setFingerprint(name + "-" + content.length);
        upload.setMetadata(new LinkedHashMap<>(Map.of("filename", name)));
        return upload;
    }

    record Answer(int status, HttpResponse<String> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    static Answer send(String method, String path, String token, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", token);
        }
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r);
    }

    static Map<String, String> tus(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Tus-Resumable", "1.0.0");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String meta(String... kv) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            s.append(s.length() == 0 ? "" : ",").append(kv[i]).append(' ')
                    .append(Base64.getEncoder().encodeToString(kv[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return s.toString();
    }

    /** Creates an upload as {@code token}; returns its path. */
    static String create(String token, long length, String name, String storage) throws Exception {
        Answer a = send("POST", "/files/tus", token, tus("Upload-Length", Long.toString(length),
                "Upload-Metadata", meta("filename", name, "storage", storage)), null);
        assertThat(a.status()).as(a.response().body()).isEqualTo(201);
        return a.header("Location");
    }

    static Answer patch(String path, String token, long offset, byte[] body, String... extra) throws Exception {
        Map<String, String> h = tus("Upload-Offset", Long.toString(offset), "Content-Type", "application/offset+octet-stream");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            h.put(extra[i], extra[i + 1]);
        }
        return send("PATCH", path, token, h, body);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fileShow(String id) {
        return (Map<String, Object>) portal.call("files_file_show", TestPortal.SYSADMIN, Map.of("id", id));
    }

    @SuppressWarnings("unchecked")
    static long openMultipartUploads() {
        return ((Number) ((Map<String, Object>) portal.call("files_multipart_list", TestPortal.SYSADMIN, Map.of())).get("count")).longValue();
    }

    static long resumableRows(String table) {
        return portal.portal().inTransaction(() -> ((Number) portal.portal().transactions().em()
                .createNativeQuery("SELECT COUNT(*) FROM " + table).getSingleResult()).longValue());
    }

    static List<Path> storedFiles(String storage) throws IOException {
        try (Stream<Path> walk = Files.walk(tmp.resolve(storage))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void tusJavaClientSendsAFileInChunksSmallerThanItAndThanAPart() throws Exception {
        byte[] content = random(20 * MIB + 123, 1);
        TusClient client = client(server.uri(), alice);
        TusUploader uploader = client.createUpload(upload(content, "chunked.bin"));
        uploader.setChunkSize(256 * 1024);
        uploader.setRequestPayloadSize(3 * MIB);
        int requests = 0;
        while (uploader.uploadChunk() > -1) {
            requests++;
            assertThat(requests).isLessThan(1000);
        }
        uploader.finish();
        Answer head = send("HEAD", uploader.getUploadURL().getPath(), alice, tus(), null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Upload-Offset")).isEqualTo(Long.toString(content.length));
        String id = head.header(TusServlet.FILE_ID);
        assertThat(id).isNotNull();
        Map<String, Object> file = fileShow(id);
        assertThat(file).containsEntry("name", "chunked.bin").containsEntry("size", (long) content.length).containsEntry("hash", md5(content));
        ApiClient.Reply search = api.call("files_file_search", Map.of("name", "chunked.bin"), admin);
        assertThat(search.success()).as(search.body()).isTrue();
        assertThat(search.body()).contains(id);
        assertThat(chunksOf(uploader.getUploadURL().getPath())).isZero();
    }

    static long chunksOf(String path) {
        String id = path.substring(path.lastIndexOf('/') + 1);
        return resumableRows("files_resumable_chunk WHERE upload_id = '" + id + "'");
    }

    @Test
    void aRequestCutOffKeepsWhatArrivedAndTheUploadResumesAfterTheRestartOfThePortal() throws Exception {
        // The "done when" is this with 1 GiB: -Dportalkit.tus.cut_size=1073741824 (the default run sends 20 MiB).
        long size = Long.getLong("portalkit.tus.cut_size", 20L * MIB + 7);
        Path file = tmp.resolve("cut-" + size + ".bin");
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            Random random = new Random(2);
            byte[] block = new byte[MIB];
            for (long left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                md5.update(block, 0, n);
            }
        }
        String expected = HexFormat.of().formatHex(md5.digest());
        int chunks = (int) (size / MIB) + 10;
        URL url;
        long cutAt = size * 6 / 10;
        try (CuttingProxy proxy = new CuttingProxy(server.uri().getPort(), cutAt)) {
            TusClient client = client(URI.create("http://127.0.0.1:" + proxy.port()), alice);
            TusUploader uploader = client.createUpload(upload(file, size));
            url = uploader.getUploadURL();
            uploader.setChunkSize(MIB);
            uploader.setRequestPayloadSize((int) Math.min(Integer.MAX_VALUE, size));
            assertThatThrownBy(() -> {
                for (int i = 0; i < chunks && uploader.uploadChunk() > -1; i++) {
                    // until the line drops
                }
                uploader.finish();
            }).isInstanceOf(IOException.class);
            assertThat(proxy.wasCut()).isTrue();
        }
        String path = url.getPath();
        // Bytes the portal read before it noticed the broken line count once that request ended; a
        // restart waits for it (or cuts it short: then less was kept, never more than arrived).
        server.close();
        portal = portal.restart();
        startServer();
        long kept = Long.parseLong(send("HEAD", path, alice, tus(), null).header("Upload-Offset"));
        assertThat(kept).as("at least the whole part that arrived was kept").isGreaterThanOrEqualTo(8L * MIB).isLessThan(size);

        TusClient client = client(server.uri(), alice);
        TusUploader resumed = client.beginOrResumeUploadFromURL(upload(file, size), server.uri().resolve(path).toURL());
        assertThat(resumed.getOffset()).isEqualTo(kept);
        resumed.setChunkSize(MIB);
        for (int i = 0; i < chunks && resumed.uploadChunk() > -1; i++) {
            // the rest
        }
        resumed.finish();
        Answer head = send("HEAD", path, alice, tus(), null);
        assertThat(fileShow(head.header(TusServlet.FILE_ID))).containsEntry("hash", expected).containsEntry("size", size);
        Files.delete(file);
    }

    /** A file of {@code size} bytes for tus-java-client, into the storage without a size limit. */
    static TusUpload upload(Path file, long size) throws IOException {
        TusUpload upload = new TusUpload();
        upload.setInputStream(Files.newInputStream(file));
        upload.setSize(size);
        upload.setFingerprint(file.getFileName().toString());
        upload.setMetadata(new LinkedHashMap<>(Map.of("filename", file.getFileName().toString(), "storage", "big")));
        return upload;
    }

    @Test
    void aChecksumMismatchIs460AndDropsTheChunk() throws Exception {
        byte[] content = random(3 * MIB, 3);
        String path = create(alice, content.length, "checked.bin", "default");
        byte[] first = java.util.Arrays.copyOf(content, MIB);
        String wrong = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
        Answer refused = patch(path, alice, 0, first, "Upload-Checksum", "sha256 " + wrong);
        assertThat(refused.status()).isEqualTo(460);
        assertThat(send("HEAD", path, alice, tus(), null).header("Upload-Offset")).isEqualTo("0");
        for (String algorithm : List.of("md5", "sha1", "sha256")) {
            int index = List.of("md5", "sha1", "sha256").indexOf(algorithm);
            byte[] chunk = java.util.Arrays.copyOfRange(content, index * MIB, (index + 1) * MIB);
            String java = Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256").get(algorithm);
            String sum = Base64.getEncoder().encodeToString(MessageDigest.getInstance(java).digest(chunk));
            Answer ok = patch(path, alice, (long) index * MIB, chunk, "Upload-Checksum", algorithm + " " + sum);
            assertThat(ok.status()).as(ok.response().body()).isEqualTo(204);
        }
        Answer head = send("HEAD", path, alice, tus(), null);
        assertThat(fileShow(head.header(TusServlet.FILE_ID))).containsEntry("hash", md5(content));
        assertThat(patch(path, alice, content.length, new byte[0], "Upload-Checksum", "crc32 AAAA").status()).isEqualTo(400);
    }

    @Test
    void terminationFreesTheBackendPartsAndTheKeptBytes() throws Exception {
        List<Path> before = storedFiles("files");
        long open = openMultipartUploads();
        String path = create(alice, 20 * MIB, "ended.bin", "default");
        assertThat(patch(path, alice, 0, random(9 * MIB, 4)).status()).isEqualTo(204);
        assertThat(storedFiles("files")).hasSizeGreaterThan(before.size());
        assertThat(chunksOf(path)).isPositive();
        assertThat(send("DELETE", path, bob, tus(), null).status()).as("someone else's upload").isEqualTo(404);
        assertThat(send("DELETE", path, alice, tus(), null).status()).isEqualTo(204);
        assertThat(send("HEAD", path, alice, tus(), null).status()).isEqualTo(404);
        assertThat(storedFiles("files")).containsExactlyInAnyOrderElementsOf(before);
        assertThat(openMultipartUploads()).isEqualTo(open);
        assertThat(chunksOf(path)).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void expiredUploadsAreGoneAndCleanedWithTheMultipartUploads() throws Exception {
        String path = create(alice, 20 * MIB, "abandoned.bin", "default");
        Answer patched = patch(path, alice, 0, random(MIB, 5));
        assertThat(patched.header("Upload-Expires")).isNotNull();
        clock.advance(Duration.ofDays(2));
        try {
            assertThat(send("HEAD", path, alice, tus(), null).status()).isEqualTo(404);
            Map<String, Object> cleaned = (Map<String, Object>) portal.call("files_multipart_clean", TestPortal.SYSADMIN, Map.of());
            assertThat(((Number) cleaned.get("resumable_uploads_forgotten")).intValue()).isPositive();
            assertThat(resumableRows("files_resumable WHERE name = 'abandoned.bin'")).isZero();
            assertThat(chunksOf(path)).isZero();
        } finally {
            clock.advance(Duration.ofDays(-2));
        }
    }

    @Test
    void deferredLengthIsDeclaredByALaterPatch() throws Exception {
        byte[] content = random(9 * MIB + 5, 6);
        Answer created = send("POST", "/files/tus", alice, tus("Upload-Defer-Length", "1",
                "Upload-Metadata", meta("filename", "deferred.bin")), null);
        assertThat(created.status()).isEqualTo(201);
        String path = created.header("Location");
        assertThat(send("HEAD", path, alice, tus(), null).header("Upload-Defer-Length")).isEqualTo("1");
        byte[] head = java.util.Arrays.copyOf(content, 5 * MIB);
        assertThat(patch(path, alice, 0, head).status()).isEqualTo(204);
        byte[] rest = java.util.Arrays.copyOfRange(content, 5 * MIB, content.length);
        Answer last = patch(path, alice, head.length, rest, "Upload-Length", Integer.toString(content.length));
        assertThat(last.status()).as(last.response().body()).isEqualTo(204);
        assertThat(fileShow(last.header(TusServlet.FILE_ID))).containsEntry("hash", md5(content)).containsEntry("size", (long) content.length);
    }

    @Test
    void creationWithUploadAndOptions() throws Exception {
        byte[] content = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        Answer created = send("POST", "/files/tus", alice, tus("Upload-Length", Integer.toString(content.length),
                "Upload-Metadata", meta("filename", "small.csv", "storage", "csvonly", "purpose", "test"),
                "Content-Type", "application/offset+octet-stream"), content);
        assertThat(created.status()).as(created.response().body()).isEqualTo(201);
        assertThat(created.header("Upload-Offset")).isEqualTo(Integer.toString(content.length));
        assertThat(fileShow(created.header(TusServlet.FILE_ID))).containsEntry("storage", "csvonly").containsEntry("name", "small.csv");
        Answer options = send("OPTIONS", "/files/tus", null, Map.of(), null);
        assertThat(options.status()).isEqualTo(204);
        assertThat(options.header("Tus-Extension")).contains("creation", "creation-with-upload", "creation-defer-length",
                "termination", "checksum", "expiration");
        assertThat(options.header("Tus-Checksum-Algorithm")).isEqualTo("md5,sha1,sha256");
        Answer empty = send("POST", "/files/tus", alice, tus("Upload-Length", "0", "Upload-Metadata", meta("filename", "empty.txt")), null);
        assertThat(fileShow(empty.header(TusServlet.FILE_ID))).containsEntry("size", 0L);
    }

    @Test
    void badInputIsRefusedWithItsStatusAndStoresNothing() throws Exception {
        long open = openMultipartUploads();
        List<Path> before = storedFiles("files");
        // Tus-Resumable missing or of another version.
        Answer noVersion = send("POST", "/files/tus", alice, Map.of("Upload-Length", "10", "Upload-Metadata", meta("filename", "x")), null);
        assertThat(noVersion.status()).isEqualTo(412);
        assertThat(noVersion.header("Tus-Version")).isEqualTo("1.0.0");
        assertThat(send("POST", "/files/tus", alice, Map.of("Tus-Resumable", "0.2.2", "Upload-Length", "10"), null).status()).isEqualTo(412);
        // Over the storage's max_size (64 MiB), and over the portal's limit.
        Answer big = send("POST", "/files/tus", alice, tus("Upload-Length", Long.toString(65L * MIB), "Upload-Metadata", meta("filename", "big.bin")), null);
        assertThat(big.status()).as(big.response().body()).isEqualTo(413);
        assertThat(big.response().body()).contains("default");
        assertThat(send("POST", "/files/tus", alice, tus("Upload-Length", Long.toString(1L << 40), "Upload-Metadata", meta("filename", "huge.bin")), null)
                .status()).isEqualTo(413);
        // No filename, no length, malformed metadata, anonymous.
        assertThat(send("POST", "/files/tus", alice, tus("Upload-Length", "10"), null).response().body()).contains("filename");
        assertThat(send("POST", "/files/tus", alice, tus("Upload-Length", "10"), null).status()).isEqualTo(400);
        assertThat(send("POST", "/files/tus", alice, tus("Upload-Metadata", meta("filename", "x")), null).status()).isEqualTo(400);
        assertThat(send("POST", "/files/tus", alice, tus("Upload-Length", "10", "Upload-Metadata", "filename !!!"), null).status()).isEqualTo(400);
        assertThat(send("POST", "/files/tus", null, tus("Upload-Length", "10", "Upload-Metadata", meta("filename", "x")), null).status()).isEqualTo(403);
        // Unknown upload, someone else's.
        assertThat(send("HEAD", "/files/tus/" + java.util.UUID.randomUUID(), alice, tus(), null).status()).isEqualTo(404);
        String path = create(alice, 100, "mine.bin", "default");
        assertThat(send("HEAD", path, bob, tus(), null).status()).isEqualTo(404);
        assertThat(patch(path, bob, 0, new byte[10]).status()).isEqualTo(404);
        // Wrong offset, past the length, wrong content type.
        assertThat(patch(path, alice, 5, new byte[10]).status()).isEqualTo(409);
        Answer past = patch(path, alice, 0, new byte[101]);
        assertThat(past.status()).isEqualTo(413);
        assertThat(send("PATCH", path, alice, tus("Upload-Offset", "0", "Content-Type", "text/plain"), new byte[10]).status()).isEqualTo(415);
        assertThat(send("HEAD", path, alice, tus(), null).header("Upload-Offset")).isEqualTo("0");
        assertThat(send("DELETE", path, alice, tus(), null).status()).isEqualTo(204);
        // A type the storage does not take, found in the first bytes: the upload ends.
        String csv = create(alice, 2 * MIB, "picture.csv", "csvonly");
        byte[] png = random(MIB, 7);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}, 0, png, 0, 16);
        Answer wrongType = patch(csv, alice, 0, png);
        assertThat(wrongType.status()).as(wrongType.response().body()).isEqualTo(415);
        assertThat(send("HEAD", csv, alice, tus(), null).status()).isEqualTo(404);
        assertThat(storedFiles("csv")).isEmpty();
        assertThat(openMultipartUploads()).isEqualTo(open);
        assertThat(storedFiles("files")).containsExactlyInAnyOrderElementsOf(before);
        // A part of a tus upload from elsewhere (files_multipart_update) would not be in the hash taken on the way: refused.
        String mine = create(alice, 2 * MIB, "parts-only-by-tus.bin", "default");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) ((Map<String, Object>) portal.call("files_multipart_list",
                TestPortal.SYSADMIN, Map.of())).get("results");
        String multipart = (String) listed.stream().filter(u -> "parts-only-by-tus.bin".equals(u.get("name"))).findFirst().orElseThrow().get("id");
        ApiClient.Reply injected = api.multipart("files_multipart_update", new ApiClient.Multipart().field("id", multipart).field("part", "1")
                .file("upload", "x.bin", "application/octet-stream", new byte[10]), alice);
        assertThat(injected.status()).as(injected.body()).isEqualTo(409);
        assertThat(injected.body()).contains("/files/tus/" + mine.substring(mine.lastIndexOf('/') + 1));
        assertThat(send("DELETE", mine, alice, tus(), null).status()).isEqualTo(204);
        // No GET on an upload.
        assertThat(send("GET", path, alice, tus(), null).status()).isEqualTo(405);
    }

    @Test
    void otherOriginsListedInTheConfigurationGetCorsAndNoOthers() throws Exception {
        Answer preflight = send("OPTIONS", "/files/tus", null, Map.of("Origin", "https://app.example.org",
                "Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "upload-offset, tus-resumable"), null);
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.org");
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PATCH", "HEAD", "DELETE");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Upload-Offset", "Tus-Resumable", "Authorization");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNull();
        String path = create(alice, 10, "cors.bin", "default");
        Answer head = send("HEAD", path, alice, tus("Origin", "https://app.example.org"), null);
        assertThat(head.header("Access-Control-Expose-Headers")).contains("Upload-Offset", "Location", TusServlet.FILE_ID);
        Answer other = send("OPTIONS", "/files/tus", null, Map.of("Origin", "https://elsewhere.example.org",
                "Access-Control-Request-Method", "PATCH"), null);
        assertThat(other.header("Access-Control-Allow-Origin")).isNull();
        assertThat(send("HEAD", path, alice, tus("Origin", "https://elsewhere.example.org"), null).header("Access-Control-Allow-Origin")).isNull();
        assertThatThrownBy(() -> TestPortal.builder().dataDir(tmp.resolve("bad-origin")).option("portal.files.tus.cors_origins", "app.example.org")
                .start().close()).hasMessageContaining("portal.files.tus.cors_origins");
    }

    /** Two requests at the same offset at once: one moves the offset, the other gets 409 and changes nothing. */
    @Test
    void ofTwoRequestsAtTheSameOffsetOneWinsAndTheOtherIs409() throws Exception {
        byte[] content = random(16 * MIB + 11, 8);
        String path = create(alice, content.length, "raced.bin", "default");
        byte[] first = java.util.Arrays.copyOf(content, 8 * MIB);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Answer>> sent = pool.invokeAll(List.of(() -> patch(path, alice, 0, first),
                    () -> patch(path, alice, 0, first)), 60, java.util.concurrent.TimeUnit.SECONDS);
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var f : sent) {
                statuses.add(f.get().status());
            }
            assertThat(statuses).containsExactlyInAnyOrder(204, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(send("HEAD", path, alice, tus(), null).header("Upload-Offset")).isEqualTo(Integer.toString(8 * MIB));
        Answer last = patch(path, alice, 8 * MIB, java.util.Arrays.copyOfRange(content, 8 * MIB, content.length));
        assertThat(last.status()).isEqualTo(204);
        assertThat(fileShow(last.header(TusServlet.FILE_ID))).containsEntry("hash", md5(content)).containsEntry("size", (long) content.length);
    }
}
