package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static dev.portalkit.integration.testing.HttpPortal.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import dev.portalkit.integration.testing.PageClient;
import dev.portalkit.integration.testing.PageClient.Answer;
import dev.portalkit.runtime.model.AuthenticationThrottle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pages over HTTP: who sees what (private datasets, edit pages, sysadmin pages), the session
 * (cookie flags, logout ends it on the server, throttled logins), CSRF on forms and on
 * cookie-authenticated API calls, the security headers, forms refused with their field errors,
 * and the example plugin's web extension points (template override with ckan_extends, helper,
 * field snippet, page, asset, trusted-header authenticator).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagesHttpTest {
    static final String PASSWORD = "correct horse battery";

    HttpPortal http;
    Account admin;
    Account editor;
    Account outsider;
    String org;
    String privateDataset;
    String publicDataset;

    @BeforeAll
    void start() {
        http = HttpPortal.start(HttpPortal.builder().plugins("example")
                .option("portal.example.trusted_user_header", "X-Remote-User")
                .option(AuthenticationThrottle.ACCOUNT_FAILURES, "3")
                // The test client stands for a TLS proxy in front of the portal (X-Forwarded-Proto is believed from it only).
                .option(WebPlugin.PROXY_ADDRESSES, "127.0.0.1"));
        admin = http.newSysadmin("page-admin");
        editor = http.newUser("page-editor");
        outsider = http.newUser("page-outsider");
        org = unique("page-org");
        http.sudo("organization_create", map("name", org, "title", "Page org"));
        http.sudo("organization_member_create", map("id", org, "username", editor.name(), "role", "editor"));
        privateDataset = unique("secret-data");
        http.sudo("package_create", map("name", privateDataset, "title", "Secret rivers", "owner_org", org, "private", true));
        publicDataset = unique("open-data");
        http.sudo("package_create", map("name", publicDataset, "title", "Open rivers", "owner_org", org, "notes", "Rivers <b>bold</b>"));
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    PageClient browser() {
        return new PageClient(http.uri());
    }

    @Test
    void pagesCarryTheSecurityHeadersAndEscapeWhatUsersTyped() {
        Answer home = browser().get("/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(home.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"));
        assertThat(home.header("X-Frame-Options")).contains("DENY");
        assertThat(home.header("X-Content-Type-Options")).contains("nosniff");
        Answer page = browser().get("/dataset/" + publicDataset);
        assertThat(page.body()).contains("Rivers &lt;b&gt;bold&lt;/b&gt;").doesNotContain("<b>bold</b>");
        assertThat(browser().get("/no/such/page").status()).isEqualTo(404);
    }

    @Test
    void privateDatasetsAreInvisibleToOutsidersAndShownToMembers() {
        PageClient anonymous = browser();
        assertThat(anonymous.get("/dataset/" + privateDataset).status()).isEqualTo(404);
        assertThat(anonymous.get("/dataset?q=rivers").body()).contains(publicDataset).doesNotContain(privateDataset);
        PageClient outside = browser().login(outsider.name(), PASSWORD);
        assertThat(outside.get("/dataset/" + privateDataset).status()).isEqualTo(404);
        assertThat(outside.get("/organization/" + org).body()).doesNotContain(privateDataset);
        PageClient member = browser().login(editor.name(), PASSWORD);
        assertThat(member.get("/dataset/" + privateDataset).body()).contains("Secret rivers");
        assertThat(member.get("/dataset?q=rivers").body()).contains(privateDataset);
    }

    @Test
    void editPagesAreForbiddenToNonEditors() {
        assertThat(browser().get("/dataset/edit/" + publicDataset).status()).isEqualTo(403);
        assertThat(browser().get("/dataset/new").status()).isEqualTo(403);
        PageClient outside = browser().login(outsider.name(), PASSWORD);
        assertThat(outside.get("/dataset/edit/" + publicDataset).status()).isEqualTo(403);
        assertThat(outside.get("/organization/edit/" + org).status()).isEqualTo(403);
        assertThat(outside.get("/organization/members/" + org).status()).isEqualTo(403);
        assertThat(outside.post("/dataset/edit/" + publicDataset, Map.of("name", publicDataset, "title", "Taken over")).status())
                .isEqualTo(403);
        assertThat(http.sudo("package_show", map("id", publicDataset)).get("title")).isEqualTo("Open rivers");
        PageClient member = browser().login(editor.name(), PASSWORD);
        Answer edit = member.get("/dataset/edit/" + publicDataset);
        assertThat(edit.status()).as(edit.body()).isEqualTo(200);
        assertThat(member.get("/organization/edit/" + org).status()).isEqualTo(403);
    }

    @Test
    void sysadminPagesAreForSysadminsOnly() {
        Answer anonymous = browser().get("/ckan-admin/storages");
        assertThat(anonymous.status()).isEqualTo(303);
        assertThat(anonymous.location()).startsWith("/user/login?came_from=");
        assertThat(browser().login(outsider.name(), PASSWORD).get("/ckan-admin/storages").status()).isEqualTo(403);
        Answer page = browser().login(admin.name(), PASSWORD).get("/ckan-admin/storages");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("data-storage=\"default\"", "STREAM");
    }

    @Test
    void theSessionCookieIsHttpOnlyLaxAndLogoutEndsItOnTheServer() {
        PageClient b = browser();
        b.get("/user/login");
        Answer login = b.post("/user/login", Map.of("login", editor.name(), "password", PASSWORD, "came_from", "/dashboard/files"));
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.location()).isEqualTo("/dashboard/files");
        String setCookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("portal_session=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly", "SameSite=Lax").doesNotContain("Secure");
        String session = b.cookie("portal_session").orElseThrow();
        assertThat(b.get("/dashboard/files").status()).isEqualTo(200);
        assertThat(b.post("/user/logout", Map.of()).status()).isEqualTo(303);
        // The old cookie, sent again by someone who copied it, no longer signs anyone in.
        PageClient copy = browser();
        Answer replay = copy.get("/dashboard/files", Map.of("Cookie", "portal_session=" + session));
        assertThat(replay.status()).isEqualTo(303);
        assertThat(replay.location()).startsWith("/user/login");
        // Behind a TLS proxy the cookie is Secure.
        PageClient tls = browser();
        tls.get("/user/login");
        Answer secure = tls.postRaw("/user/login", Map.of("login", editor.name(), "password", PASSWORD, "_csrf_token", tls.csrf()),
                Map.of("X-Forwarded-Proto", "https"));
        assertThat(secure.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("portal_session=").contains("; Secure"));
        // An off-site came_from is ignored (no open redirect).
        PageClient again = browser();
        again.get("/user/login");
        Answer offsite = again.post("/user/login", Map.of("login", editor.name(), "password", PASSWORD, "came_from", "//evil.example/x"));
        assertThat(offsite.location()).isEqualTo("/user/" + editor.name());
    }

    @Test
    void wrongPasswordsAreRefusedThenThrottledPerAccount() {
        Account victim = http.newUser("page-victim");
        PageClient b = browser();
        b.get("/user/login");
        for (int i = 0; i < 3; i++) {
            Answer wrong = b.post("/user/login", Map.of("login", victim.name(), "password", "wrong " + i));
            assertThat(wrong.status()).isEqualTo(403);
            assertThat(wrong.body()).contains("Bad username or password").contains("value=\"" + victim.name() + "\"");
        }
        Answer throttled = b.post("/user/login", Map.of("login", victim.name(), "password", PASSWORD));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.body()).contains("Too many failed logins");
        assertThat(b.cookie("portal_session")).isEmpty();
    }

    @Test
    void formsAndCookieApiCallsWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
        PageClient b = browser().login(admin.name(), PASSWORD);
        String name = unique("csrf-data");
        Answer forged = b.postRaw("/dataset/new", Map.of("name", name, "title", "Forged"), Map.of());
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF token");
        Answer wrong = b.postRaw("/dataset/new", Map.of("name", name, "_csrf_token", "x" + b.csrf()), Map.of());
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(http.api().call("package_show", map("id", name), admin.token()).status()).isEqualTo(404);
        // The action API with the session cookie: the token must come in X-CSRFToken.
        String json = "{\"name\": \"" + name + "\", \"owner_org\": \"" + org + "\"}";
        assertThat(b.postJson("/api/3/action/package_create", json, Map.of()).status()).isEqualTo(403);
        assertThat(http.api().call("package_show", map("id", name), admin.token()).status()).isEqualTo(404);
        assertThat(b.postJson("/api/3/action/package_create", json, Map.of("X-CSRFToken", b.csrf())).status()).isEqualTo(200);
        // An API token needs no CSRF token (nothing ambient), even with a stale cookie beside it.
        String other = unique("token-data");
        assertThat(b.postJson("/api/3/action/package_create", "{\"name\": \"" + other + "\", \"owner_org\": \"" + org + "\"}",
                Map.of("Authorization", admin.token())).status()).isEqualTo(200);
        // A GET never changes state: the logout form's route answers GET with a confirmation page.
        assertThat(b.get("/user/logout").status()).isEqualTo(200);
        assertThat(b.get("/dashboard/files").status()).isEqualTo(200);
    }

    @Test
    void aRefusedFormShowsEachMessageAtItsFieldAndKeepsWhatWasTyped() {
        PageClient b = browser().login(editor.name(), PASSWORD);
        Answer form = b.get("/dataset/new");
        assertThat(form.status()).as(form.body()).isEqualTo(200);
        // The example plugin's field is in the form, drawn by the plugin's own snippet.
        assertThat(form.body()).contains("example-code-field", "name=\"example_code\"", "name=\"owner_org\"");
        String name = unique("form-data");
        Answer refused = b.post("/dataset/new", Map.of("name", "Not A Valid Name!", "title", "Typed title", "owner_org", org,
                "example_code", "WRONG-1"));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("id=\"error-name\"", "id=\"error-example_code\"", "EX-", "value=\"Typed title\"",
                "value=\"WRONG-1\"");
        Answer saved = b.post("/dataset/new", Map.of("name", name, "title", "Typed title", "owner_org", org, "example_code", "EX-7"));
        assertThat(saved.status()).isEqualTo(303);
        assertThat(saved.location()).isEqualTo("/dataset/" + name + "/resource/new");
        Map<String, Object> pkg = http.sudo("package_show", map("id", name));
        assertThat(pkg.get("example_code")).isEqualTo("EX-7");
        // The resource form uploads through the same intake as resource_create.
        b.get(saved.location());
        Answer uploaded = b.postMultipart(saved.location(), new ApiClient.Multipart()
                .file("upload", "rivers.csv", "text/csv", "river,km\nDanube,2850\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .field("format", "CSV"));
        assertThat(uploaded.status()).isEqualTo(303);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> resources = (List<Map<String, Object>>) http.sudo("package_show", map("id", name)).get("resources");
        assertThat(resources).singleElement().satisfies(r -> assertThat(r.get("url_type")).isEqualTo("upload"));
        Answer page = b.get("/dataset/" + name);
        String download = "/dataset/" + pkg.get("id") + "/resource/" + resources.get(0).get("id") + "/download/rivers.csv";
        assertThat(page.body()).contains("href=\"" + download + "\"");
        assertThat(b.get(download).body()).isEqualTo("river,km\nDanube,2850\n");
    }

    @Test
    void theExamplePluginOverridesATemplateAddsAHelperAPageAndAnAsset() {
        Answer page = browser().get("/dataset/" + publicDataset);
        // ckan_extends: the core's page with the plugin's block (parent() kept the notes).
        assertThat(page.body()).contains("id=\"example-greeting\">Hello, Open rivers!</p>", "Rivers &lt;b&gt;bold", "/assets/example/example.css");
        assertThat(browser().get("/assets/example/example.css").body()).contains(".example-greeting");
        assertThat(browser().get("/assets/portal.css").status()).isEqualTo(200);
        assertThat(browser().get("/assets/../portal/templates/base.html").status()).isEqualTo(404);
        Answer encoded = browser().get("/assets/%2e%2e/portal/templates/base.html");
        assertThat(encoded.status()).isIn(400, 404);
        assertThat(encoded.body()).doesNotContain("{% block");
        PageClient b = browser().login(outsider.name(), PASSWORD);
        assertThat(b.get("/example/hello").body()).contains("id=\"hello-form\"");
        Answer hello = b.post("/example/hello", Map.of("name", "Ada"));
        assertThat(hello.body()).contains("id=\"hello-answer\">Hello, Ada!</p>");
    }

    @Test
    void aPluginAuthenticatorSignsUsersInFromATrustedHeaderButTheirFormsStillNeedTheToken() {
        PageClient b = browser();
        Answer dashboard = b.get("/dashboard/files", Map.of("X-Remote-User", editor.name()));
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.body()).contains("href=\"/user/" + editor.name() + "\"");
        assertThat(b.get("/dashboard/files", Map.of("X-Remote-User", "nobody-by-that-name")).status()).isEqualTo(303);
        Answer forged = b.postRaw("/organization/new", Map.of("name", unique("header-org")), Map.of("X-Remote-User", editor.name()));
        assertThat(forged.status()).isEqualTo(403);
    }

    @Test
    void theFileDashboardOffersTheStoragesTheUserMayUploadIntoAndUploadsWithoutScripts() {
        PageClient b = browser().login(admin.name(), PASSWORD);
        Answer dashboard = b.get("/dashboard/files");
        assertThat(dashboard.body()).contains("<select id=\"field-storage\" name=\"storage\"", "<option value=\"default\">",
                "<option value=\"resources\">");
        Answer uploaded = b.postMultipart("/dashboard/files/upload", new ApiClient.Multipart()
                .file("upload", "chosen.txt", "text/plain", "into resources".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .field("storage", "resources"));
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(303);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> found = (List<Map<String, Object>>) http.sudo("files_file_search", map("name", "chosen.txt"))
                .get("results");
        assertThat(found).singleElement().satisfies(f -> assertThat(f).containsEntry("storage", "resources")
                .containsEntry("owner_type", "user").containsEntry("owner_id", admin.id()));
        assertThat(b.get("/dashboard/files").body()).contains("chosen.txt");
        // Attach it to a dataset: a new resource whose file it becomes.
        Answer attached = b.post("/dashboard/files/" + found.get(0).get("id") + "/attach",
                Map.of("package_id", (String) http.sudo("package_show", map("id", publicDataset)).get("id")));
        assertThat(attached.status()).as(attached.body()).isEqualTo(303);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> resources = (List<Map<String, Object>>) http.sudo("package_show", map("id", publicDataset)).get("resources");
        assertThat(resources).anySatisfy(r -> assertThat(r).containsEntry("file_id", found.get(0).get("id")).containsEntry("name", "chosen.txt"));
        assertThat(b.get("/dashboard/files").body()).doesNotContain("chosen.txt");
        // Someone who may not upload gets no upload form and no choice.
        Answer outside = browser().login(outsider.name(), PASSWORD).get("/dashboard/files");
        assertThat(outside.status()).isEqualTo(200);
        assertThat(outside.body()).doesNotContain("field-storage", "file-upload-form");
    }

    @Test
    void registrationIsOffByDefault() {
        assertThat(browser().get("/user/register").status()).isEqualTo(403);
    }
}
