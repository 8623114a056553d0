package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static dev.portalkit.integration.testing.HttpPortal.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import dev.portalkit.runtime.files.tracked.FileApiConfig;
import dev.portalkit.runtime.testing.TestDb;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Download links follow permissions (issue 11, finding 6), over HTTP: anonymous callers make no
 * links; a link made earlier stops working once the user who made it may no longer see the file (a
 * dataset turned private, a member removed, a deleted user) or once the file's links are revoked
 * ({@code files_file_link_revoke}); durations are bounded and bad ones are a 409 naming
 * {@code duration}; links to files of public storages keep working.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileLinkPermissionsHttpTest {
    @Parameter
    TestDb db;

    HttpPortal http;
    ApiClient api;
    Account admin;

    @BeforeAll
    void start() {
        http = HttpPortal.start(HttpPortal.builder().db(db)
                .option(FileApiConfig.AUTHENTICATED_UPLOADS_ALLOW, "true")
                .option(FileApiConfig.AUTHENTICATED_UPLOADS_STORAGES, "default open")
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.files.storage.open.type", "files:memory")
                .option("portal.files.storage.open.public", "true"));
        api = http.api();
        admin = http.newSysadmin("link-admin");
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A file of {@code storage} given to {@code ownerType ownerId}. */
    private String file(String storage, String ownerType, String ownerId) {
        String id = (String) http.sudo("files_file_create", map("storage", storage, "name", unique("linked") + ".txt",
                "upload", "the content")).get("id");
        http.sudo("files_transfer_ownership", map("id", id, "owner_type", ownerType, "owner_id", ownerId));
        return id;
    }

    private String link(Account who, String fileId, String type) {
        Reply reply = api.call("files_file_link", map("id", fileId, "type", type), who.token());
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return URI.create(String.valueOf(((Map<?, ?>) reply.result()).get("url"))).getRawPath();
    }

    private ApiClient.Download use(String link) {
        return api.download(link, null);
    }

    private void works(String link) {
        ApiClient.Download d = use(link);
        assertThat(d.status()).as(d.text()).isEqualTo(200);
        assertThat(d.text()).isEqualTo("the content");
    }

    private void refused(String link, String message) {
        ApiClient.Download d = use(link);
        assertThat(d.status()).as(d.text()).isEqualTo(403);
        assertThat(d.text()).contains("\"success\":false").contains(message);
    }

    private Map<String, Object> publicDataset(Account orgAdmin) {
        Map<String, Object> org = http.sudo("organization_create", map("name", unique("org"), "title", "Org"));
        http.sudo("organization_member_create", map("id", org.get("id"), "username", orgAdmin.name(), "role", "admin"));
        return http.sudo("package_create", map("name", unique("ds"), "title", "Data", "owner_org", org.get("id"), "private", false));
    }

    // ---- tests -----------------------------------------------------------------------------------

    @Test
    void anonymousCallersMakeNoLinks() {
        Map<String, Object> dataset = publicDataset(http.newUser("org-admin"));
        String id = file("default", "package", (String) dataset.get("id"));
        assertThat(api.call("files_file_show", map("id", id), null).status()).as("anonymous may see it").isEqualTo(200);
        for (String type : List.of("permanent", "temporal", "one_time", "public")) {
            Reply refused = api.call("files_file_link", map("id", id, "type", type), null);
            assertThat(refused.status()).as(type + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("requires an authenticated user");
        }
    }

    @Test
    void linksStopWorkingWhenTheirDatasetTurnsPrivate() {
        Account orgAdmin = http.newUser("org-admin");
        Map<String, Object> dataset = publicDataset(orgAdmin);
        String id = file("default", "package", (String) dataset.get("id"));
        Account visitor = http.newUser("visitor");
        List<String> visitors = List.of(link(visitor, id, "permanent"), link(visitor, id, "temporal"), link(visitor, id, "one_time"));
        String adminsLink = link(orgAdmin, id, "permanent");
        works(visitors.get(0));
        works(visitors.get(1));
        works(adminsLink);

        http.sudo("package_patch", map("id", dataset.get("id"), "private", true));
        for (String link : visitors) {
            refused(link, "the user who made it may not download the file any more");
        }
        works(adminsLink);
        // Public again: the links work again (they were refused, not used up).
        http.sudo("package_patch", map("id", dataset.get("id"), "private", false));
        visitors.forEach(this::works);
    }

    @Test
    void linksStopWorkingWhenTheirMakerLeavesTheOrganization() {
        Map<String, Object> org = http.sudo("organization_create", map("name", unique("org"), "title", "Org"));
        Map<String, Object> dataset = http.sudo("package_create", map("name", unique("ds"), "title", "Private", "owner_org",
                org.get("id"), "private", true));
        Account member = http.newUser("member");
        http.sudo("organization_member_create", map("id", org.get("id"), "username", member.name(), "role", "member"));
        String id = file("default", "package", (String) dataset.get("id"));
        String link = link(member, id, "permanent");
        works(link);
        http.sudo("organization_member_delete", map("id", org.get("id"), "username", member.name()));
        refused(link, "the user who made it may not download the file any more");
    }

    @Test
    void linksOfADeletedUserStopWorking() {
        Account owner = http.newUser("leaver");
        String id = file("default", "user", owner.id());
        String link = link(owner, id, "temporal");
        works(link);
        http.sudo("user_delete", map("id", owner.id()));
        refused(link, "the user who made it is not active any more");
    }

    @Test
    void theOwnerRevokesEveryLinkOfAFileAtOnce() {
        Account owner = http.newUser("owner");
        String id = file("default", "user", owner.id());
        List<String> before = List.of(link(owner, id, "permanent"), link(owner, id, "temporal"), link(owner, id, "one_time"));
        String sysadminsLink = link(admin, id, "permanent");
        works(before.get(0));

        Account stranger = http.newUser("stranger");
        assertThat(api.call("files_file_link_revoke", map("id", id), stranger.token()).status()).isEqualTo(403);
        assertThat(api.call("files_file_link_revoke", map("id", id), null).status()).isEqualTo(403);
        Reply revoked = api.call("files_file_link_revoke", map("id", id), owner.token());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(((Map<?, ?>) revoked.result()).get("links_revoked")).isEqualTo(true);
        for (String link : before) {
            ApiClient.Download d = use(link);
            assertThat(d.status()).as(link + ": " + d.text()).isEqualTo(403);
        }
        refused(before.get(0), "This download link was revoked");
        refused(sysadminsLink, "This download link was revoked");
        String after = link(owner, id, "permanent");
        works(after);
        assertThat(api.call("files_file_link_revoke", map("id", "no-such-file"), admin.token()).status()).isEqualTo(404);
    }

    @Test
    void durationsAreBoundedAndBadOnesAreFieldErrors() {
        Account owner = http.newUser("timer");
        String id = file("default", "user", owner.id());
        for (Object bad : List.of("3000000000000000", 3000000000000000L, "1e17", 1e17, "P99999999999999D", "P999999999999999999D",
                -5, "-5", 0, "PT0S", "PT-1H", "soon", 1.5, true, List.of(1), "604801")) {
            for (String type : List.of("temporal", "one_time", "permanent")) {
                Reply reply = api.call("files_file_link", map("id", id, "type", type, "duration", bad), owner.token());
                assertThat(reply.status()).as("%s %s: %s", type, bad, reply.body()).isEqualTo(409);
                assertThat(reply.error()).as("%s %s", type, bad).containsKey("duration");
            }
        }
        Reply week = api.call("files_file_link", map("id", id, "type", "temporal", "duration", "P7D"), owner.token());
        assertThat(week.status()).as(week.body()).isEqualTo(200);
        Reply seconds = api.call("files_file_link", map("id", id, "type", "one_time", "duration", 600), owner.token());
        assertThat(seconds.status()).as(seconds.body()).isEqualTo(200);
        assertThat((String) ((Map<?, ?>) seconds.result()).get("expires_at")).isNotNull();
    }

    @Test
    void linksToFilesOfPublicStoragesKeepWorking() {
        Account owner = http.newUser("publisher");
        String id = file("open", "user", owner.id());
        String link = link(owner, id, "permanent");
        works(link);
        // The file is public anyway: a permanent link to it does not depend on its maker.
        http.sudo("files_transfer_ownership", map("id", id, "owner_type", "user", "owner_id", admin.id()));
        works(link);
        Reply publicLink = api.call("files_file_link", map("id", id, "type", "public"), admin.token());
        assertThat(publicLink.status()).as(publicLink.body()).isEqualTo(200);
        works(URI.create(String.valueOf(((Map<?, ?>) publicLink.result()).get("url"))).getRawPath());
        // Hidden names are never served from a public storage (a web server would honour .htaccess and the like).
        for (String hidden : List.of(".htaccess", "a/.git/config")) {
            ApiClient.Download d = api.download("files/public-download/open/" + hidden, null);
            assertThat(d.status()).as(hidden + ": " + d.text()).isEqualTo(400);
            assertThat(d.text()).contains("may start with '.'");
        }
    }
}
