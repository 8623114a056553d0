package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** organization_* and group_* actions and their rules. */
@SuppressWarnings("unchecked")
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class OrganizationActionsTest extends ModelTestBase {
    @Test
    void creatorBecomesAdmin() {
        Optional<UserRef> alice = newUser("alice");
        String name = unique("org");
        Map<String, Object> org = dict("organization_create", alice, map("name", name, "title", "Alice's", "description", "D"));
        assertThat(org).containsEntry("name", name).containsEntry("title", "Alice's").containsEntry("display_name", "Alice's")
                .containsEntry("is_organization", true).containsEntry("type", "organization").containsEntry("state", "active")
                .containsEntry("package_count", 0L);
        assertThat(usersOf(org)).singleElement().satisfies(u ->
                assertThat(u).containsEntry("name", alice.get().name()).containsEntry("capacity", "admin"));
        assertThat(dict("organization_show", ANONYMOUS, map("id", name))).isEqualTo(org);
        assertThat(dict("organization_show", ANONYMOUS, map("id", org.get("id"), "include_users", false))).doesNotContainKey("users");
    }

    @Test
    void createRules() {
        denied("organization_create", ANONYMOUS, map("name", unique("org")));
        Map<String, Object> org = newOrg(newUser("first"));
        assertThat(invalid("organization_create", newUser("second"), map("name", org.get("name"))))
                .containsEntry("name", List.of("Group name already exists in database"));
        assertThat(invalid("organization_create", SYSADMIN, map("title", "no name"))).containsEntry("name", List.of("Missing value"));
        assertThat(invalid("organization_create", SYSADMIN, map("name", "x"))).containsKey("name");
    }

    @Test
    void showAndListFindOnlyTheRightKind() {
        Map<String, Object> org = newOrg(newUser("o"));
        Map<String, Object> group = dict("group_create", newUser("g"), map("name", unique("grp")));
        assertThat(group).containsEntry("is_organization", false).containsEntry("type", "group");
        assertThat(notFound("organization_show", ANONYMOUS, map("id", group.get("name"))).getMessage()).startsWith("Organization not found");
        assertThat(notFound("group_show", ANONYMOUS, map("id", org.get("name"))).getMessage()).startsWith("Group not found");
        notFound("organization_show", ANONYMOUS, map("id", "no-such-org"));
        assertThat(invalid("organization_show", ANONYMOUS, map())).containsEntry("id", List.of("Missing value"));

        assertThat((List<Object>) call("organization_list", ANONYMOUS, map())).contains(org.get("name")).doesNotContain(group.get("name"));
        assertThat((List<Object>) call("group_list", ANONYMOUS, map())).contains(group.get("name")).doesNotContain(org.get("name"));
        List<Map<String, Object>> all = dicts("organization_list", ANONYMOUS, map("all_fields", true, "q", (String) org.get("name")));
        assertThat(all).singleElement().satisfies(o -> assertThat(o).containsEntry("id", org.get("id")));
        assertThat(invalid("organization_list", ANONYMOUS, map("sort", "colour"))).containsKey("sort");
    }

    @Test
    void onlyAdminsUpdateAndManageMembers() {
        Optional<UserRef> admin = newUser("admin");
        Optional<UserRef> editor = newUser("editor");
        Optional<UserRef> member = newUser("member");
        Optional<UserRef> outsider = newUser("outsider");
        Map<String, Object> org = newOrg(admin);
        Map<String, Object> added = dict("organization_member_create", admin, map("id", org.get("name"),
                "username", editor.get().name(), "role", "editor"));
        assertThat(added).containsEntry("capacity", "editor").containsEntry("table_id", editor.get().id());
        call("organization_member_create", admin, map("id", org.get("id"), "username", member.get().id(), "role", "member"));

        for (Optional<UserRef> caller : List.of(editor, member, outsider, ANONYMOUS)) {
            denied("organization_update", caller, map("id", org.get("id"), "name", org.get("name"), "title", "Hijacked"));
            denied("organization_member_create", caller, map("id", org.get("id"), "username", outsider.get().name(), "role", "admin"));
            denied("organization_member_delete", caller, map("id", org.get("id"), "username", member.get().name()));
            denied("organization_delete", caller, map("id", org.get("id")));
        }
        Map<String, Object> updated = dict("organization_update", admin, map("id", org.get("id"), "name", org.get("name"), "title", "Renamed"));
        assertThat(updated).containsEntry("title", "Renamed").containsEntry("description", null);

        assertThat(invalid("organization_member_create", admin, map("id", org.get("id"), "username", member.get().name(), "role", "owner")))
                .containsKey("role");
        assertThat(invalid("organization_member_create", admin, map("id", org.get("id"), "role", "member"))).containsKey("username");
        notFound("organization_member_create", admin, map("id", org.get("id"), "username", "nobody-at-all", "role", "member"));
        notFound("organization_member_create", admin, map("id", "no-such-org", "username", member.get().name(), "role", "member"));

        call("organization_member_create", admin, map("id", org.get("id"), "username", member.get().name(), "role", "editor"));
        assertThat(capacities(org)).containsEntry(member.get().name(), "editor");
        assertThat(call("organization_member_delete", admin, map("id", org.get("id"), "username", member.get().name()))).isNull();
        assertThat(capacities(org)).doesNotContainKey(member.get().name());
        notFound("organization_member_delete", admin, map("id", org.get("id"), "username", member.get().name()));
    }

    @Test
    void deleteRules() {
        Optional<UserRef> admin = newUser("admin");
        Map<String, Object> org = newOrg(admin);
        Map<String, Object> ds = newDataset(org, false);
        assertThat(failure("organization_delete", admin, map("id", org.get("id")))).satisfies(e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
            assertThat(e.getMessage()).contains("still has 1 dataset(s)");
        });
        call("package_delete", admin, map("id", ds.get("id")));
        assertThat(call("organization_delete", admin, map("id", org.get("id")))).isNull();
        assertThat((List<Object>) call("organization_list", ANONYMOUS, map())).doesNotContain(org.get("name"));
        denied("organization_show", ANONYMOUS, map("id", org.get("id")));
        assertThat(dict("organization_show", admin, map("id", org.get("id")))).containsEntry("state", "deleted");
    }

    @Test
    void groupsHoldDatasetsOfMembers() {
        Optional<UserRef> admin = newUser("gadmin");
        Optional<UserRef> member = newUser("gmember");
        Map<String, Object> group = dict("group_create", admin, map("name", unique("grp"), "title", "G"));
        call("group_member_create", admin, map("id", group.get("id"), "username", member.get().name(), "role", "member"));
        denied("group_update", member, map("id", group.get("id"), "name", group.get("name")));
        denied("group_delete", member, map("id", group.get("id")));
        Map<String, Object> org = newOrg(member);
        Map<String, Object> ds = dict("package_create", member, map("name", unique("in-group"), "owner_org", org.get("id"),
                "groups", List.of(map("id", group.get("name")))));
        Map<String, Object> shown = dict("group_show", ANONYMOUS, map("id", group.get("name"), "include_datasets", true));
        assertThat(shown).containsEntry("package_count", 1L);
        assertThat((List<Object>) shown.get("packages")).hasSize(1);
        assertThat(call("group_delete", admin, map("id", group.get("id")))).isNull();
        assertThat((List<Object>) dict("package_show", ANONYMOUS, map("id", ds.get("id"))).get("groups")).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> usersOf(Map<String, Object> org) {
        return (List<Map<String, Object>>) org.get("users");
    }

    private Map<Object, Object> capacities(Map<String, Object> org) {
        Map<Object, Object> out = new java.util.LinkedHashMap<>();
        usersOf(dict("organization_show", SYSADMIN, map("id", org.get("id")))).forEach(u -> out.put(u.get("name"), u.get("capacity")));
        return out;
    }
}
