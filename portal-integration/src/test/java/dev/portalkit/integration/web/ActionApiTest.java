package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The action API over HTTP on the standalone server (Jetty + RESTEasy), in process, on a free port,
 * with real users and API tokens (checked by the portal model's token authenticator).
 */
class ActionApiTest {
    static HttpPortal http;
    static ApiClient api;
    /** A plain user named alice, and a sysadmin. */
    static Account alice;
    static Account sysadmin;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder().plugins("example")
                .option(WebPlugin.MAX_BODY_SIZE, "64KiB")
                .option(WebPlugin.MAX_UPLOAD_SIZE, "4MiB"));
        api = http.api();
        alice = http.create("alice", false);
        sysadmin = http.create("sysadmin", true);
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void envelopeOfStatusShowWithTheChainedAction() {
        Reply reply = api.get("status_show", Map.of(), null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.json().keySet()).containsExactly("help", "success", "result");
        assertThat(reply.json().get("help")).isEqualTo(http.uri() + "api/3/action/help_show?name=status_show");
        assertThat(reply.success()).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) reply.result();
        assertThat(result).containsEntry("example_chained", true).containsEntry("extensions", List.of("example"));
        // The unversioned path answers the same.
        Reply plain = api.send("GET", "api/action/status_show", null, BodyPublishers.noBody());
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.result()).isEqualTo(result);
    }

    @Test
    void getWithQueryParameters() {
        assertThat(api.get("example_hello", Map.of("name", "Query"), null).result()).isEqualTo("Hello, Query!");
        assertThat(api.get("example_hello", Map.of(), null).result()).isEqualTo("Hello, world!");
    }

    @Test
    void postJsonAndForms() {
        assertThat(api.postJson("example_hello", "{\"name\": \"Json\"}", null).result()).isEqualTo("Hello, Json!");
        assertThat(api.postJson("example_hello", "", null).result()).isEqualTo("Hello, world!");
        // curl -d '{"name": ...}' sends JSON as a form; CKAN reads it as JSON.
        assertThat(api.post("example_hello", "application/x-www-form-urlencoded", BodyPublishers.ofString("{\"name\": \"Curl\"}"), null)
                .result()).isEqualTo("Hello, Curl!");
        assertThat(api.post("example_hello", "application/x-www-form-urlencoded", BodyPublishers.ofString("name=Form+%C3%A9"), null)
                .result()).isEqualTo("Hello, Form \u00e9!");
    }

    @Test
    void multipartWithTheFilePartFirst() throws Exception {
        byte[] content = new byte[1_500_000];
        new Random(7).nextBytes(content);
        Path file = Files.createTempFile("upload", ".bin");
        Files.write(file, content);
        try {
            Reply reply = api.multipart("example_upload_digest", new ApiClient.Multipart()
                    .file("upload", "r\u00e9sultats.bin", "application/x-test", file)
                    .field("package_id", "my-dataset")
                    .field("description", "the file part came first"), null);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.result()).isEqualTo(Map.of(
                    "filename", "r\u00e9sultats.bin",
                    "content_type", "application/x-test",
                    "size", content.length,
                    "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content))));
            // Text fields arrive as data, next to files.
            Reply hello = api.multipart("example_hello", new ApiClient.Multipart()
                    .file("upload", "a.txt", "text/plain", "ignored".getBytes()).field("name", "Multipart"), null);
            assertThat(hello.result()).isEqualTo("Hello, Multipart!");
        } finally {
            Files.delete(file);
        }
        assertNoSpooledFiles();
    }

    @Test
    void unknownActionAndRoutes() {
        assertThat(assertError(api.get("no_such_action", Map.of(), null), 404, "Not Found Error").get("message"))
                .isEqualTo("Action 'no_such_action' does not exist");
        assertError(api.postJson("no_such_action", "{}", null), 404, "Not Found Error");
        assertError(api.send("GET", "api/nothing/here", null, BodyPublishers.noBody()), 404, "Not Found Error");
        assertError(api.send("PUT", "api/action/status_show", "application/json", BodyPublishers.ofString("{}")), 405,
                "Method Not Allowed Error");
    }

    @Test
    void malformedJsonAndNonObjects() {
        assertError(api.postJson("example_hello", "{\"name\": ", null), 400, "Bad Request Error");
        assertThat(assertError(api.postJson("example_hello", "[1, 2]", null), 400, "Bad Request Error").get("message"))
                .isEqualTo("Request data JSON decoded to an array but it needs to be an object");
        assertError(api.postJson("example_hello", "\"text\"", null), 400, "Bad Request Error");
    }

    @Test
    void unsupportedContentType() {
        assertError(api.post("example_hello", "text/csv", BodyPublishers.ofString("a,b\n1,2\n"), null), 415,
                "Unsupported Media Type Error");
        assertError(api.post("example_hello", "multipart/form-data", BodyPublishers.ofString("x"), null), 400,
                "Bad Request Error");
    }

    @Test
    void bodiesOverTheLimitAreRefusedBeforeAnythingRuns() throws IOException {
        int before = notes();
        String big = "{\"body\": \"" + "x".repeat(70 * 1024) + "\"}";
        assertError(api.postJson("example_note_add", big, alice.token()), 413, "Too Large Error");
        byte[] file = new byte[5 * 1024 * 1024];
        assertError(api.multipart("example_upload_digest", new ApiClient.Multipart()
                .file("upload", "big.bin", "application/octet-stream", file), null), 413, "Too Large Error");
        assertError(api.multipart("example_note_add", new ApiClient.Multipart()
                .field("body", "y".repeat(70 * 1024)), alice.token()), 413, "Too Large Error");
        assertThat(notes()).isEqualTo(before);
        assertNoSpooledFiles();
    }

    @Test
    void tokens() {
        int before = notes();
        Map<String, Object> error = assertError(api.postJson("example_note_add", "{\"body\": \"x\"}", null), 403, "Authorization Error");
        assertThat(error.get("message")).isEqualTo("You must be logged in to add a note");
        assertError(api.post("example_note_add", "application/json", BodyPublishers.ofString("{\"body\": \"x\"}"), "not-a-token"),
                403, "Authorization Error");
        assertError(api.post("example_note_add", "application/json", BodyPublishers.ofString("{\"body\": \"x\"}"), "Bearer nope"),
                403, "Authorization Error");
        assertThat(notes()).isEqualTo(before);
        Reply added = api.postJson("example_note_add", "{\"body\": \"from alice\", \"audits\": 0}", alice.bearer());
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> note = (Map<String, Object>) added.result();
        assertThat(note).containsEntry("author", "alice");
        assertThat(notes()).isEqualTo(before + 1);
    }

    @Test
    void authOverrideOfThePlugin() {
        assertThat(api.get("config_option_show", Map.of("key", "portal.example.greeting"), null).result()).isEqualTo("Hello");
        assertError(api.get("config_option_show", Map.of("key", "portal.db.url"), null), 403, "Authorization Error");
        assertThat(api.get("config_option_show", Map.of("key", "portal.http.max_body_size"), sysadmin.token()).result())
                .isEqualTo("64KiB");
        // The sysadmin flag comes from the token's user in the database: alice is none.
        assertError(api.get("config_option_show", Map.of("key", "portal.http.max_body_size"), alice.token()), 403,
                "Authorization Error");
    }

    @Test
    void validationErrorsCarryTheFields() {
        Map<String, Object> error = assertError(api.postJson("example_upload_digest", "{}", null), 409, "Validation Error");
        assertThat(error).containsEntry("upload", List.of("Missing value"));
        error = assertError(api.postJson("example_note_add", "{\"body\": \"\"}", alice.token()), 409, "Validation Error");
        assertThat(error).containsKey("body");
        error = assertError(api.postJson("example_upload_digest", "{\"upload\": \"not a file\"}", null), 409, "Validation Error");
        assertThat(error).containsEntry("upload", List.of("Must be an uploaded file"));
    }

    private static int notes() {
        Reply reply = api.get("example_note_list", Map.of(), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return ((List<?>) reply.result()).size();
    }

    private static void assertNoSpooledFiles() {
        Path tmp = http.portal().portal().dataDirectory().resolve("tmp");
        if (Files.isDirectory(tmp)) {
            assertThat(tmp.toFile().list()).isEmpty();
        }
    }
}
