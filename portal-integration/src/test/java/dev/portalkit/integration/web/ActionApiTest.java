package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertError;
import static dev.portalkit.integration.testing.ApiAssertions.assertInvalid;
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
        assertError(api.postAnsweredEarly("example_note_add", "application/json", BodyPublishers.ofString(big), alice.token()),
                413, "Too Large Error");
        byte[] file = new byte[5 * 1024 * 1024];
        ApiClient.Multipart upload = new ApiClient.Multipart().file("upload", "big.bin", "application/octet-stream", file);
        assertError(api.postAnsweredEarly("example_upload_digest", upload.contentType(), upload.publisher(), null), 413,
                "Too Large Error");
        ApiClient.Multipart fields = new ApiClient.Multipart().field("body", "y".repeat(70 * 1024));
        assertError(api.postAnsweredEarly("example_note_add", fields.contentType(), fields.publisher(), alice.token()), 413,
                "Too Large Error");
        assertThat(notes()).isEqualTo(before);
        // A dataset too big for the limit (as JSON, and as a form) is refused before the model sees it.
        Map<String, Object> org = newOrg();
        String name = HttpPortal.unique("huge");
        String json = "{\"name\": \"" + name + "\", \"owner_org\": \"" + org.get("id") + "\", \"notes\": \"" + "z".repeat(70 * 1024) + "\"}";
        assertError(api.postAnsweredEarly("package_create", "application/json", BodyPublishers.ofString(json), sysadmin.token()),
                413, "Too Large Error");
        assertError(api.postAnsweredEarly("package_create", "application/x-www-form-urlencoded", BodyPublishers.ofString("name="
                + name + "&owner_org=" + org.get("id") + "&notes=" + "z".repeat(70 * 1024)), sysadmin.token()), 413, "Too Large Error");
        assertNoDataset(name);
        assertNoSpooledFiles();
    }

    /** Bad dataset input over HTTP: refused with the right error, and nothing is created. */
    @Test
    void malformedOrWronglyTypedDatasetsCreateNothing() {
        Map<String, Object> org = newOrg();
        String name = HttpPortal.unique("typed");
        String orgId = (String) org.get("id");
        assertError(api.postJson("package_create", "{\"name\": \"" + name + "\", \"owner_org\": ", sysadmin.token()), 400,
                "Bad Request Error");
        assertError(api.postJson("package_create", "[{\"name\": \"" + name + "\"}]", sysadmin.token()), 400, "Bad Request Error");
        // A private flag that is no boolean must not quietly make the dataset public.
        assertThat(assertInvalid(api.call("package_create", HttpPortal.map("name", name, "owner_org", orgId, "private", Map.of()),
                sysadmin.token()), "private")).isEqualTo(List.of("Must be a boolean: true or false"));
        assertInvalid(api.call("package_create", HttpPortal.map("name", name, "owner_org", orgId, "private", List.of(true)),
                sysadmin.token()), "private");
        assertThat(assertInvalid(api.call("package_create", HttpPortal.map("name", List.of(name), "owner_org", orgId),
                sysadmin.token()), "name")).isEqualTo(List.of("Must be a string"));
        assertInvalid(api.call("package_create", HttpPortal.map("name", name, "owner_org", orgId, "title", Map.of("en", "Title")),
                sysadmin.token()), "title");
        assertInvalid(api.call("package_create", HttpPortal.map("name", name, "owner_org", orgId, "resources", "data.csv"),
                sysadmin.token()), "resources");
        assertInvalid(api.call("package_create", HttpPortal.map("name", name, "owner_org", orgId,
                "resources", List.of(HttpPortal.map("url", "http://example.org/a", "size", "huge"))), sysadmin.token()), "resources");
        assertInvalid(api.call("package_create", HttpPortal.map("name", name, "owner_org", orgId, "extras", Map.of("k", "v")),
                sysadmin.token()), "extras");
        // Missing fields: every one is named.
        Map<String, Object> missing = assertError(api.postJson("package_create", "{}", sysadmin.token()), 409, "Validation Error");
        assertThat(missing).containsEntry("name", List.of("Missing value")).containsKey("owner_org");
        assertNoDataset(name);

        // The same fields, well typed, as a form: created (form values are text).
        Reply created = api.post("package_create", "application/x-www-form-urlencoded",
                BodyPublishers.ofString("name=" + name + "&owner_org=" + org.get("name") + "&private=true"), sysadmin.token());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(http.sudo("package_show", HttpPortal.map("id", name))).containsEntry("private", true).containsEntry("owner_org", orgId);
    }

    /** The token of a deleted user authenticates no one: 403 before anything runs. */
    @Test
    void tokenOfADeletedUserRunsNothing() {
        Map<String, Object> org = newOrg();
        Account bob = http.newUser("bob");
        http.sudo("organization_member_create", HttpPortal.map("id", org.get("id"), "username", bob.name(), "role", "editor"));
        String name = HttpPortal.unique("by-bob");
        Map<String, Object> dataset = HttpPortal.map("name", name, "owner_org", org.get("id"));
        assertThat(api.call("user_update", HttpPortal.map("id", bob.id(), "fullname", "Bob"), bob.token()).status()).isEqualTo(200);

        assertThat(api.call("user_delete", HttpPortal.map("id", bob.name()), sysadmin.token()).status()).isEqualTo(200);
        for (Reply refused : List.of(
                api.call("package_create", dataset, bob.token()),
                api.call("user_update", HttpPortal.map("id", bob.id(), "fullname", "Ghost"), bob.bearer()),
                api.call("api_token_create", HttpPortal.map("user", bob.name(), "name", "again"), bob.token()),
                api.get("status_show", Map.of(), bob.token()))) {
            assertThat(assertError(refused, 403, "Authorization Error").get("message")).isEqualTo("Invalid API token");
        }
        assertNoDataset(name);
        assertThat(http.sudo("user_show", HttpPortal.map("id", bob.id()))).containsEntry("fullname", "Bob");
        assertThat((List<?>) http.sudoCall("api_token_list", HttpPortal.map("user_id", bob.id()))).hasSize(1);
    }

    /** A revoked token is refused before anything runs (even before the action is looked up); the others keep working. */
    @Test
    void revokedTokenRunsNothing() {
        Account carol = http.newUser("carol");
        String spare = http.newToken(carol.name());
        assertThat(api.call("user_update", HttpPortal.map("id", carol.id(), "fullname", "Carol"), spare).status()).isEqualTo(200);

        Reply revoked = api.call("api_token_revoke", HttpPortal.map("token", spare), carol.token());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        for (Reply refused : List.of(
                api.call("user_update", HttpPortal.map("id", carol.id(), "fullname", "Mallory"), spare),
                api.call("api_token_revoke", HttpPortal.map("token", carol.token()), "Bearer " + spare),
                api.call("no_such_action", Map.of(), spare))) {
            assertThat(assertError(refused, 403, "Authorization Error").get("message")).isEqualTo("Invalid API token");
        }
        assertThat(http.sudo("user_show", HttpPortal.map("id", carol.id()))).containsEntry("fullname", "Carol");
        // The other token still works: carol's own name and email come back.
        Reply shown = api.call("user_show", HttpPortal.map("id", carol.id()), carol.token());
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("email", carol.name() + "@example.org");
        assertError(api.call("no_such_action", Map.of(), carol.token()), 404, "Not Found Error");
    }

    @Test
    void tokens() {
        int before = notes();
        Map<String, Object> error = assertError(api.postJson("example_note_add", "{\"body\": \"x\"}", null), 403, "Authorization Error");
        assertThat(error.get("message")).isEqualTo("Anonymous user is not authorized to call example_note_add: it requires an authenticated user (send an API token)");
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

    /** A new organization (created in process), for datasets. */
    private static Map<String, Object> newOrg() {
        return http.sudo("organization_create", HttpPortal.map("name", HttpPortal.unique("org")));
    }

    private static void assertNoDataset(String name) {
        assertError(api.call("package_show", HttpPortal.map("id", name), sysadmin.token()), 404, "Not Found Error");
    }

    private static int notes() {
        Reply reply = api.get("example_note_list", Map.of(), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return ((List<?>) reply.result()).size();
    }

    /** No spool file in {@code <data-dir>/tmp} (the process's spool directory stays while it runs). */
    private static void assertNoSpooledFiles() {
        Path tmp = http.portal().portal().dataDirectory().resolve("tmp");
        if (Files.isDirectory(tmp)) {
            try (java.util.stream.Stream<Path> files = Files.walk(tmp)) {
                assertThat(files.filter(f -> f.getFileName().toString().endsWith(".part")).toList()).isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
