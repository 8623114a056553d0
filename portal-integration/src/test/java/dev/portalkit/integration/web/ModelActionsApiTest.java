package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertDenied;
import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static dev.portalkit.integration.testing.ApiAssertions.assertError;
import static dev.portalkit.integration.testing.ApiAssertions.assertInvalid;
import static dev.portalkit.integration.testing.ApiAssertions.assertList;
import static dev.portalkit.integration.testing.ApiAssertions.assertNotFound;
import static dev.portalkit.integration.testing.ApiAssertions.assertSuccess;
import static dev.portalkit.integration.testing.HttpPortal.map;
import static dev.portalkit.integration.testing.HttpPortal.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every action of the portal model over HTTP (standalone server, in process): one success path
 * checking CKAN's envelope and the key fields, and error paths with their status and
 * {@code __type}. Callers use real API tokens. Who may do what to datasets and resources, role by
 * role, is {@link PackageAuthMatrixApiTest}.
 */
class ModelActionsApiTest {
    /** No token. */
    static final Account ANONYMOUS = null;

    static HttpPortal http;
    static ApiClient api;
    static Account root;
    /** Admin of {@link #org} (its creator). */
    static Account owner;
    static Account editor;
    static Account member;
    /** Logged in, in no organization. */
    static Account outsider;
    static Map<String, Object> org;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder().plugins("example"));
        api = http.api();
        root = http.newSysadmin("root");
        owner = http.newUser("owner");
        editor = http.newUser("editor");
        member = http.newUser("member");
        outsider = http.newUser("outsider");
        org = ok("organization_create", map("name", unique("org"), "title", "Statistics"), owner);
        http.sudo("organization_member_create", map("id", org.get("id"), "username", editor.name(), "role", "editor"));
        http.sudo("organization_member_create", map("id", org.get("id"), "username", member.name(), "role", "member"));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    static Reply call(String action, Map<String, Object> data, Account caller) {
        return api.call(action, data, caller == null ? null : caller.token());
    }

    /** A successful call whose result is a JSON object. */
    static Map<String, Object> ok(String action, Map<String, Object> data, Account caller) {
        return assertDict(api, action, call(action, data, caller));
    }

    static List<Object> okList(String action, Map<String, Object> data, Account caller) {
        return assertList(api, action, call(action, data, caller));
    }

    /** A successful call without a result (the delete and revoke actions). */
    static void okNull(String action, Map<String, Object> data, Account caller) {
        assertThat(assertSuccess(api, action, call(action, data, caller))).isNull();
    }

    /** A dataset of {@link #org} with one resource, created in process (a fixture). */
    static Map<String, Object> newDataset(boolean isPrivate) {
        return http.sudo("package_create", map("name", unique("ds"), "title", "A dataset", "notes", "Some notes",
                "owner_org", org.get("id"), "private", isPrivate,
                "resources", List.of(map("name", "data.csv", "url", "http://example.org/data.csv", "format", "CSV"))));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> resources(Map<String, Object> dataset) {
        return (List<Map<String, Object>>) dataset.get("resources");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> dicts(Object list) {
        return (List<Map<String, Object>>) list;
    }

    static List<Object> names(Object dicts) {
        return dicts(dicts).stream().map(d -> d.get("name")).toList();
    }

    // ---- status_show -------------------------------------------------------------------------

    @Test
    void statusShow() {
        Map<String, Object> status = ok("status_show", map(), ANONYMOUS);
        assertThat(status).containsKeys("site_title", "site_url", "portalkit_version")
                .containsEntry("extensions", List.of("example")).containsEntry("example_chained", true);
        assertThat(ok("status_show", map(), outsider)).isEqualTo(status);
        // A token that is no one's is refused even for an action anyone may call.
        assertThat(assertDenied(api.call("status_show", map(), "pkt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).get("message"))
                .isEqualTo("Invalid API token");
    }

    // ---- user_* --------------------------------------------------------------------------------

    @Nested
    class Users {
        @Test
        void userCreate() {
            String name = unique("carol");
            Map<String, Object> carol = ok("user_create", map("name", name, "email", name + "@example.org",
                    "password", "long enough secret", "fullname", "Carol C"), root);
            assertThat(carol).containsKey("id").containsEntry("name", name).containsEntry("email", name + "@example.org")
                    .containsEntry("fullname", "Carol C").containsEntry("display_name", "Carol C")
                    .containsEntry("sysadmin", false).containsEntry("state", "active")
                    .doesNotContainKeys("password", "password_hash");

            // Open registration is off by default: anonymous callers and plain users may not create accounts.
            String other = unique("dave");
            Map<String, Object> dave = map("name", other, "email", other + "@example.org", "password", "long enough secret");
            assertDenied(call("user_create", dave, ANONYMOUS));
            assertDenied(call("user_create", dave, outsider));
            assertNotFound(call("user_show", map("id", other), root));
            assertThat(assertInvalid(call("user_create", map("name", name, "email", other + "@example.org",
                    "password", "long enough secret"), root), "name")).isEqualTo(List.of("That login name is not available."));
            assertThat(assertInvalid(call("user_create", map("name", other, "email", other + "@example.org",
                    "password", "short"), root), "password")).isEqualTo(List.of("Your password must be 8 characters or longer"));
            assertThat(assertInvalid(call("user_create", map("email", other + "@example.org", "password", "long enough secret"), root),
                    "name")).isEqualTo(List.of("Missing value"));
        }

        @Test
        void userShow() {
            Map<String, Object> shown = ok("user_show", map("id", owner.name()), ANONYMOUS);
            assertThat(shown).containsEntry("id", owner.id()).containsEntry("name", owner.name())
                    .doesNotContainKeys("email", "password", "password_hash");
            assertThat(ok("user_show", map("id", owner.id()), owner)).containsEntry("email", owner.name() + "@example.org");
            assertThat(ok("user_show", map("id", owner.id()), outsider)).doesNotContainKey("email");
            assertThat(ok("user_show", map("id", owner.id()), root)).containsEntry("email", owner.name() + "@example.org");
            assertThat(assertNotFound(call("user_show", map("id", "nobody-here"), root)).get("message")).isEqualTo("User not found: nobody-here");
            assertThat(assertInvalid(call("user_show", map(), root), "id")).isEqualTo(List.of("Missing value"));
        }

        @Test
        void userList() {
            List<Object> users = okList("user_list", map("q", editor.name()), ANONYMOUS);
            assertThat(users).singleElement().satisfies(u -> assertThat(dicts(List.of(u)).get(0))
                    .containsEntry("name", editor.name()).doesNotContainKeys("email", "password_hash"));
            assertThat(okList("user_list", map("all_fields", false, "order_by", "name"), ANONYMOUS))
                    .contains(owner.name(), editor.name(), member.name(), root.name());
            assertThat(okList("user_list", map("all_fields", false, "limit", 1), ANONYMOUS)).hasSize(1);
            assertInvalid(call("user_list", map("order_by", "password"), ANONYMOUS), "order_by");
            assertInvalid(call("user_list", map("limit", "many"), ANONYMOUS), "limit");
        }

        @Test
        void userUpdate() {
            Account erin = http.newUser("erin");
            Map<String, Object> updated = ok("user_update", map("id", erin.name(), "fullname", "Erin E", "about", "Hi",
                    "sysadmin", true), erin);
            // Only the fields given change; a user cannot make themselves sysadmin.
            assertThat(updated).containsEntry("id", erin.id()).containsEntry("fullname", "Erin E").containsEntry("about", "Hi")
                    .containsEntry("email", erin.name() + "@example.org").containsEntry("sysadmin", false);
            assertThat(http.sudo("user_show", map("id", erin.id()))).containsEntry("sysadmin", false);
            assertThat(ok("user_show", map("id", erin.id()), erin)).containsEntry("fullname", "Erin E");

            assertDenied(call("user_update", map("id", erin.id(), "fullname", "Mallory"), outsider));
            assertDenied(call("user_update", map("id", erin.id(), "fullname", "Mallory"), ANONYMOUS));
            assertInvalid(call("user_update", map("id", erin.id(), "email", "not-an-email"), erin), "email");
            assertNotFound(call("user_update", map("id", "nobody-here", "fullname", "X"), root));
            assertThat(http.sudo("user_show", map("id", erin.id()))).containsEntry("fullname", "Erin E")
                    .containsEntry("email", erin.name() + "@example.org");

            // A sysadmin may.
            assertThat(ok("user_update", map("id", erin.id(), "sysadmin", true), root)).containsEntry("sysadmin", true);
        }

        @Test
        void userDelete() {
            Account frank = http.newUser("frank");
            assertDenied(call("user_delete", map("id", frank.id()), frank));
            assertDenied(call("user_delete", map("id", frank.id()), ANONYMOUS));
            assertThat(ok("user_show", map("id", frank.name()), frank)).containsEntry("state", "active");

            okNull("user_delete", map("id", frank.name()), root);
            assertThat(http.sudo("user_show", map("id", frank.id()))).containsEntry("state", "deleted");
            assertThat(okList("user_list", map("q", frank.name(), "all_fields", false), ANONYMOUS)).isEmpty();
            // Their token stops working at once.
            assertDenied(call("status_show", map(), frank));
            assertNotFound(call("user_delete", map("id", "nobody-here"), root));
        }
    }

    // ---- api_token_* ---------------------------------------------------------------------------

    @Nested
    class ApiTokens {
        @Test
        void apiTokenCreate() {
            Account gina = http.newUser("gina");
            Map<String, Object> created = ok("api_token_create", map("user", gina.name(), "name", "laptop"), gina);
            assertThat(created).containsKeys("id", "created_at").containsEntry("name", "laptop").containsEntry("user_id", gina.id());
            String token = (String) created.get("token");
            assertThat(token).startsWith("pkt_");
            // The new token authenticates as gina (who sees her own email).
            assertThat(assertDict(api, "user_show", api.call("user_show", map("id", gina.id()), "Bearer " + token)))
                    .containsEntry("email", gina.name() + "@example.org");

            assertDenied(call("api_token_create", map("user", gina.name(), "name", "stolen"), outsider));
            assertDenied(call("api_token_create", map("user", gina.name(), "name", "stolen"), ANONYMOUS));
            assertThat(assertInvalid(call("api_token_create", map("user", gina.name()), gina), "name")).isEqualTo(List.of("Missing value"));
            assertNotFound(call("api_token_create", map("user", "nobody-here", "name", "x"), root));
            // Her first token and "laptop": the refused calls created none.
            assertThat(dicts(http.sudoCall("api_token_list", map("user", gina.id())))).hasSize(2)
                    .extracting(t -> t.get("name")).contains("laptop");
        }

        @Test
        void apiTokenList() {
            Account hal = http.newUser("hal");
            Map<String, Object> laptop = ok("api_token_create", map("user", hal.name(), "name", "laptop"), hal);
            List<Map<String, Object>> tokens = dicts(okList("api_token_list", map("user_id", hal.name()), hal));
            assertThat(tokens).hasSize(2).allSatisfy(t -> assertThat(t).containsKeys("id", "name", "user_id", "created_at")
                    .doesNotContainKey("token").containsEntry("user_id", hal.id()));
            assertThat(tokens).extracting(t -> t.get("id")).contains(laptop.get("id"));
            assertThat(okList("api_token_list", map("user", hal.id()), root)).hasSize(2);
            assertDenied(call("api_token_list", map("user_id", hal.id()), outsider));
            assertNotFound(call("api_token_list", map("user_id", "nobody-here"), root));
        }

        @Test
        void apiTokenRevoke() {
            Account ivan = http.newUser("ivan");
            Map<String, Object> spare = ok("api_token_create", map("user", ivan.name(), "name", "spare"), ivan);
            assertDenied(call("api_token_revoke", map("id", spare.get("id")), outsider));
            assertThat(api.call("status_show", map(), (String) spare.get("token")).status()).isEqualTo(200);

            okNull("api_token_revoke", map("id", spare.get("id")), ivan);
            assertDenied(api.call("status_show", map(), (String) spare.get("token")));
            assertThat(dicts(okList("api_token_list", map("user_id", ivan.id()), ivan))).extracting(t -> t.get("id"))
                    .doesNotContain(spare.get("id"));
            // By the token itself, CKAN's jti, or a sysadmin's call.
            okNull("api_token_revoke", map("token", ivan.token()), ivan);
            assertDenied(call("status_show", map(), ivan));
            assertNotFound(call("api_token_revoke", map("jti", spare.get("id")), root));
            assertInvalid(call("api_token_revoke", map(), root), "token");
        }
    }

    // ---- organization_* and group_* -------------------------------------------------------------

    /** A new organization or group created over HTTP by {@code admin} (who becomes its admin). */
    static Map<String, Object> newGroup(String kind, Account admin) {
        return ok(kind + "_create", map("name", unique(kind), "title", "The " + kind, "description", "About it"), admin);
    }

    @Nested
    class OrganizationsAndGroups {
        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void create(String kind) {
            String name = unique(kind);
            Map<String, Object> g = ok(kind + "_create", map("name", name, "title", "  Titled  ", "image_url", "http://x/logo.png"), outsider);
            assertThat(g).containsKey("id").containsEntry("name", name).containsEntry("title", "Titled")
                    .containsEntry("type", kind).containsEntry("is_organization", kind.equals("organization"))
                    .containsEntry("state", "active").containsEntry("package_count", 0);
            assertThat(dicts(g.get("users"))).singleElement().satisfies(u ->
                    assertThat(u).containsEntry("name", outsider.name()).containsEntry("capacity", "admin"));

            assertDenied(call(kind + "_create", map("name", unique(kind)), ANONYMOUS));
            assertThat(assertInvalid(call(kind + "_create", map("name", name), outsider), "name")).asList().isNotEmpty();
            assertThat(assertInvalid(call(kind + "_create", map("title", "No name"), outsider), "name")).isEqualTo(List.of("Missing value"));
            assertInvalid(call(kind + "_create", map("name", "Not A Valid Name!"), outsider), "name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void show(String kind) {
            Map<String, Object> g = newGroup(kind, owner);
            Map<String, Object> shown = ok(kind + "_show", map("id", g.get("name")), ANONYMOUS);
            assertThat(shown).containsEntry("id", g.get("id")).containsEntry("title", "The " + kind)
                    .containsEntry("description", "About it").containsKey("users").doesNotContainKey("packages");
            assertThat(ok(kind + "_show", map("id", g.get("id"), "include_users", false, "include_datasets", true), ANONYMOUS))
                    .doesNotContainKey("users").containsEntry("packages", List.of());
            assertThat(ok("organization_show", map("id", org.get("name"), "include_datasets", "true"), ANONYMOUS))
                    .containsKey("packages");
            assertThat(assertNotFound(call(kind + "_show", map("id", "no-such-" + kind), ANONYMOUS)).get("message")).asString()
                    .contains("not found");
            // An organization is not a group, and the other way round.
            String other = kind.equals("organization") ? "group" : "organization";
            assertNotFound(call(other + "_show", map("id", g.get("id")), ANONYMOUS));
            assertInvalid(call(kind + "_show", map("id", g.get("id"), "include_datasets", Map.of("yes", true)), ANONYMOUS), "include_datasets");
        }

        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void list(String kind) {
            Map<String, Object> g = newGroup(kind, owner);
            assertThat(okList(kind + "_list", map(), ANONYMOUS)).contains(g.get("name"));
            List<Map<String, Object>> all = dicts(okList(kind + "_list", map("all_fields", true, "q", g.get("name")), ANONYMOUS));
            assertThat(all).singleElement().satisfies(d -> assertThat(d).containsEntry("id", g.get("id")).containsEntry("type", kind));
            assertThat(okList(kind + "_list", map("sort", "name desc", "limit", 1), ANONYMOUS)).hasSize(1);
            assertInvalid(call(kind + "_list", map("sort", "secret asc"), ANONYMOUS), "sort");
            assertInvalid(call(kind + "_list", map("limit", -1), ANONYMOUS), "limit");
        }

        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void update(String kind) {
            Map<String, Object> g = newGroup(kind, owner);
            http.sudo(kind + "_member_create", map("id", g.get("id"), "username", member.name(), "role", "member"));
            Map<String, Object> updated = ok(kind + "_update", map("id", g.get("name"), "name", g.get("name"), "title", "Renamed"), owner);
            // A full update: the description not given is cleared.
            assertThat(updated).containsEntry("id", g.get("id")).containsEntry("title", "Renamed").containsEntry("description", null);

            assertDenied(call(kind + "_update", map("id", g.get("id"), "name", g.get("name"), "title", "Hijacked"), member));
            assertDenied(call(kind + "_update", map("id", g.get("id"), "name", g.get("name"), "title", "Hijacked"), ANONYMOUS));
            assertInvalid(call(kind + "_update", map("id", g.get("id"), "title", "No name"), owner), "name");
            assertNotFound(call(kind + "_update", map("id", "no-such-" + kind, "name", "x"), owner));
            assertThat(http.sudo(kind + "_show", map("id", g.get("id")))).containsEntry("title", "Renamed");
        }

        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void memberCreate(String kind) {
            Map<String, Object> g = newGroup(kind, owner);
            Map<String, Object> membership = ok(kind + "_member_create", map("id", g.get("name"), "username", editor.name(),
                    "role", "editor"), owner);
            assertThat(membership).containsEntry("group_id", g.get("id")).containsEntry("table_name", "user")
                    .containsEntry("table_id", editor.id()).containsEntry("capacity", "editor").containsEntry("state", "active");
            // The same call changes the role.
            assertThat(ok(kind + "_member_create", map("id", g.get("id"), "username", editor.id(), "role", "member"), owner))
                    .containsEntry("capacity", "member");

            assertThat(assertInvalid(call(kind + "_member_create", map("id", g.get("id"), "username", outsider.name(), "role", "boss"),
                    owner), "role")).asList().isNotEmpty();
            assertDenied(call(kind + "_member_create", map("id", g.get("id"), "username", outsider.name(), "role", "admin"), outsider));
            assertDenied(call(kind + "_member_create", map("id", g.get("id"), "username", editor.name(), "role", "admin"), editor));
            assertNotFound(call(kind + "_member_create", map("id", g.get("id"), "username", "nobody-here", "role", "member"), owner));
            assertNotFound(call(kind + "_member_create", map("id", "no-such-" + kind, "username", editor.name(), "role", "member"), owner));
            Map<String, Object> shown = http.sudo(kind + "_show", map("id", g.get("id")));
            assertThat(dicts(shown.get("users"))).extracting(u -> u.get("name") + ":" + u.get("capacity"))
                    .containsExactlyInAnyOrder(owner.name() + ":admin", editor.name() + ":member");
        }

        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void memberDelete(String kind) {
            Map<String, Object> g = newGroup(kind, owner);
            http.sudo(kind + "_member_create", map("id", g.get("id"), "username", member.name(), "role", "member"));
            assertDenied(call(kind + "_member_delete", map("id", g.get("id"), "username", owner.name()), member));
            okNull(kind + "_member_delete", map("id", g.get("name"), "username", member.name()), owner);
            assertThat(dicts(http.sudo(kind + "_show", map("id", g.get("id"))).get("users"))).extracting(u -> u.get("name"))
                    .containsExactly(owner.name());
            assertThat(assertNotFound(call(kind + "_member_delete", map("id", g.get("id"), "username", member.name()), owner))
                    .get("message")).asString().contains("is not a member");
            assertInvalid(call(kind + "_member_delete", map("id", g.get("id")), owner), "username");
        }

        @ParameterizedTest
        @ValueSource(strings = {"organization", "group"})
        void delete(String kind) {
            Map<String, Object> g = newGroup(kind, owner);
            http.sudo(kind + "_member_create", map("id", g.get("id"), "username", editor.name(), "role", "editor"));
            assertDenied(call(kind + "_delete", map("id", g.get("id")), editor));
            assertDenied(call(kind + "_delete", map("id", g.get("id")), ANONYMOUS));
            okNull(kind + "_delete", map("id", g.get("name")), owner);
            assertThat(http.sudo(kind + "_show", map("id", g.get("id")))).containsEntry("state", "deleted");
            assertThat(okList(kind + "_list", map(), ANONYMOUS)).doesNotContain(g.get("name"));
            assertDenied(call(kind + "_show", map("id", g.get("id")), ANONYMOUS));
            assertNotFound(call(kind + "_delete", map("id", "no-such-" + kind), root));
        }

        @Test
        void organizationWithDatasetsIsNotDeleted() {
            Map<String, Object> o = newGroup("organization", owner);
            http.sudo("package_create", map("name", unique("kept"), "owner_org", o.get("id")));
            assertThat(assertError(call("organization_delete", map("id", o.get("id")), owner), 409, "Conflict Error").get("message"))
                    .asString().contains("cannot be deleted while it still has 1 dataset");
            assertThat(http.sudo("organization_show", map("id", o.get("id")))).containsEntry("state", "active");
        }
    }

    // ---- package_* -------------------------------------------------------------------------------

    @Nested
    class Packages {
        @Test
        void packageCreate() {
            String name = unique("census");
            Map<String, Object> ds = ok("package_create", map("name", name, "title", "Census", "notes", "People",
                    "owner_org", org.get("name"), "private", true, "example_code", "ex-42",
                    "extras", List.of(map("key", "source", "value", "survey")),
                    "resources", List.of(map("name", "a.csv", "url", "http://example.org/a.csv"),
                            map("name", "b.csv", "url", "http://example.org/b.csv", "layer", "top"))), editor);
            assertThat(ds).containsKey("id").containsEntry("name", name).containsEntry("title", "Census")
                    .containsEntry("owner_org", org.get("id")).containsEntry("private", true).containsEntry("state", "active")
                    .containsEntry("type", "dataset").containsEntry("creator_user_id", editor.id()).containsEntry("num_resources", 2)
                    .containsEntry("example_code", "EX-42").containsEntry("extras", List.of(map("key", "source", "value", "survey")))
                    .containsKeys("metadata_created", "metadata_modified", "groups");
            assertThat(ds.get("organization")).asInstanceOf(MAP)
                    .containsEntry("name", org.get("name"));
            assertThat(resources(ds)).extracting(r -> r.get("name") + "@" + r.get("position")).containsExactly("a.csv@0", "b.csv@1");
            assertThat(resources(ds).get(1)).containsEntry("layer", "top").containsEntry("package_id", ds.get("id"));

            String other = unique("other");
            assertThat(assertInvalid(call("package_create", map("title", "No name", "owner_org", org.get("id")), editor), "name"))
                    .isEqualTo(List.of("Missing value"));
            assertThat(assertInvalid(call("package_create", map("name", name, "owner_org", org.get("id")), editor), "name"))
                    .isEqualTo(List.of("That URL is already in use."));
            assertInvalid(call("package_create", map("name", other, "owner_org", org.get("id"), "example_code", "nope"), editor),
                    "example_code");
            assertInvalid(call("package_create", map("name", other, "owner_org", org.get("id"), "author_email", "x"), editor),
                    "author_email");
            assertThat(assertInvalid(call("package_create", map("name", other, "title", "No organization"), root), "owner_org"))
                    .asList().isNotEmpty();
            assertDenied(call("package_create", map("name", other, "owner_org", org.get("id")), member));
            assertDenied(call("package_create", map("name", other, "owner_org", org.get("id")), outsider));
            assertDenied(call("package_create", map("name", other, "owner_org", org.get("id")), ANONYMOUS));
            assertDenied(call("package_create", map("name", other, "owner_org", "no-such-org"), editor));
            // The example plugin's auth override, which denies sysadmins too.
            assertThat(assertDenied(call("package_create", map("name", "forbidden-" + other, "owner_org", org.get("id")), root))
                    .get("message")).isEqualTo("The example plugin forbids dataset names starting with forbidden-");
            assertNotFound(call("package_show", map("id", other), root));
            assertNotFound(call("package_show", map("id", "forbidden-" + other), root));
        }

        @Test
        void packageShow() {
            Map<String, Object> ds = newDataset(false);
            Map<String, Object> byName = ok("package_show", map("id", ds.get("name")), ANONYMOUS);
            assertThat(byName).containsEntry("id", ds.get("id")).containsEntry("title", "A dataset")
                    .containsEntry("num_resources", 1).containsKeys("resources", "organization", "extras", "groups");
            assertThat(ok("package_show", map("id", ds.get("id")), ANONYMOUS)).isEqualTo(byName);
            assertThat(assertSuccess(api, "package_show", api.get("package_show", Map.of("id", (String) ds.get("name")), null)))
                    .isEqualTo(byName);
            assertThat(assertNotFound(call("package_show", map("id", "no-such-dataset"), ANONYMOUS)).get("message"))
                    .isEqualTo("Dataset not found: no-such-dataset");
            assertThat(assertInvalid(call("package_show", map(), ANONYMOUS), "id")).isEqualTo(List.of("Missing value"));
            assertDenied(call("package_show", map("id", newDataset(true).get("id")), outsider));
        }

        @Test
        void packageUpdate() {
            Map<String, Object> ds = newDataset(false);
            Map<String, Object> updated = ok("package_update", map("id", ds.get("name"), "name", ds.get("name"),
                    "owner_org", org.get("name"), "title", "Updated", "private", true), editor);
            // A full update: notes not given are cleared; resources not given are kept.
            assertThat(updated).containsEntry("id", ds.get("id")).containsEntry("title", "Updated").containsEntry("notes", null)
                    .containsEntry("private", true).containsEntry("owner_org", org.get("id")).containsEntry("num_resources", 1);

            assertInvalid(call("package_update", map("id", ds.get("id"), "name", ds.get("name"), "owner_org", org.get("id"),
                    "url", "not a url"), editor), "url");
            assertInvalid(call("package_update", map("id", ds.get("id"), "owner_org", org.get("id")), editor), "name");
            assertDenied(call("package_update", map("id", ds.get("id"), "name", ds.get("name"), "owner_org", org.get("id"),
                    "title", "Hijacked"), member));
            assertNotFound(call("package_update", map("id", "no-such-dataset", "name", "x"), root));
            assertThat(http.sudo("package_show", map("id", ds.get("id")))).containsEntry("title", "Updated");
        }

        @Test
        void packagePatch() {
            Map<String, Object> ds = newDataset(false);
            Map<String, Object> patched = ok("package_patch", map("id", ds.get("id"), "notes", "Patched notes"), editor);
            assertThat(patched).containsEntry("notes", "Patched notes").containsEntry("title", "A dataset")
                    .containsEntry("owner_org", org.get("id")).containsEntry("num_resources", 1);
            assertThat(resources(patched).get(0)).containsEntry("id", resources(ds).get(0).get("id"));

            assertInvalid(call("package_patch", map("id", ds.get("id"), "author_email", "not-an-email"), editor), "author_email");
            assertDenied(call("package_patch", map("id", ds.get("id"), "notes", "x"), outsider));
            assertNotFound(call("package_patch", map("id", "no-such-dataset", "notes", "x"), root));
            assertThat(http.sudo("package_show", map("id", ds.get("id")))).containsEntry("notes", "Patched notes")
                    .containsEntry("author_email", null);
        }

        @Test
        void packageDelete() {
            Map<String, Object> ds = newDataset(false);
            assertDenied(call("package_delete", map("id", ds.get("id")), member));
            okNull("package_delete", map("id", ds.get("name")), editor);
            assertThat(ok("package_show", map("id", ds.get("id")), editor)).containsEntry("state", "deleted");
            assertDenied(call("package_show", map("id", ds.get("id")), ANONYMOUS));
            assertThat(assertDict(api, "package_search", call("package_search", map("fq", "name:" + ds.get("name")), root)))
                    .containsEntry("count", 0);
            assertNotFound(call("package_delete", map("id", "no-such-dataset"), root));
        }

        @Test
        void packageSearch() {
            Map<String, Object> searchOrg = newGroup("organization", owner);
            http.sudo("organization_member_create", map("id", searchOrg.get("id"), "username", member.name(), "role", "member"));
            String word = "zebra" + unique("w").replace("-", "");
            for (String n : List.of("a", "b", "c")) {
                http.sudo("package_create", map("name", unique(n + "-" + word), "title", "The " + word + " " + n,
                        "owner_org", searchOrg.get("id")));
            }
            http.sudo("package_create", map("name", unique("d-" + word), "title", "Secret " + word, "owner_org", searchOrg.get("id"),
                    "private", true));
            http.sudo("package_create", map("name", unique("elsewhere"), "notes", "Another " + word, "owner_org", org.get("id")));

            Map<String, Object> byWord = ok("package_search", map("q", word.toUpperCase()), ANONYMOUS);
            assertThat(byWord).containsEntry("count", 4).containsEntry("sort", "score desc, metadata_modified desc")
                    .containsEntry("facets", Map.of()).containsEntry("search_facets", Map.of());
            Map<String, Object> inOrg = ok("package_search", map("fq", "owner_org:" + searchOrg.get("name"), "sort", "name asc"), ANONYMOUS);
            assertThat(inOrg).containsEntry("count", 3);
            List<Object> allNames = names(inOrg.get("results"));
            assertThat(allNames).hasSize(3).isSorted();
            assertThat(dicts(inOrg.get("results"))).allSatisfy(d -> assertThat(d)
                    .containsEntry("owner_org", searchOrg.get("id")).containsKeys("resources", "organization"));
            assertThat(names(ok("package_search", map("q", word + " \"the\"", "fq", "owner_org:" + searchOrg.get("id"),
                    "rows", 2, "sort", "name asc"), ANONYMOUS).get("results"))).isEqualTo(allNames.subList(0, 2));
            Map<String, Object> page2 = ok("package_search", map("fq", "owner_org:" + searchOrg.get("id"), "rows", 2, "start", 2,
                    "sort", "name asc"), ANONYMOUS);
            assertThat(page2).containsEntry("count", 3);
            assertThat(names(page2.get("results"))).isEqualTo(allNames.subList(2, 3));
            // GET with query parameters (strings), as CKAN clients send them.
            Reply get = api.get("package_search", Map.of("q", word, "fq", "owner_org:" + searchOrg.get("name"), "rows", "1",
                    "start", "1", "sort", "name asc"), null);
            assertThat(names(((Map<?, ?>) assertSuccess(api, "package_search", get)).get("results"))).isEqualTo(allNames.subList(1, 2));
            // include_private: only members of the organization (and sysadmins) find the private one.
            String fq = "owner_org:" + searchOrg.get("id");
            assertThat(ok("package_search", map("fq", fq, "include_private", true), member)).containsEntry("count", 4);
            assertThat(ok("package_search", map("fq", fq, "include_private", true), root)).containsEntry("count", 4);
            assertThat(ok("package_search", map("fq", fq, "include_private", true), outsider)).containsEntry("count", 3);
            assertThat(ok("package_search", map("fq", fq, "include_private", true), ANONYMOUS)).containsEntry("count", 3);
            assertThat(ok("package_search", map("fq", fq), member)).containsEntry("count", 3);

            assertInvalid(call("package_search", map("rows", -1), ANONYMOUS), "rows");
            assertInvalid(call("package_search", map("start", "first"), ANONYMOUS), "start");
            assertInvalid(call("package_search", map("fq", "password:x"), ANONYMOUS), "fq");
            assertInvalid(call("package_search", map("sort", "secret desc"), ANONYMOUS), "sort");
            assertInvalid(call("package_search", map("include_private", List.of(true)), ANONYMOUS), "include_private");
        }
    }

    // ---- resource_* ------------------------------------------------------------------------------

    @Nested
    class Resources {
        @Test
        void resourceCreate() {
            Map<String, Object> ds = newDataset(false);
            Map<String, Object> r = ok("resource_create", map("package_id", ds.get("name"), "name", "more.json",
                    "url", " http://example.org/more.json ", "format", "JSON", "size", 1234, "layer", "extra"), editor);
            assertThat(r).containsKeys("id", "created", "metadata_modified").containsEntry("package_id", ds.get("id"))
                    .containsEntry("name", "more.json").containsEntry("url", "http://example.org/more.json")
                    .containsEntry("format", "JSON").containsEntry("size", 1234).containsEntry("position", 1)
                    .containsEntry("state", "active").containsEntry("layer", "extra");
            assertThat(http.sudo("package_show", map("id", ds.get("id")))).containsEntry("num_resources", 2);

            assertNotFound(call("resource_create", map("package_id", "no-such-dataset", "url", "http://x"), editor));
            assertThat(assertInvalid(call("resource_create", map("url", "http://x"), editor), "package_id"))
                    .isEqualTo(List.of("Missing value"));
            assertInvalid(call("resource_create", map("package_id", ds.get("id"), "size", "big"), editor), "size");
            assertDenied(call("resource_create", map("package_id", ds.get("id"), "url", "http://x"), member));
            assertDenied(call("resource_create", map("package_id", ds.get("id"), "url", "http://x"), ANONYMOUS));
            assertThat(http.sudo("package_show", map("id", ds.get("id")))).containsEntry("num_resources", 2);
        }

        @Test
        void resourceShow() {
            Map<String, Object> ds = newDataset(false);
            String id = (String) resources(ds).get(0).get("id");
            assertThat(ok("resource_show", map("id", id), ANONYMOUS)).containsEntry("id", id).containsEntry("package_id", ds.get("id"))
                    .containsEntry("name", "data.csv").containsEntry("format", "CSV").containsEntry("position", 0);
            assertThat(assertNotFound(call("resource_show", map("id", "no-such-resource"), ANONYMOUS)).get("message"))
                    .isEqualTo("Resource not found: no-such-resource");
            assertInvalid(call("resource_show", map(), ANONYMOUS), "id");
            assertDenied(call("resource_show", map("id", resources(newDataset(true)).get(0).get("id")), ANONYMOUS));
        }

        @Test
        void resourceUpdate() {
            Map<String, Object> ds = newDataset(false);
            String id = (String) resources(ds).get(0).get("id");
            Map<String, Object> updated = ok("resource_update", map("id", id, "url", "http://example.org/v2.csv", "description", "v2"), editor);
            // A full update: the name and format not given are cleared; dataset and position stay.
            assertThat(updated).containsEntry("id", id).containsEntry("url", "http://example.org/v2.csv")
                    .containsEntry("description", "v2").containsEntry("name", null).containsEntry("format", null)
                    .containsEntry("package_id", ds.get("id")).containsEntry("position", 0);

            assertInvalid(call("resource_update", map("id", id, "size", -5), editor), "size");
            assertDenied(call("resource_update", map("id", id, "url", "http://evil"), member));
            assertNotFound(call("resource_update", map("id", "no-such-resource", "url", "http://x"), root));
            assertThat(http.sudo("resource_show", map("id", id))).containsEntry("url", "http://example.org/v2.csv");
        }

        @Test
        void resourcePatch() {
            Map<String, Object> ds = newDataset(false);
            String id = (String) resources(ds).get(0).get("id");
            assertThat(ok("resource_patch", map("id", id, "name", "renamed.csv"), editor)).containsEntry("name", "renamed.csv")
                    .containsEntry("url", "http://example.org/data.csv").containsEntry("format", "CSV");
            assertInvalid(call("resource_patch", map("id", id, "size", "large"), editor), "size");
            assertDenied(call("resource_patch", map("id", id, "name", "x"), outsider));
            assertNotFound(call("resource_patch", map("id", "no-such-resource", "name", "x"), root));
            assertThat(http.sudo("resource_show", map("id", id))).containsEntry("name", "renamed.csv");
        }

        @Test
        void resourceDelete() {
            Map<String, Object> ds = newDataset(false);
            String first = (String) resources(ds).get(0).get("id");
            String second = (String) ok("resource_create", map("package_id", ds.get("id"), "url", "http://example.org/2"), editor).get("id");
            assertDenied(call("resource_delete", map("id", first), member));
            okNull("resource_delete", map("id", first), editor);
            assertNotFound(call("resource_show", map("id", first), editor));
            assertNotFound(call("resource_delete", map("id", first), editor));
            // The others close ranks.
            assertThat(ok("resource_show", map("id", second), ANONYMOUS)).containsEntry("position", 0);
            assertThat(http.sudo("package_show", map("id", ds.get("id")))).containsEntry("num_resources", 1);
        }
    }
}
