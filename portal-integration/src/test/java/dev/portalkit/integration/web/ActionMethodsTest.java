package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.RawHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * State changes only by POST (#11, finding 11): {@code GET} and {@code HEAD} run only actions
 * marked side-effect free; any other action answers 405 with {@code Allow: POST} and the CKAN
 * error envelope, and nothing runs ({@code curl -I .../files_file_delete?id=...} deleted the file,
 * {@code api_token_create} by GET handed out a token). Every answer of the API, and the server's
 * own JSON error pages, carry {@code Cache-Control: no-store} and {@code X-Content-Type-Options: nosniff}.
 */
class ActionMethodsTest {
    static HttpPortal http;
    static ApiClient api;
    static HttpProbe probe;
    static HttpPortal.Account admin;

    @BeforeAll
    static void start() throws IOException {
        Path storage = Files.createTempDirectory("action-methods-");
        http = HttpPortal.start(HttpPortal.builder()
                .option("portal.files.storage.default.type", "files:fs")
                .option("portal.files.storage.default.path", storage.toString()));
        api = http.api();
        probe = new HttpProbe(http.uri());
        admin = http.newSysadmin("methods-admin");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void headAndGetDoNotDeleteAFile() {
        Reply created = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "keep.txt", "text/plain", "keep me".getBytes(StandardCharsets.UTF_8)), admin.token());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = (String) ((Map<String, Object>) created.result()).get("id");

        HttpProbe.Reply head = probe.send("HEAD", "api/action/files_file_delete?id=" + id, "Authorization", admin.token());
        assertThat(head.status()).isEqualTo(405);
        assertThat(head.header("Allow")).isEqualTo("POST");
        HttpProbe.Reply get = probe.get("api/3/action/files_file_delete?id=" + id, "Authorization", admin.token());
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
        assertThat(get.json()).containsEntry("success", false);
        assertThat(get.error()).containsEntry("__type", "Method Not Allowed Error");
        assertThat(get.error().get("message").toString()).contains("files_file_delete", "POST");
        assertNoStore(get);

        assertThat(api.call("files_file_show", Map.of("id", id), admin.token()).status()).as("the file is still there").isEqualTo(200);
        assertThat(api.call("files_file_delete", Map.of("id", id), admin.token()).status()).as("POST deletes it").isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void getDoesNotHandOutAToken() {
        HttpPortal.Account user = http.newUser("methods-user");
        int before = tokens(user);
        HttpProbe.Reply get = probe.get("api/action/api_token_create?user=" + user.name() + "&name="
                + URLEncoder.encode("by get", StandardCharsets.UTF_8), "Authorization", user.token());
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.text()).doesNotContain("\"token\"");
        assertThat(tokens(user)).isEqualTo(before);
    }

    @Test
    void readsStillAnswerGetAndHead() {
        HttpProbe.Reply get = probe.get("api/3/action/status_show");
        assertThat(get.status()).isEqualTo(200);
        assertNoStore(get);
        HttpProbe.Reply head = probe.send("HEAD", "api/3/action/package_search?q=x");
        assertThat(head.status()).isEqualTo(200);
        assertNoStore(head);
        String name = HttpPortal.unique("listed");
        String org = (String) http.sudo("organization_create", map("name", HttpPortal.unique("org"))).get("id");
        http.sudo("package_create", map("name", name, "owner_org", org));
        assertThat(api.get("package_show", Map.of("id", name), null).status()).isEqualTo(200);
    }

    @Test
    void everyApiAnswerIsNotStoredNorSniffed() {
        assertNoStore(probe.send("POST", "api/action/status_show"));
        assertNoStore(probe.get("api/action/no_such_action"));
        assertNoStore(probe.get("api/action/package_show?id=no-such-dataset"));
        assertNoStore(probe.get("api/action/status_show", "Authorization", "not-a-token"));
        assertNoStore(probe.get("no/such/route"));
        assertNoStore(probe.send("DELETE", "api/action/status_show"));
        HttpProbe.Reply success = probe.get("api/action/package_search");
        assertThat(success.status()).isEqualTo(200);
        assertNoStore(success);
    }

    @Test
    void theServersOwnErrorPagesAreNotStoredNorSniffed() {
        try (RawHttp c = RawHttp.connect(http.uri(), 20_000)) {
            c.send("GET /api/action/status_show HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n");
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.head().header("cache-control")).isEqualTo("no-store");
            assertThat(answer.head().header("x-content-type-options")).isEqualTo("nosniff");
            assertThat(answer.json()).containsEntry("success", false);
        }
    }

    private static void assertNoStore(HttpProbe.Reply reply) {
        assertThat(reply.header("Cache-Control")).as("Cache-Control of a " + reply.status()).isEqualTo("no-store");
        assertThat(reply.header("X-Content-Type-Options")).as("nosniff on a " + reply.status()).isEqualTo("nosniff");
    }

    @SuppressWarnings("unchecked")
    private static int tokens(HttpPortal.Account user) {
        return ((List<Object>) http.sudoCall("api_token_list", map("user", user.name()))).size();
    }
}
