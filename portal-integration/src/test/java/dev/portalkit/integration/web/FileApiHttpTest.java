package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.standalone.PortalServer;
import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.Spools;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's {@code ckanapi action files_file_create name=hello.txt upload@/tmp/myfile.txt} over
 * HTTP: a multipart form with the file part first, real users and API tokens; then the
 * multipart-upload actions with their text fields, and the File API's field errors.
 */
class FileApiHttpTest {
    static TestPortal portal;
    static PortalServer server;
    static ApiClient api;
    static String adminToken;
    static String userToken;
    static Path roomy;

    @BeforeAll
    static void start() throws Exception {
        Path storage = Files.createTempDirectory("http-files-");
        roomy = Files.createTempDirectory("http-files-roomy-");
        portal = TestPortal.builder()
                .option(WebPlugin.HTTP_PORT, "0")
                .option("portal.auth.password_iterations", "1000")
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.toString())
                .option("portal.files.storage.default.max_size", "1MiB")
                .option("portal.files.storage.roomy.type", "files:fs")
                .option("portal.files.storage.roomy.path", roomy.toString())
                .start();
        server = PortalServer.start(portal.container());
        api = new ApiClient(server.uri());
        for (String name : List.of("admin", "user")) {
            portal.call("user_create", TestPortal.SYSADMIN, Map.of("name", name, "email", name + "@example.org",
                    "password", "correct horse battery", "sysadmin", name.equals("admin")));
            String token = token(name);
            if (name.equals("admin")) {
                adminToken = token;
            } else {
                userToken = token;
            }
        }
    }

    /**
     * A token for the user: the fixed test tokens while the {@code TestTokens} alternative is on the
     * class path (it overrides the model's authenticator), else a real one from api_token_create.
     */
    @SuppressWarnings("unchecked")
    private static String token(String user) throws Exception {
        try {
            Class<?> fixed = Class.forName("dev.portalkit.integration.testing.TestTokens");
            return (String) fixed.getField(user.equals("admin") ? "SYSADMIN" : "ALICE").get(null);
        } catch (ClassNotFoundException e) {
            Map<String, Object> token = (Map<String, Object>) portal.call("api_token_create", TestPortal.SYSADMIN,
                    Map.of("user", user, "name", "test"));
            return (String) token.get("token");
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

    @Test
    @SuppressWarnings("unchecked")
    void createWithTheFilePartFirstThenShowAndDelete() {
        Reply created = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "myfile.txt", "text/plain", "hello world".getBytes(StandardCharsets.UTF_8))
                .field("name", "hello.txt"), adminToken);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        Map<String, Object> file = (Map<String, Object>) created.result();
        assertThat(file).containsEntry("name", "hello.txt").containsEntry("size", 11).containsEntry("content_type", "text/plain")
                .containsEntry("hash", "5eb63bbbe01eeed093cb22bb8f5acdc3").containsEntry("storage", "default").containsEntry("owner_type", "user");
        Reply shown = api.postJson("files_file_show", "{\"id\": \"" + file.get("id") + "\"}", adminToken);
        assertThat(shown.result()).isEqualTo(file);
        Reply refused = api.postJson("files_file_show", "{\"id\": \"" + file.get("id") + "\"}", userToken);
        assertThat(refused.status()).isEqualTo(403);
        Reply deleted = api.postJson("files_file_delete", "{\"id\": \"" + file.get("id") + "\"}", adminToken);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(api.postJson("files_file_show", "{\"id\": \"" + file.get("id") + "\"}", adminToken).status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void multipartUploadThroughForms() {
        Reply started = api.postJson("files_multipart_start", "{\"name\": \"parts.txt\", \"size\": 10}", adminToken);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        Object id = ((Map<String, Object>) started.result()).get("id");
        for (int part = 1; part <= 2; part++) {
            Reply sent = api.multipart("files_multipart_update", new ApiClient.Multipart()
                    .file("upload", "blob", "application/octet-stream", (part == 1 ? "01234" : "56789").getBytes(StandardCharsets.UTF_8))
                    .field("id", String.valueOf(id)).field("part", String.valueOf(part)), adminToken);
            assertThat(sent.status()).as(sent.body()).isEqualTo(200);
        }
        Reply done = api.postJson("files_multipart_complete", "{\"id\": \"" + id + "\"}", adminToken);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat((Map<String, Object>) done.result()).containsEntry("size", 10).containsEntry("name", "parts.txt");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLargeUploadIsStoredInOnePassAndLeavesNoSpool() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 11];
        new java.util.Random(4).nextBytes(content);
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(content));
        Reply created = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "big.bin", "application/octet-stream", content).field("name", "one-pass.bin")
                .field("storage", "roomy"), adminToken);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        Map<String, Object> file = (Map<String, Object>) created.result();
        assertThat(file).containsEntry("hash", md5).containsEntry("size", content.length).containsEntry("storage", "roomy");
        assertThat(Files.readAllBytes(roomy.resolve((String) file.get("location")))).isEqualTo(content);
        assertThat(Spools.in(portal.portal().dataDirectory())).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPartPastTheNamedStoragesLimitIsRefusedAndLeavesNothing() throws Exception {
        Reply tooLarge = api.multipart("files_file_create", new ApiClient.Multipart().field("storage", "default")
                .file("upload", "big.bin", "application/octet-stream", new byte[1_100_000]).field("name", "refused.bin"), adminToken);
        assertThat(tooLarge.status()).as(tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.error()).containsKey("upload");
        assertThat(tooLarge.error().get("message").toString()).contains("1048576 bytes of storage default");
        assertThat(Spools.in(portal.portal().dataDirectory())).isEmpty();
        Reply search = api.postJson("files_file_search", "{\"name\": \"refused.bin\"}", adminToken);
        assertThat(search.status()).as(search.body()).isEqualTo(200);
        assertThat((Map<String, Object>) search.result()).containsEntry("count", 0);
    }

    @Test
    void errorsNameTheField() {
        Reply traversal = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "x.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)).field("name", "../../etc/passwd"), adminToken);
        assertThat(traversal.status()).isEqualTo(409);
        assertThat(traversal.error()).containsEntry("__type", "Validation Error").containsKey("name");
        Reply tooLarge = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "big.bin", "application/octet-stream", new byte[1_100_000]).field("name", "big.bin"), adminToken);
        assertThat(tooLarge.status()).as(tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.error()).containsKey("upload");
        Reply forbidden = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "x.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8)), userToken);
        assertThat(forbidden.status()).isEqualTo(403);
        Reply missing = api.postJson("files_file_show", "{\"id\": \"no-such-file\"}", adminToken);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).containsKey("id");
    }
}
