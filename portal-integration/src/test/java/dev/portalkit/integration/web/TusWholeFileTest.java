package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.runtime.testing.TestPortal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * tus into a storage without multipart uploads (the example plugin's one-class adapter,
 * {@code files:example_gzip}): the bytes wait in the database until the last one, across a restart
 * of the portal, and the file is then made of them in one piece.
 */
class TusWholeFileTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> send(URI base, String method, String path, String token, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).header("Tus-Resumable", "1.0.0")
                .header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static String token(TestPortal portal) {
        try {
            portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", "admin", "email", "admin@example.org",
                    "password", "correct horse battery", "sysadmin", true));
        } catch (RuntimeException exists) {
            // after the restart
        }
        return (String) ((Map<String, Object>) portal.call("api_token_create", TestPortal.SYSADMIN, Map.of("user", "admin", "name", "t")))
                .get("token");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBytesWaitInTheDatabaseUntilTheLastAndBecomeOneFile() throws Exception {
        Path tmp = Files.createTempDirectory("tus-whole-");
        TestPortal.Builder builder = TestPortal.builder().dataDir(tmp.resolve("data")).plugins("example")
                .option(WebPlugin.HTTP_PORT, "0").option("portal.auth.password_iterations", "1000")
                .option("portal.files.storage.archive.type", "files:example_gzip")
                .option("portal.files.storage.archive.path", tmp.resolve("archive").toString())
                .option("portal.files.storage.archive.initialize", "true");
        byte[] content = new byte[3 * 1024 * 1024 + 77];
        new Random(5).nextBytes(content);
        String path;
        TestPortal portal = builder.start();
        try (PortalServer server = PortalServer.start(portal.container())) {
            String token = token(portal);
            HttpResponse<String> created = send(server.uri(), "POST", "/files/tus", token, Map.of("Upload-Length", Integer.toString(content.length),
                    "Upload-Metadata", "filename " + Base64.getEncoder().encodeToString("archived.bin".getBytes(StandardCharsets.UTF_8))
                            + ",storage " + Base64.getEncoder().encodeToString("archive".getBytes(StandardCharsets.UTF_8))), null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            path = created.headers().firstValue("Location").orElseThrow();
            int[] cuts = {5000, 1024 * 1024};
            int offset = 0;
            for (int cut : cuts) {
                HttpResponse<String> patched = send(server.uri(), "PATCH", path, token, Map.of("Upload-Offset", Integer.toString(offset),
                        "Content-Type", "application/offset+octet-stream"), Arrays.copyOfRange(content, offset, cut));
                assertThat(patched.statusCode()).as(patched.body()).isEqualTo(204);
                offset = cut;
            }
            assertThat(portal.call("files_file_search", TestPortal.SYSADMIN, Map.of("name", "archived.bin")).toString()).contains("count=0");
        } finally {
            portal.close();
        }
        TestPortal restarted = builder.start();
        try (PortalServer server = PortalServer.start(restarted.container())) {
            String token = token(restarted);
            HttpResponse<String> head = send(server.uri(), "HEAD", path, token, Map.of(), null);
            assertThat(head.headers().firstValue("Upload-Offset")).contains(Integer.toString(1024 * 1024));
            HttpResponse<String> last = send(server.uri(), "PATCH", path, token, Map.of("Upload-Offset", Integer.toString(1024 * 1024),
                    "Content-Type", "application/offset+octet-stream"), Arrays.copyOfRange(content, 1024 * 1024, content.length));
            assertThat(last.statusCode()).as(last.body()).isEqualTo(204);
            String id = last.headers().firstValue(TusServlet.FILE_ID).orElseThrow();
            Map<String, Object> file = (Map<String, Object>) restarted.call("files_file_show", TestPortal.SYSADMIN, Map.of("id", id));
            assertThat(file).containsEntry("storage", "archive").containsEntry("size", (long) content.length)
                    .containsEntry("hash", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
            HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/files/download/" + id))
                    .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(Arrays.equals(download.body(), content)).isTrue();
            long chunks = restarted.portal().inTransaction(() -> ((Number) restarted.portal().transactions().em()
                    .createNativeQuery("SELECT COUNT(*) FROM files_resumable_chunk").getSingleResult()).longValue());
            assertThat(chunks).isZero();
        } finally {
            restarted.close();
        }
    }
}
