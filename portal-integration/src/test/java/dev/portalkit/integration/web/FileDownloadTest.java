package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.testing.DeliveryTestPlugin;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.HttpProbe.Reply;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.tracked.FileRecord;
import dev.portalkit.runtime.files.download.DownloadLinks;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The download routes over HTTP on the standalone server (in process, real storages): the one
 * download service behind {@code /files/public-download}, {@code /files/download/<id>} (through
 * {@code files_file_show}, the real File API action) and
 * {@code /files/link/<token>}.
 */
class FileDownloadTest {
    static final Instant START = Instant.parse("2026-11-21T12:00:00Z");
    static final Instant MTIME = Instant.parse("2026-11-20T08:30:15Z");
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    static Path root;
    static MutableClock clock;
    static TestPortal portal;
    static PortalServer server;
    static HttpProbe http;
    static FilesPlugin files;

    /** Real users and API tokens: alice owns the private test files, a public dataset owns the rest. */
    static String ALICE_TOKEN;
    static String SYSADMIN_TOKEN;
    static String aliceId;
    static String publicDatasetId;

    static byte[] csv;
    static String csvId;
    static FileData csvData;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory("downloads-");
        clock = new MutableClock(START);
        portal = TestPortal.builder().plugins("delivery-test")
                .clock(clock)
                .option(WebPlugin.HTTP_PORT, "0")
                .option("portal.files.storage.private.type", "files:fs")
                .option("portal.files.storage.private.path", root.resolve("private").toString())
                .option("portal.files.storage.private.create_path", "true")
                .option("portal.files.storage.private.recursive", "true")
                .option("portal.files.storage.pub.type", "files:fs")
                .option("portal.files.storage.pub.path", root.resolve("pub").toString())
                .option("portal.files.storage.pub.create_path", "true")
                .option("portal.files.storage.pub.recursive", "true")
                .option("portal.files.storage.pub.public", "true")
                .option("portal.files.storage.pubmem.type", "files:memory")
                .option("portal.files.storage.pubmem.public", "true")
                .option("portal.files.storage.redirect.type", DeliveryTestPlugin.TYPE)
                .option("portal.files.storage.redirect.mode", "redirect")
                .option("portal.files.storage.redirect.public", "true")
                .option("portal.files.storage.internal.type", DeliveryTestPlugin.TYPE)
                .option("portal.files.storage.internal.mode", "internal")
                .start();
        server = PortalServer.start(portal.container());
        http = new HttpProbe(server.uri());
        files = FilesPlugin.of(portal.portal());
        aliceId = (String) sudo("user_create", Map.of("name", "alice", "email", "alice@example.org",
                "password", "correct horse battery")).get("id");
        ALICE_TOKEN = (String) sudo("api_token_create", Map.of("user", "alice", "name", "downloads")).get("token");
        sudo("user_create", Map.of("name", "root", "email", "root@example.org", "password", "correct horse battery",
                "sysadmin", true));
        SYSADMIN_TOKEN = (String) sudo("api_token_create", Map.of("user", "root", "name", "downloads")).get("token");
        sudo("organization_create", Map.of("name", "download-org"));
        publicDatasetId = (String) sudo("package_create", Map.of("name", "download-public", "owner_org", "download-org"))
                .get("id");

        StringBuilder rows = new StringBuilder("river,length_km\n");
        for (int i = 0; i < 500; i++) {
            rows.append("river-").append(i).append(',').append(100 + i * 7).append('\n');
        }
        csv = rows.toString().getBytes(StandardCharsets.UTF_8);
        csvData = store("private", "tables/lengths.csv", csv, "text/csv");
        csvId = register("private", csvData, "donn\u00e9es 2024.csv", "alice");
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

    @SuppressWarnings("unchecked")
    static Map<String, Object> sudo(String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.portal().context(TestPortal.SYSADMIN, true).call(action, data);
    }

    /**
     * Tracks stored content with the real File API ({@code files_file_register}): owned by alice,
     * or (owner {@code null}) by a public dataset, so anyone may read it. Its mtime is set to
     * {@link #MTIME} so that Last-Modified is predictable.
     */
    static String register(String storage, FileData data, String name, String owner) {
        Map<String, Object> file = sudo("files_file_register", Map.of("storage", storage, "location", data.location().value(),
                "name", name, "owner_type", owner == null ? "package" : "user",
                "owner_id", owner == null ? publicDatasetId : aliceId));
        String id = (String) file.get("id");
        portal.portal().inTransaction(() -> portal.portal().transactions().em()
                .createQuery("update FileRecord f set f.mtime = :m where f.id = :id")
                .setParameter("m", MTIME).setParameter("id", id).executeUpdate());
        return id;
    }

    static FileData store(String storage, String location, byte[] content, String type) {
        ManagedStorage s = files.storages().get(storage);
        return s.uploader().upload(new Location(location), Upload.of(content, location, type), false);
    }

    static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    /** Every error: a JSON envelope with the status and type, nosniff, and nothing internal. */
    static Map<String, Object> assertError(Reply reply, int status, String type) {
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.header("Content-Disposition")).isNull();
        assertThat(reply.json()).containsEntry("success", false).containsKey("help");
        assertThat(reply.error()).containsEntry("__type", type).containsKey("message");
        assertThat(reply.text()).doesNotContain("Exception", "\tat ", "dev.portalkit.", "org.eclipse", "org.jboss");
        return reply.error();
    }

    // ---- 200, headers --------------------------------------------------------------------------

    @Test
    void wholeFileWithItsHeaders() throws Exception {
        Reply reply = http.get("files/download/" + csvId, "Authorization", ALICE_TOKEN);
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo(csv);
        assertThat(reply.header("Content-Length")).isEqualTo(Integer.toString(csv.length));
        assertThat(reply.header("Content-Type")).as("no charset the file does not declare").isEqualTo("text/csv");
        assertThat(reply.header("ETag")).isEqualTo("\"" + md5(csv) + "\"");
        assertThat(csvData.hash()).isEqualTo(md5(csv));
        assertThat(reply.header("Last-Modified")).isEqualTo(HTTP_DATE.format(MTIME.atZone(ZoneOffset.UTC)));
        assertThat(reply.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"donn_es 2024.csv\"; filename*=UTF-8''donn%C3%A9es%202024.csv");
        assertThat(reply.header("Content-Security-Policy")).isEqualTo("sandbox");
        assertThat(reply.header("Cache-Control")).isEqualTo("private, no-cache");

        Reply head = http.send("HEAD", "files/download/" + csvId, "Authorization", "Bearer " + ALICE_TOKEN);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(csv.length));
        assertThat(head.header("ETag")).isEqualTo(reply.header("ETag"));
    }

    @Test
    void inlineOrAttachmentByInlineContentTypes() throws Exception {
        byte[] png = pngBytes();
        byte[] pdf = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        FileData pngData = store("pub", "img/dot.png", png, "image/png");
        store("pub", "docs/paper.pdf", pdf, "application/pdf");
        store("pub", "docs/table.csv", csv, "text/csv");
        assertThat(pngData.contentType()).isEqualTo("image/png");

        // Default portal.files.inline_content_types = application/pdf image video
        Reply image = http.get("files/public-download/pub/img/dot.png");
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.body()).isEqualTo(png);
        assertThat(image.header("Content-Type")).isEqualTo("image/png");
        assertThat(image.header("Content-Disposition")).startsWith("inline; filename=\"dot.png\"");
        assertThat(image.header("Content-Security-Policy")).isEqualTo("sandbox");
        Reply paper = http.get("files/public-download/pub/docs/paper.pdf");
        assertThat(paper.header("Content-Type")).isEqualTo("application/pdf");
        assertThat(paper.header("Content-Disposition")).startsWith("inline;");
        assertThat(paper.header("Content-Security-Policy")).as("PDF viewers refuse sandboxing").isNull();
        Reply table = http.get("files/public-download/pub/docs/table.csv");
        assertThat(table.header("Content-Disposition")).startsWith("attachment; filename=\"table.csv\"");
        // Per call (CKAN's send_inline): ?inline=true / false overrides the type list; anything else is refused naming it.
        Reply shown = http.get("files/public-download/pub/docs/table.csv?inline=true");
        assertThat(shown.header("Content-Disposition")).startsWith("inline; filename=\"table.csv\"");
        assertThat(shown.header("Content-Security-Policy")).isEqualTo("sandbox");
        assertThat(http.get("files/public-download/pub/img/dot.png?inline=0").header("Content-Disposition"))
                .startsWith("attachment; filename=\"dot.png\"");
        Reply bad = http.get("files/public-download/pub/img/dot.png?inline=maybe");
        assertThat(bad.status()).isEqualTo(409);
        assertThat(bad.text()).contains("inline").doesNotContain("Exception");
        // The query is read as a query: encoded names and values, a later parameter, another's malformed value ignored.
        assertThat(http.get("files/public-download/pub/docs/table.csv?x=%E2%28&%69nline=tru%65").header("Content-Disposition"))
                .startsWith("inline;");
        assertThat(http.get("files/public-download/pub/img/dot.png?a=1&inline=false&inline=true").header("Content-Disposition"))
                .startsWith("attachment;");
        Reply malformed = http.get("files/public-download/pub/img/dot.png?inline=%E2%28");
        assertThat(malformed.status()).isEqualTo(409);
        assertThat(malformed.text()).contains("inline").doesNotContain("Exception");
        for (Reply r : List.of(image, paper, table)) {
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("ETag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
            assertThat(r.header("Last-Modified")).isNotNull();
            assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        }
    }

    // ---- ranges ---------------------------------------------------------------------------------

    @Test
    void singleRanges() {
        String path = "files/download/" + csvId;
        int n = csv.length;
        Reply first = http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=0-9");
        assertThat(first.status()).isEqualTo(206);
        assertThat(first.body()).isEqualTo(java.util.Arrays.copyOfRange(csv, 0, 10));
        assertThat(first.header("Content-Range")).isEqualTo("bytes 0-9/" + n);
        assertThat(first.header("Content-Length")).isEqualTo("10");
        assertThat(first.header("ETag")).isNotNull();

        Reply suffix = http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=-5");
        assertThat(suffix.status()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(csv, n - 5, n));
        assertThat(suffix.header("Content-Range")).isEqualTo("bytes " + (n - 5) + "-" + (n - 1) + "/" + n);

        Reply open = http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=100-");
        assertThat(open.body()).isEqualTo(java.util.Arrays.copyOfRange(csv, 100, n));
        Reply clipped = http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=100-999999999");
        assertThat(clipped.header("Content-Range")).isEqualTo("bytes 100-" + (n - 1) + "/" + n);

        // Several ranges and other units: the whole file (RFC 9110 lets a server ignore Range).
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=0-1,5-6").status()).isEqualTo(200);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "Range", "rows=1-2").status()).isEqualTo(200);

        // If-Range: the range only while the file is the one the client has.
        String etag = first.header("ETag");
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=0-9", "If-Range", etag).status()).isEqualTo(206);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=0-9", "If-Range", "\"other\"").status())
                .isEqualTo(200);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "Range", "bytes=0-9", "If-Range",
                first.header("Last-Modified")).status()).isEqualTo(206);
    }

    @Test
    void badOrUnsatisfiableRangesAre416() {
        String path = "files/download/" + csvId;
        for (String range : List.of("bytes=abc", "bytes=9-3", "bytes=" + csv.length + "-", "bytes=-0", "bytes", "bytes=--1",
                "bytes=99999999999999999999-")) {
            Reply reply = http.get(path, "Authorization", ALICE_TOKEN, "Range", range);
            assertError(reply, 416, "Range Not Satisfiable Error");
            assertThat(reply.header("Content-Range")).as(range).isEqualTo("bytes */" + csv.length);
        }
    }

    @Test
    void rangesFromAStreamingStorage() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 11];
        new Random(3).nextBytes(content);
        FileData data = store("pubmem", "blob.bin", content, "application/octet-stream");
        Reply whole = http.get("files/public-download/pubmem/blob.bin");
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(content);
        assertThat(whole.header("ETag")).as("analyze gives the hash").isEqualTo("\"" + data.hash() + "\"");
        Reply part = http.get("files/public-download/pubmem/blob.bin", "Range", "bytes=2000000-2000099");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 2_000_000, 2_000_100));
        assertThat(http.get("files/public-download/pubmem/missing.bin").status()).isEqualTo(404);
    }

    // ---- validators -----------------------------------------------------------------------------

    @Test
    void notModified() {
        String path = "files/download/" + csvId;
        Reply first = http.get(path, "Authorization", ALICE_TOKEN);
        String etag = first.header("ETag");
        Reply same = http.get(path, "Authorization", ALICE_TOKEN, "If-None-Match", etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.header("ETag")).isEqualTo(etag);
        assertThat(same.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-None-Match", "\"x\", W/" + etag).status()).isEqualTo(304);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-None-Match", "*").status()).isEqualTo(304);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-None-Match", "\"other\"").status()).isEqualTo(200);

        String later = HTTP_DATE.format(ZonedDateTime.ofInstant(MTIME.plusSeconds(60), ZoneOffset.UTC));
        String earlier = HTTP_DATE.format(ZonedDateTime.ofInstant(MTIME.minusSeconds(60), ZoneOffset.UTC));
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-Modified-Since", later).status()).isEqualTo(304);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-Modified-Since", first.header("Last-Modified")).status())
                .isEqualTo(304);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-Modified-Since", earlier).status()).isEqualTo(200);
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-Modified-Since", "yesterday").status()).isEqualTo(200);
        // If-None-Match wins over If-Modified-Since.
        assertThat(http.get(path, "Authorization", ALICE_TOKEN, "If-None-Match", "\"other\"", "If-Modified-Since", later)
                .status()).isEqualTo(200);
    }

    // ---- who may download -----------------------------------------------------------------------

    @Test
    void permissionDeniedAndNotFoundAreEnvelopes() {
        String path = "files/download/" + csvId;
        assertThat(assertError(http.get(path), 403, "Authorization Error").get("message"))
                .isEqualTo("Anonymous user is not authorized to download file " + csvId);
        assertError(http.get(path, "Authorization", "not-a-token"), 403, "Authorization Error");
        assertThat(http.get(path, "Authorization", SYSADMIN_TOKEN).status()).isEqualTo(200);
        assertError(http.get("files/download/no-such-file", "Authorization", ALICE_TOKEN), 404, "Not Found Error");
        Reply head = http.send("HEAD", path);
        assertThat(head.status()).isEqualTo(403);
        assertThat(head.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void publicDownloadOnlyFromPublicStorages() {
        byte[] secret = "not for everyone".getBytes(StandardCharsets.UTF_8);
        store("private", "same.txt", secret, "text/plain");
        store("pub", "same.txt", "for everyone".getBytes(StandardCharsets.UTF_8), "text/plain");
        Reply pub = http.get("files/public-download/pub/same.txt");
        assertThat(pub.status()).isEqualTo(200);
        assertThat(pub.text()).isEqualTo("for everyone");
        Reply priv = http.get("files/public-download/private/same.txt");
        Reply none = http.get("files/public-download/nothing/same.txt");
        assertThat(assertError(priv, 404, "Not Found Error").get("message")).isEqualTo("Not found");
        assertThat(assertError(none, 404, "Not Found Error")).isEqualTo(priv.error());
        assertError(http.get("files/public-download/pub/missing.txt"), 404, "Not Found Error");
        assertError(http.get("files/public-download/pub"), 404, "Not Found Error");
    }

    @Test
    void traversalIsRefused() throws IOException {
        Path sibling = root.resolve("pub-secret");
        Files.createDirectories(sibling);
        Files.writeString(sibling.resolve("key.txt"), "SECRET-KEY");
        Files.writeString(root.resolve("top.txt"), "SECRET-TOP");
        for (String path : List.of(
                "files/public-download/pub/..%2Fpub-secret%2Fkey.txt",
                "files/public-download/pub/%2e%2e/pub-secret/key.txt",
                "files/public-download/pub/../pub-secret/key.txt",
                "files/public-download/pub/..%5Cpub-secret%5Ckey.txt",
                "files/public-download/pub/%2Fetc%2Fpasswd",
                "files/public-download/pub//etc/passwd",
                "files/public-download/pub/.portalkit/tmp/x",
                "files/public-download/pub/a%00b",
                "files/public-download/pub/%E9t%E9",
                "files/public-download/pub/..")) {
            Reply reply = http.get(path);
            assertThat(reply.status()).as(path).isIn(400, 404);
            assertThat(reply.text()).as(path).doesNotContain("SECRET");
            assertThat(reply.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        }
    }

    @Test
    void otherMethodsAndRoutes() {
        Reply post = http.send("POST", "files/download/" + csvId);
        assertError(post, 405, "Method Not Allowed Error");
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertError(http.get("files/nothing/here"), 404, "Not Found Error");
        assertError(http.get("files/download/" + csvId + "/extra"), 404, "Not Found Error");
    }

    @Test
    void missingContentIs404() {
        FileData gone = store("private", "gone.txt", "soon gone".getBytes(StandardCharsets.UTF_8), "text/plain");
        String id = register("private", gone, "gone.txt", null);
        assertThat(http.get("files/download/" + id).status()).isEqualTo(200);
        files.storages().get("private").manager().remove(gone);
        assertError(http.get("files/download/" + id), 404, "Not Found Error");
    }

    // ---- deliveries -----------------------------------------------------------------------------

    @Test
    void redirectAndInternalRedirect() {
        FileData r = store("redirect", "reports/q3.pdf", "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII), "application/pdf");
        String id = register("redirect", r, "Q3 report.pdf", "alice");
        Reply redirect = http.get("files/download/" + id, "Authorization", ALICE_TOKEN);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo(DeliveryTestPlugin.CDN + "reports/q3.pdf?ttl=60&filename=Q3+report.pdf");
        assertThat(redirect.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(redirect.body()).isEmpty();
        assertError(http.get("files/download/" + id), 403, "Authorization Error");
        assertThat(http.get("files/public-download/redirect/reports/q3.pdf").status()).isEqualTo(302);

        FileData i = store("internal", "big/archive.zip", new byte[] {1, 2, 3}, "application/zip");
        String internalId = register("internal", i, "archive.zip", "alice");
        Reply internal = http.get("files/download/" + internalId, "Authorization", ALICE_TOKEN);
        assertThat(internal.status()).isEqualTo(200);
        assertThat(internal.header("X-Accel-Redirect")).isEqualTo("/internal/big/archive.zip");
        assertThat(internal.header("Content-Disposition")).startsWith("attachment; filename=\"archive.zip\"");
        assertThat(internal.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(internal.body()).isEmpty();
        assertError(http.get("files/public-download/internal/big/archive.zip"), 404, "Not Found Error");
    }

    // ---- links ----------------------------------------------------------------------------------

    private static String path(URI link) {
        assertThat(link.toString()).startsWith("http://localhost:5000/files/link/");
        return link.getRawPath().substring(1);
    }

    @Test
    void theFileApiMakesLinksThatTheRoutesServe() {
        ActionContext alice = portal.portal().context(java.util.Optional.of(new dev.portalkit.api.action.UserRef(aliceId, "alice", false)), false);
        for (String type : List.of("temporal", "permanent", "one_time")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> link = (Map<String, Object>) alice.call("files_file_link", Map.of("id", csvId, "type", type, "duration", "PT10M"));
            String route = path(URI.create((String) link.get("url")));
            Reply reply = http.get(route);
            assertThat(reply.status()).as(type + ": " + reply.text()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo(csv);
            if (type.equals("one_time")) {
                assertError(http.get(route), 403, "Authorization Error");
            }
        }
    }

    @Test
    void temporalLinks() {
        DownloadLinks links = files.downloadLinks();
        String link = path(links.temporal(csvId, Duration.ofHours(1)));
        Reply ok = http.get(link);
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(csv);
        assertThat(ok.header("Content-Disposition")).contains("donn%C3%A9es%202024.csv");
        assertThat(http.get(link).status()).as("usable again until it expires").isEqualTo(200);
        assertThat(http.get(link, "Range", "bytes=0-4").status()).isEqualTo(206);

        String token = link.substring(DownloadLinks.ROUTE.length());
        String[] parts = token.split("\\.");
        String otherFile = register("private", store("private", "tables/other.csv", csv, "text/csv"), "other.csv", "alice");
        String otherId = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(otherFile.getBytes(StandardCharsets.UTF_8));
        // t.<file id>.<maker>.<generation>.<expiry>.<signature>: every part is signed.
        assertThat(parts).hasSize(6);
        String someone = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(aliceId.getBytes(StandardCharsets.UTF_8));
        List<String> tampered = List.of(
                String.join(".", parts[0], otherId, parts[2], parts[3], parts[4], parts[5]),
                String.join(".", parts[0], parts[1], someone, parts[3], parts[4], parts[5]),
                String.join(".", parts[0], parts[1], parts[2], "7", parts[4], parts[5]),
                String.join(".", parts[0], parts[1], parts[2], parts[3], String.valueOf(Long.parseLong(parts[4]) + 3600), parts[5]),
                String.join(".", parts[0], parts[1], parts[2], parts[3], parts[4], flip(parts[5])),
                String.join(".", "p", parts[1], parts[2], parts[3], parts[5]),
                // the form before links recorded their maker
                String.join(".", parts[0], parts[1], parts[4], parts[5]),
                token + "x", "t.x.y.z", "nonsense", "o." + "A".repeat(43));
        for (String bad : tampered) {
            assertThat(assertError(http.get(DownloadLinks.ROUTE + bad), 403, "Authorization Error").get("message")).as(bad)
                    .isEqualTo("This download link is not valid");
        }
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        try {
            assertThat(assertError(http.get(link), 403, "Authorization Error").get("message"))
                    .isEqualTo("This download link has expired");
        } finally {
            clock.advance(Duration.ofHours(-1).minusSeconds(1));
        }
    }

    @Test
    void permanentLinks() {
        String link = path(files.downloadLinks().permanent(csvId));
        clock.advance(Duration.ofDays(3650));
        try {
            Reply reply = http.get(link);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo(csv);
            assertThat(reply.header("Cache-Control")).isEqualTo("private, no-cache");
        } finally {
            clock.advance(Duration.ofDays(-3650));
        }
        String unknown = path(files.downloadLinks().permanent("no-such-file"));
        assertError(http.get(unknown), 404, "Not Found Error");
    }

    @Test
    void oneTimeLinks() {
        String link = path(files.downloadLinks().oneTime(csvId, Duration.ofMinutes(10)));
        Reply head = http.send("HEAD", link);
        assertThat(head.status()).as("HEAD does not use it up").isEqualTo(200);
        Reply first = http.get(link);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(csv);
        assertThat(first.header("Cache-Control")).isEqualTo("private, no-store");
        assertThat(assertError(http.get(link), 403, "Authorization Error").get("message"))
                .isEqualTo("This one-time download link was used already");

        String expiring = path(files.downloadLinks().oneTime(csvId, Duration.ofMinutes(10)));
        clock.advance(Duration.ofMinutes(11));
        try {
            assertThat(assertError(http.get(expiring), 403, "Authorization Error").get("message"))
                    .isEqualTo("This download link has expired");
        } finally {
            clock.advance(Duration.ofMinutes(-11));
        }

        // A link to a file that is gone is not used up by the 404.
        FileData gone = store("private", "one-time-gone.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        String goneId = register("private", gone, "x.txt", null);
        String goneLink = path(files.downloadLinks().oneTime(goneId, Duration.ofMinutes(10)));
        files.storages().get("private").manager().remove(gone);
        assertError(http.get(goneLink), 404, "Not Found Error");
        store("private", "one-time-gone.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(http.get(goneLink).status()).isEqualTo(200);
    }

    @Test
    void oneTimeLinkUsedConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String link = path(files.downloadLinks().oneTime(csvId, Duration.ofMinutes(10)));
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    answers.add(pool.submit(() -> {
                        together.await();
                        return http.get(link).status();
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : answers) {
                    statuses.add(f.get());
                }
                assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(200, 403);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- big files ------------------------------------------------------------------------------

    /**
     * 2 GiB + 7 bytes, stored through the managed fs storage and downloaded whole and by range
     * (the off-heap path): bytes and MD5 checked, no timing.
     */
    @Test
    void multiGibDownloadStreams() throws Exception {
        long size = 2L * 1024 * 1024 * 1024 + 7;
        MessageDigest generated = MessageDigest.getInstance("MD5");
        FileData data;
        try (InputStream content = new DigestInputStream(new GeneratedContent(size), generated)) {
            data = files.storages().get("private").uploader().upload(new Location("big/2g.bin"),
                    Upload.of(content, "2g.bin", "application/octet-stream", size), false);
        }
        String expected = HexFormat.of().formatHex(generated.digest());
        assertThat(data.size()).isEqualTo(size);
        assertThat(data.hash()).isEqualTo(expected);
        String id = register("private", data, "2g.bin", "alice");

        HttpResponse<InputStream> response = http.stream("files/download/" + id, "Authorization", ALICE_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).contains(Long.toString(size));
        MessageDigest received = MessageDigest.getInstance("MD5");
        long count;
        try (InputStream in = response.body()) {
            count = drain(in, received);
        }
        assertThat(count).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(expected);

        // The last 10 bytes, past the 2 GiB mark.
        Reply tail = http.get("files/download/" + id, "Authorization", ALICE_TOKEN, "Range", "bytes=-10");
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.header("Content-Range")).isEqualTo("bytes " + (size - 10) + "-" + (size - 1) + "/" + size);
        byte[] expectedTail = new byte[10];
        try (InputStream all = new GeneratedContent(size)) {
            all.skipNBytes(size - 10);
            all.readNBytes(expectedTail, 0, 10);
        }
        assertThat(tail.body()).isEqualTo(expectedTail);

        // A megabyte across the 1 GiB mark (sent with sendfile from an offset), on the same connection.
        long from = (1L << 30) - 300_000;
        Reply middle = http.get("files/download/" + id, "Authorization", ALICE_TOKEN, "Range",
                "bytes=" + from + "-" + (from + 999_999));
        assertThat(middle.status()).isEqualTo(206);
        byte[] expectedMiddle = new byte[1_000_000];
        try (InputStream all = new GeneratedContent(size)) {
            all.skipNBytes(from);
            all.readNBytes(expectedMiddle, 0, expectedMiddle.length);
        }
        assertThat(middle.body()).isEqualTo(expectedMiddle);
        files.storages().get("private").manager().remove(data);
    }

    /** Each way the standalone server can hand Jetty a local file sends the same bytes (whole and ranges). */
    @Test
    void everySendingModeSendsTheSameBytes() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(9).nextBytes(content);
        FileData data = store("pub", "modes/blob.bin", content, "application/octet-stream");
        assertThat(data.size()).isEqualTo(content.length);
        String property = "portalkit.download.local_files";
        for (String mode : List.of("sendfile", "direct", "mapped", "buffered")) {
            System.setProperty(property, mode);
            try (PortalServer other = PortalServer.start(portal.container())) {
                HttpProbe probe = new HttpProbe(other.uri());
                for (int i = 0; i < 2; i++) { // twice: the connection is kept alive and reused
                    Reply whole = probe.get("files/public-download/pub/modes/blob.bin");
                    assertThat(whole.status()).as(mode).isEqualTo(200);
                    assertThat(whole.body()).as(mode).isEqualTo(content);
                }
                Reply big = probe.get("files/public-download/pub/modes/blob.bin", "Range", "bytes=1000-2000999");
                assertThat(big.body()).as(mode).isEqualTo(java.util.Arrays.copyOfRange(content, 1000, 2_001_000));
                Reply small = probe.get("files/public-download/pub/modes/blob.bin", "Range", "bytes=-100");
                assertThat(small.body()).as(mode).isEqualTo(java.util.Arrays.copyOfRange(content, content.length - 100,
                        content.length));
            } finally {
                System.clearProperty(property);
            }
        }
    }

    private static long drain(InputStream in, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** {@code size} bytes: 1 MiB random blocks, each stamped with its number (so no two blocks are alike). */
    static final class GeneratedContent extends InputStream {
        private static final byte[] BLOCK = new byte[1 << 20];

        static {
            new Random(42).nextBytes(BLOCK);
        }

        private final long size;
        private long position;

        GeneratedContent(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int inBlock = (int) (position % BLOCK.length);
            int n = (int) Math.min(Math.min(len, BLOCK.length - inBlock), size - position);
            System.arraycopy(BLOCK, inBlock, b, off, n);
            long blockNumber = position / BLOCK.length;
            for (int i = 0; i < n; i++) {
                int at = inBlock + i;
                if (at < 8) {
                    b[off + i] = (byte) (blockNumber >>> (8 * at));
                }
            }
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.min(n, size - position);
            position += skipped;
            return skipped;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String flip(String signature) {
        char c = signature.charAt(5);
        return signature.substring(0, 5) + (c == 'A' ? 'B' : 'A') + signature.substring(6);
    }

    /** A 1x1 PNG. */
    private static byte[] pngBytes() {
        return HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                + "0000000d49444154789c6360000002000154a24f0a0000000049454e44ae426082");
    }
}
