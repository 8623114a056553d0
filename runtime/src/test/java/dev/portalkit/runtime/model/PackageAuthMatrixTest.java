package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who may do what with the datasets and resources of an organization, with CKAN's default
 * rules, for every kind of caller and for public and private datasets.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class PackageAuthMatrixTest extends ModelTestBase {
    enum Role { ANONYMOUS, USER, MEMBER, EDITOR, ADMIN, SYSADMIN }

    private static final Set<Role> READERS = EnumSet.of(Role.MEMBER, Role.EDITOR, Role.ADMIN, Role.SYSADMIN);
    private static final Set<Role> EDITORS = EnumSet.of(Role.EDITOR, Role.ADMIN, Role.SYSADMIN);

    private Map<String, Object> org;
    private final Map<Role, Optional<UserRef>> callers = new java.util.EnumMap<>(Role.class);

    @BeforeParameterizedClassInvocation
    void setUp() {
        Optional<UserRef> admin = newUser("admin");
        org = newOrg(admin);
        Optional<UserRef> member = newUser("member");
        Optional<UserRef> editor = newUser("editor");
        addMember(org, member, "member");
        addMember(org, editor, "editor");
        callers.put(Role.ANONYMOUS, ANONYMOUS);
        callers.put(Role.USER, newUser("outsider"));
        callers.put(Role.MEMBER, member);
        callers.put(Role.EDITOR, editor);
        callers.put(Role.ADMIN, admin);
        callers.put(Role.SYSADMIN, newSysadmin());
    }

    /** Runs {@code call} for every role against a fresh dataset and checks that exactly {@code allowed} succeed. */
    private void check(String what, boolean isPrivate, Set<Role> allowed, Function<Map<String, Object>, CallSpec> call) {
        List<String> problems = new ArrayList<>();
        for (Role role : Role.values()) {
            Map<String, Object> dataset = newDataset(org, isPrivate);
            CallSpec spec = call.apply(dataset);
            boolean expectAllowed = allowed.contains(role);
            try {
                call(spec.action(), callers.get(role), spec.data());
                if (!expectAllowed) {
                    problems.add(role + " was allowed");
                }
            } catch (dev.portalkit.api.PortalException e) {
                if (expectAllowed) {
                    problems.add(role + " failed: " + e.kind() + " " + e.getMessage());
                } else if (e.kind() != dev.portalkit.api.ErrorKind.PERMISSION_DENIED || !e.getMessage().contains("not authorized")) {
                    problems.add(role + " failed with " + e.kind() + " " + e.getMessage() + " instead of a clear denial");
                }
            }
        }
        assertThat(problems).as("%s of a %s dataset", what, isPrivate ? "private" : "public").isEmpty();
    }

    private record CallSpec(String action, Map<String, Object> data) {
    }

    private static String firstResourceId(Map<String, Object> dataset) {
        return (String) resourcesOf(dataset).get(0).get("id");
    }

    /**
     * A page asks auth before it draws a form or a button ({@code checkAccess} outside any action):
     * it must decide as the call would, for rules that look up memberships in the database too.
     */
    @Test
    void checkAccessOutsideAnActionDecidesAsTheCallDoes() {
        Map<String, Object> dataset = newDataset(org, false);
        for (Role role : Role.values()) {
            var ctx = portal.portal().context(callers.get(role), false);
            assertThat(ctx.checkAccess("package_create", Map.of()).allowed()).as("package_create for %s", role)
                    .isEqualTo(EDITORS.contains(role));
            assertThat(ctx.checkAccess("package_update", Map.of("id", dataset.get("id"))).allowed()).as("package_update for %s", role)
                    .isEqualTo(EDITORS.contains(role));
        }
    }

    @Test
    void packageShow() {
        check("package_show", false, EnumSet.allOf(Role.class), ds -> new CallSpec("package_show", map("id", ds.get("id"))));
        check("package_show", true, READERS, ds -> new CallSpec("package_show", map("id", ds.get("name"))));
    }

    @Test
    void packageShowOfDeletedDatasetsIsForEditors() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("package_show after delete", isPrivate, EDITORS, ds -> {
                call("package_delete", SYSADMIN, map("id", ds.get("id")));
                return new CallSpec("package_show", map("id", ds.get("id")));
            });
        }
    }

    @Test
    void packageSearchIncludePrivate() {
        Map<String, Object> pub = newDataset(org, false);
        Map<String, Object> priv = newDataset(org, true);
        for (Role role : Role.values()) {
            List<Object> withPrivate = names(dict("package_search", callers.get(role),
                    map("fq", "owner_org:" + org.get("id"), "include_private", true, "rows", 1000)));
            List<Object> withoutPrivate = names(dict("package_search", callers.get(role),
                    map("fq", "owner_org:" + org.get("id"), "rows", 1000)));
            assertThat(withPrivate).as("%s, include_private", role).contains(pub.get("name"));
            if (READERS.contains(role)) {
                assertThat(withPrivate).as("%s, include_private", role).contains(priv.get("name"));
            } else {
                assertThat(withPrivate).as("%s, include_private", role).doesNotContain(priv.get("name"));
            }
            assertThat(withoutPrivate).as("%s, without include_private", role).contains(pub.get("name"))
                    .doesNotContain(priv.get("name"));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> names(Map<String, Object> search) {
        return ((List<Map<String, Object>>) search.get("results")).stream().map(d -> d.get("name")).toList();
    }

    @Test
    void packageCreate() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("package_create", isPrivate, EDITORS, ds -> new CallSpec("package_create",
                    map("name", unique("new"), "owner_org", org.get("name"), "private", isPrivate)));
        }
    }

    @Test
    void packageUpdate() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("package_update", isPrivate, EDITORS, ds -> new CallSpec("package_update",
                    map("id", ds.get("id"), "name", ds.get("name"), "owner_org", org.get("id"), "private", isPrivate, "title", "New")));
        }
    }

    @Test
    void packagePatch() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("package_patch", isPrivate, EDITORS, ds -> new CallSpec("package_patch", map("id", ds.get("name"), "notes", "n")));
        }
    }

    @Test
    void packageDelete() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("package_delete", isPrivate, EDITORS, ds -> new CallSpec("package_delete", map("id", ds.get("id"))));
        }
    }

    @Test
    void resourceCreate() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("resource_create", isPrivate, EDITORS, ds -> new CallSpec("resource_create",
                    map("package_id", ds.get("name"), "url", "http://example.org/new.csv")));
        }
    }

    @Test
    void resourceShow() {
        check("resource_show", false, EnumSet.allOf(Role.class), ds -> new CallSpec("resource_show", map("id", firstResourceId(ds))));
        check("resource_show", true, READERS, ds -> new CallSpec("resource_show", map("id", firstResourceId(ds))));
    }

    @Test
    void resourceUpdateAndPatch() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("resource_update", isPrivate, EDITORS, ds -> new CallSpec("resource_update",
                    map("id", firstResourceId(ds), "url", "http://example.org/changed.csv")));
            check("resource_patch", isPrivate, EDITORS, ds -> new CallSpec("resource_patch", map("id", firstResourceId(ds), "name", "x")));
        }
    }

    @Test
    void resourceDelete() {
        for (boolean isPrivate : new boolean[] {false, true}) {
            check("resource_delete", isPrivate, EDITORS, ds -> new CallSpec("resource_delete", map("id", firstResourceId(ds))));
        }
    }

    @Test
    void movingADatasetNeedsRightsInTheNewOrganization() {
        Optional<UserRef> editor = callers.get(Role.EDITOR);
        Map<String, Object> ds = newDataset(org, false);
        Map<String, Object> other = newOrg(callers.get(Role.USER));
        Map<String, Object> errors = invalid("package_patch", editor, map("id", ds.get("id"), "owner_org", other.get("name")));
        assertThat(errors).containsEntry("owner_org", List.of("You cannot add a dataset to this organization"));
        assertThat(dict("package_show", SYSADMIN, map("id", ds.get("id")))).containsEntry("owner_org", org.get("id"));
    }
}
