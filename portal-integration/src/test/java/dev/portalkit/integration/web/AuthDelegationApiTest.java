package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static dev.portalkit.integration.testing.HttpPortal.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.DatasetLockPlugin;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CKAN's auth delegation over HTTP: a plugin that chains only {@code package_update} to lock a
 * dataset ({@link DatasetLockPlugin}) also locks the dataset's resources (resource_create, _update,
 * _patch, _delete ask package_update, or package_delete which asks package_update) and its deletion,
 * for an editor who may change every unlocked dataset of the organization.
 */
class AuthDelegationApiTest {
    static HttpPortal http;
    static ApiClient api;
    static Account editor;
    static String orgId;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder().plugins(DatasetLockPlugin.NAME));
        api = http.api();
        editor = http.newUser("editor");
        orgId = (String) http.sudo("organization_create", map("name", unique("org"))).get("id");
        http.sudo("organization_member_create", map("id", orgId, "username", editor.name(), "role", "editor"));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> dataset(boolean locked) {
        return http.sudo("package_create", map("name", unique(locked ? "locked" : "open"), "owner_org", orgId,
                "extras", List.of(map("key", "locked", "value", String.valueOf(locked))),
                "resources", List.of(map("name", "data.csv", "url", "http://example.org/data.csv"))));
    }

    @SuppressWarnings("unchecked")
    static String firstResource(Map<String, Object> dataset) {
        return (String) ((List<Map<String, Object>>) dataset.get("resources")).get(0).get("id");
    }

    @Test
    void aLockedDatasetsResourcesAndDeletionAreRefused() {
        Map<String, Object> locked = dataset(true);
        String id = (String) locked.get("id");
        String resource = firstResource(locked);

        assertRefused(api.call("package_update", map("id", id, "name", locked.get("name"), "owner_org", orgId,
                "notes", "changed", "extras", locked.get("extras")), editor.token()));
        assertRefused(api.call("resource_create", map("package_id", id, "url", "http://example.org/b.csv"), editor.token()));
        assertRefused(api.call("resource_update", map("id", resource, "url", "http://example.org/c.csv"), editor.token()));
        assertRefused(api.call("resource_patch", map("id", resource, "name", "renamed"), editor.token()));
        assertRefused(api.call("resource_delete", map("id", resource), editor.token()));
        assertRefused(api.call("package_delete", map("id", id), editor.token()));
        assertRefused(api.call("package_patch", map("id", id, "notes", "changed"), editor.token()));

        // Nothing changed.
        Map<String, Object> after = http.sudo("package_show", map("id", id));
        assertThat(after).containsEntry("state", "active").containsEntry("notes", null).containsEntry("num_resources", 1);
        assertThat(http.sudo("resource_show", map("id", resource))).containsEntry("name", "data.csv")
                .containsEntry("url", "http://example.org/data.csv").containsEntry("state", "active");
    }

    @Test
    void anUnlockedDatasetOfTheSameOrganizationStaysOpenToItsEditor() {
        Map<String, Object> open = dataset(false);
        String id = (String) open.get("id");
        String resource = firstResource(open);
        assertOk(api.call("resource_create", map("package_id", id, "url", "http://example.org/b.csv"), editor.token()));
        assertOk(api.call("resource_update", map("id", resource, "url", "http://example.org/c.csv"), editor.token()));
        assertOk(api.call("resource_patch", map("id", resource, "name", "renamed"), editor.token()));
        assertOk(api.call("resource_delete", map("id", resource), editor.token()));
        assertOk(api.call("package_delete", map("id", id), editor.token()));
        assertThat(http.sudo("package_show", map("id", id))).containsEntry("state", "deleted");
    }

    private static void assertRefused(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(403);
        assertThat(reply.error()).containsEntry("__type", "Authorization Error");
        assertThat((String) reply.error().get("message")).contains("is locked");
    }

    private static void assertOk(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    }
}
