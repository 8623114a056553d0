package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertDenied;
import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static dev.portalkit.integration.testing.ApiAssertions.assertNotFound;
import static dev.portalkit.integration.testing.ApiAssertions.assertSuccess;
import static dev.portalkit.integration.testing.HttpPortal.map;
import static dev.portalkit.integration.testing.HttpPortal.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpPortal.Account;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what with an organization's datasets and resources, over HTTP with real tokens:
 * every (action, dataset visibility) row of {@link #MATRIX} is run for every role, and checks the
 * status, and that a refused call changed nothing (an allowed one changed what it should).
 * One server, one set of users and one organization for the class; actions that change a
 * dataset get a fresh one.
 */
class PackageAuthMatrixApiTest {
    enum Role { ANONYMOUS, USER, MEMBER, EDITOR, ADMIN, SYSADMIN }

    enum Visibility { PUBLIC, PRIVATE }

    /**
     * CKAN's default rules. Columns: the action, the dataset's visibility (for package_create:
     * of the dataset created), then the outcome for each {@link Role} in order: an HTTP status, or
     * for package_search (always 200, with include_private) whether the dataset is found.
     */
    private static final String[] MATRIX = {
        // action          visibility  ANONYMOUS USER    MEMBER  EDITOR  ADMIN   SYSADMIN
        "package_show      public      200       200     200     200     200     200",
        "package_show      private     403       403     200     200     200     200",
        "package_search    public      found     found   found   found   found   found",
        "package_search    private     hidden    hidden  found   found   found   found",
        "package_create    public      403       403     403     200     200     200",
        "package_create    private     403       403     403     200     200     200",
        "package_update    public      403       403     403     200     200     200",
        "package_update    private     403       403     403     200     200     200",
        "package_patch     public      403       403     403     200     200     200",
        "package_patch     private     403       403     403     200     200     200",
        "package_delete    public      403       403     403     200     200     200",
        "package_delete    private     403       403     403     200     200     200",
        "resource_show     public      200       200     200     200     200     200",
        "resource_show     private     403       403     200     200     200     200",
        "resource_create   public      403       403     403     200     200     200",
        "resource_create   private     403       403     403     200     200     200",
        "resource_update   public      403       403     403     200     200     200",
        "resource_update   private     403       403     403     200     200     200",
        "resource_patch    public      403       403     403     200     200     200",
        "resource_patch    private     403       403     403     200     200     200",
        "resource_delete   public      403       403     403     200     200     200",
        "resource_delete   private     403       403     403     200     200     200",
    };

    static HttpPortal http;
    static ApiClient api;
    static final Map<Role, Account> CALLERS = new EnumMap<>(Role.class);
    static Map<String, Object> org;
    /** Datasets that read-only cases share. */
    static final Map<Visibility, Map<String, Object>> SHARED = new EnumMap<>(Visibility.class);

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder());
        api = http.api();
        Account admin = http.newUser("admin");
        Account editor = http.newUser("editor");
        Account member = http.newUser("member");
        CALLERS.put(Role.ANONYMOUS, null);
        CALLERS.put(Role.USER, http.newUser("outsider"));
        CALLERS.put(Role.MEMBER, member);
        CALLERS.put(Role.EDITOR, editor);
        CALLERS.put(Role.ADMIN, admin);
        CALLERS.put(Role.SYSADMIN, http.newSysadmin("root"));
        // The organization and its memberships through the API, as its admin would set them up.
        org = assertDict(api, "organization_create", api.call("organization_create", map("name", unique("org")), admin.token()));
        for (Account a : List.of(editor, member)) {
            Reply added = api.call("organization_member_create", map("id", org.get("name"), "username", a.name(),
                    "role", a == editor ? "editor" : "member"), admin.token());
            assertSuccess(api, "organization_member_create", added);
        }
        for (Visibility v : Visibility.values()) {
            SHARED.put(v, newDataset(v));
        }
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String row : MATRIX) {
            String[] cells = row.trim().split("\\s+");
            assertThat(cells).as(row).hasSize(2 + Role.values().length);
            Visibility visibility = Visibility.valueOf(cells[1].toUpperCase(Locale.ROOT));
            for (Role role : Role.values()) {
                out.add(Arguments.of(cells[0], visibility, role, cells[2 + role.ordinal()]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} as {2}: {3}")
    @MethodSource("cases")
    void matrix(String action, Visibility visibility, Role role, String expected) {
        Account caller = CALLERS.get(role);
        String token = caller == null ? null : caller.token();
        if (action.equals("package_search")) {
            search(visibility, token, expected);
            return;
        }
        boolean readOnly = action.equals("package_show") || action.equals("resource_show");
        Map<String, Object> ds = readOnly ? SHARED.get(visibility) : newDataset(visibility);
        String dsId = (String) ds.get("id");
        String resourceId = (String) resources(ds).get(0).get("id");
        String newName = unique("created");
        Map<String, Object> data = switch (action) {
            case "package_show" -> map("id", ds.get("name"));
            case "package_create" -> map("name", newName, "owner_org", org.get("name"), "private", visibility == Visibility.PRIVATE);
            case "package_update" -> map("id", dsId, "name", ds.get("name"), "owner_org", org.get("id"),
                    "private", visibility == Visibility.PRIVATE, "title", "Changed");
            case "package_patch" -> map("id", ds.get("name"), "title", "Changed");
            case "package_delete" -> map("id", dsId);
            case "resource_show", "resource_delete" -> map("id", resourceId);
            case "resource_create" -> map("package_id", ds.get("name"), "url", "http://example.org/new.csv");
            case "resource_update" -> map("id", resourceId, "url", "http://example.org/changed.csv");
            case "resource_patch" -> map("id", resourceId, "url", "http://example.org/changed.csv");
            default -> throw new IllegalArgumentException(action);
        };
        Reply reply = api.call(action, data, token);
        boolean allowed = switch (expected) {
            case "200" -> true;
            case "403" -> false;
            default -> throw new IllegalArgumentException("expected 200 or 403 for " + action + ", not " + expected);
        };
        if (allowed) {
            assertSuccess(api, action, reply);
        } else {
            assertThat((String) assertDenied(reply).get("message")).contains("not authorized");
        }
        if (readOnly) {
            return;
        }
        // What the call did, seen in process: all of it when allowed, nothing when refused.
        Map<String, Object> after = action.equals("package_create") ? null : http.sudo("package_show", map("id", dsId));
        switch (action) {
            case "package_create" -> {
                Reply shown = api.call("package_show", map("id", newName), CALLERS.get(Role.SYSADMIN).token());
                if (allowed) {
                    assertThat(assertDict(api, "package_show", shown)).containsEntry("owner_org", org.get("id"))
                            .containsEntry("private", visibility == Visibility.PRIVATE);
                } else {
                    assertNotFound(shown);
                }
            }
            case "package_update", "package_patch" -> assertThat(after.get("title")).isEqualTo(allowed ? "Changed" : "A dataset");
            case "package_delete" -> assertThat(after.get("state")).isEqualTo(allowed ? "deleted" : "active");
            case "resource_create" -> assertThat(after.get("num_resources")).isEqualTo(allowed ? 2 : 1);
            case "resource_update", "resource_patch" -> assertThat(resources(after).get(0).get("url"))
                    .isEqualTo(allowed ? "http://example.org/changed.csv" : "http://example.org/data.csv");
            case "resource_delete" -> assertThat(after.get("num_resources")).isEqualTo(allowed ? 0 : 1);
            default -> throw new IllegalArgumentException(action);
        }
    }

    /** package_search with include_private finds the dataset or not; without it, private datasets are never found. */
    private static void search(Visibility visibility, String token, String expected) {
        Map<String, Object> ds = SHARED.get(visibility);
        String fq = "owner_org:" + org.get("name") + " name:" + ds.get("name");
        Map<String, Object> withPrivate = assertDict(api, "package_search",
                api.call("package_search", map("fq", fq, "include_private", true), token));
        switch (expected) {
            case "found" -> assertThat(names(withPrivate)).containsExactly(ds.get("name"));
            case "hidden" -> assertThat(names(withPrivate)).isEmpty();
            default -> throw new IllegalArgumentException("expected found or hidden for package_search, not " + expected);
        }
        assertThat(withPrivate.get("count")).isEqualTo(names(withPrivate).size());
        Map<String, Object> without = assertDict(api, "package_search", api.call("package_search", map("fq", fq), token));
        assertThat(names(without)).hasSize(visibility == Visibility.PUBLIC ? 1 : 0);
    }

    /** A dataset of the organization with one resource, created in process. */
    private static Map<String, Object> newDataset(Visibility visibility) {
        return http.sudo("package_create", map("name", unique("ds"), "title", "A dataset", "owner_org", org.get("id"),
                "private", visibility == Visibility.PRIVATE,
                "resources", List.of(map("name", "data.csv", "url", "http://example.org/data.csv"))));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resources(Map<String, Object> dataset) {
        return (List<Map<String, Object>>) dataset.get("resources");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> names(Map<String, Object> search) {
        return ((List<Map<String, Object>>) search.get("results")).stream().map(d -> d.get("name")).toList();
    }
}
