package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class PackageActionsTest extends ModelTestBase {
    private Optional<UserRef> editor;
    private Map<String, Object> org;

    @BeforeParameterizedClassInvocation
    void setUp() {
        editor = newUser("editor");
        org = newOrg(editor);
    }

    private Map<String, Object> create(Object... fields) {
        Map<String, Object> data = map(fields);
        data.putIfAbsent("owner_org", org.get("name"));
        return dict("package_create", editor, data);
    }

    private void assertNoDataset(String name) {
        notFound("package_show", SYSADMIN, map("id", name));
    }

    @Test
    void createReturnsCkanShapedDict() {
        String name = unique("census");
        Map<String, Object> ds = create("name", name, "title", "  Census  ", "notes", "Population counts", "license_id", "cc-by",
                "url", "http://example.org/census", "extras", List.of(map("key", "source", "value", "survey")),
                "resources", List.of(map("name", "2020", "url", "http://example.org/2020.csv", "format", "CSV", "size", "123"),
                        map("name", "2021", "url", "http://example.org/2021.csv")));
        assertThat(ds).containsEntry("name", name).containsEntry("title", "Census").containsEntry("type", "dataset")
                .containsEntry("state", "active").containsEntry("private", false).containsEntry("owner_org", org.get("id"))
                .containsEntry("creator_user_id", editor.get().id()).containsEntry("num_resources", 2)
                .containsEntry("extras", List.of(map("key", "source", "value", "survey")))
                .containsKeys("id", "metadata_created", "metadata_modified", "groups");
        @SuppressWarnings("unchecked")
        Map<String, Object> organization = (Map<String, Object>) ds.get("organization");
        assertThat(organization).containsEntry("name", org.get("name")).containsEntry("is_organization", true);
        assertThat(resourcesOf(ds)).extracting(r -> r.get("name"), r -> r.get("position"), r -> r.get("package_id"))
                .containsExactly(tuple("2020", 0, ds.get("id")),
                        tuple("2021", 1, ds.get("id")));
        assertThat(resourcesOf(ds).get(0)).containsEntry("size", 123L).containsEntry("format", "CSV");

        assertThat(dict("package_show", ANONYMOUS, map("id", name))).isEqualTo(ds);
        assertThat(dict("package_show", ANONYMOUS, map("id", ds.get("id")))).isEqualTo(ds);
    }

    @Test
    void createRejectsBadInputAndChangesNothing() {
        String name = unique("bad");
        assertThat(invalid("package_create", editor, map("owner_org", org.get("id")))).containsEntry("name", List.of("Missing value"));
        assertThat(invalid("package_create", editor, map("name", "Not Valid!", "owner_org", org.get("id"))))
                .containsKey("name");
        assertThat(invalid("package_create", editor, map("name", name))).containsEntry("owner_org",
                List.of("An organization must be provided"));
        assertThat(invalid("package_create", SYSADMIN, map("name", name, "owner_org", "no-such-org")))
                .containsEntry("owner_org", List.of("Organization does not exist"));
        assertThat(invalid("package_create", editor, map("name", name, "owner_org", org.get("id"), "resources", "nope")))
                .containsEntry("resources", List.of("Must be a list"));
        assertThat(invalid("package_create", editor, map("name", name, "owner_org", org.get("id"), "private", "yes",
                "url", "not a url", "state", "weird"))).containsKeys("url", "state");
        assertThat(invalid("package_create", editor, map("name", name, "owner_org", org.get("id"),
                "extras", List.of(map("key", "a", "value", "1"), map("key", "a", "value", "2")))))
                .containsEntry("extras", List.of("There are duplicate keys: [a]"));
        assertThat(invalid("package_create", editor, map("name", name, "owner_org", org.get("id"), "id", "chosen")))
                .containsKey("id");
        assertNoDataset(name);
    }

    @Test
    void nestedResourceErrorsArePerItem() {
        String name = unique("nested");
        Map<String, Object> errors = invalid("package_create", editor, map("name", name, "owner_org", org.get("id"),
                "resources", List.of(map(), map("position", "x", "size", -1))));
        assertThat(errors).containsEntry("resources", List.of(Map.of(),
                Map.of("size", List.of("Must be a natural number"), "position", List.of("Invalid integer"))));
        assertNoDataset(name);
    }

    @Test
    void duplicateNamesAreRefused() {
        Map<String, Object> ds = create("name", unique("dup"));
        assertThat(invalid("package_create", editor, map("name", ds.get("name"), "owner_org", org.get("id"))))
                .containsEntry("name", List.of("That URL is already in use."));
        Map<String, Object> other = create("name", unique("other"));
        assertThat(invalid("package_patch", editor, map("id", other.get("id"), "name", ds.get("name"))))
                .containsEntry("name", List.of("That URL is already in use."));
        assertThat(dict("package_show", ANONYMOUS, map("id", other.get("id")))).containsEntry("name", other.get("name"));
    }

    @Test
    void unknownAndMissingIds() {
        for (String action : List.of("package_show", "package_update", "package_patch", "package_delete")) {
            assertThat(notFound(action, editor, map("id", "no-such-dataset")).getMessage())
                    .isEqualTo("Dataset not found: no-such-dataset");
            assertThat(invalid(action, editor, map())).containsEntry("id", List.of("Missing value"));
        }
    }

    @Test
    void updateReplacesFieldsAndKeepsResourcesWhenNotGiven() {
        Map<String, Object> ds = create("name", unique("upd"), "title", "Old", "notes", "Old notes",
                "extras", List.of(map("key", "k", "value", "v")),
                "resources", List.of(map("name", "r0", "url", "http://example.org/0")));
        Map<String, Object> updated = dict("package_update", editor, map("id", ds.get("name"), "name", ds.get("name"),
                "owner_org", org.get("id"), "title", "New"));
        assertThat(updated).containsEntry("title", "New").containsEntry("notes", null).containsEntry("extras", List.of())
                .containsEntry("num_resources", 1);
        assertThat((String) updated.get("metadata_modified")).isGreaterThanOrEqualTo((String) ds.get("metadata_modified"));
    }

    @Test
    void updateWithResourcesUpdatesAddsAndDropsThem() {
        Map<String, Object> ds = create("name", unique("res"), "resources", List.of(
                map("name", "keep", "url", "http://example.org/keep"), map("name", "drop", "url", "http://example.org/drop")));
        String keepId = (String) resourcesOf(ds).get(0).get("id");
        String dropId = (String) resourcesOf(ds).get(1).get("id");
        Map<String, Object> updated = dict("package_update", editor, map("id", ds.get("id"), "name", ds.get("name"),
                "owner_org", org.get("id"), "resources", List.of(map("name", "added", "url", "http://example.org/new"),
                        map("id", keepId, "name", "kept", "url", "http://example.org/keep"))));
        assertThat(resourcesOf(updated)).extracting(r -> r.get("name")).containsExactly("added", "kept");
        assertThat(resourcesOf(updated).get(1)).containsEntry("id", keepId).containsEntry("position", 1);
        notFound("resource_show", SYSADMIN, map("id", dropId));

        Map<String, Object> errors = invalid("package_update", editor, map("id", ds.get("id"), "name", ds.get("name"),
                "owner_org", org.get("id"), "resources", List.of(map("id", keepId), map("id", keepId))));
        assertThat(errors).containsKey("resources");
        assertThat(resourcesOf(dict("package_show", ANONYMOUS, map("id", ds.get("id"))))).hasSize(2);
    }

    @Test
    void patchChangesOnlyWhatIsGiven() {
        Map<String, Object> ds = create("name", unique("patch"), "title", "Title", "notes", "Notes",
                "extras", List.of(map("key", "k", "value", "v")), "resources", List.of(map("url", "http://example.org/r")));
        Map<String, Object> patched = dict("package_patch", editor, map("id", ds.get("name"), "notes", "Changed"));
        assertThat(patched).containsEntry("title", "Title").containsEntry("notes", "Changed")
                .containsEntry("extras", List.of(map("key", "k", "value", "v"))).containsEntry("num_resources", 1)
                .containsEntry("owner_org", org.get("id"));
        assertThat(resourcesOf(patched).get(0).get("id")).isEqualTo(resourcesOf(ds).get(0).get("id"));
    }

    @Test
    void deleteMarksDeletedAndHidesFromSearch() {
        Map<String, Object> ds = create("name", unique("gone"), "notes", "vanishing-" + db);
        assertThat(call("package_delete", editor, map("id", ds.get("name")))).isNull();
        assertThat(dict("package_show", editor, map("id", ds.get("id")))).containsEntry("state", "deleted");
        denied("package_show", ANONYMOUS, map("id", ds.get("id")));
        assertThat(dict("package_search", SYSADMIN, map("q", "vanishing-" + db))).containsEntry("count", 0L);
        assertThat(invalid("package_create", editor, map("name", ds.get("name"), "owner_org", org.get("id"))))
                .containsEntry("name", List.of("That URL is already in use."));
    }

    @Test
    void searchMatchesTermsFiltersPagesAndSorts() {
        String tag = unique("zebra").replace("-", "");
        Map<String, Object> other = newOrg(editor);
        create("name", unique("s-a"), "title", "Striped " + tag, "notes", "animals");
        create("name", unique("s-b"), "title", "Plain", "notes", "about " + tag.toUpperCase() + " herds");
        create("name", unique("s-c"), "title", "Plain " + tag, "owner_org", other.get("name"));
        create("name", unique("s-d"), "title", "Unrelated");

        assertThat(dict("package_search", ANONYMOUS, map("q", tag))).containsEntry("count", 3L);
        assertThat(dict("package_search", ANONYMOUS, map("q", tag + " herds"))).containsEntry("count", 1L);
        assertThat(dict("package_search", ANONYMOUS, map("q", tag, "fq", "owner_org:" + org.get("id")))).containsEntry("count", 2L);
        assertThat(dict("package_search", ANONYMOUS, map("q", tag, "fq", "organization:" + other.get("name"))))
                .containsEntry("count", 1L);
        assertThat(dict("package_search", ANONYMOUS, map("q", "title:" + tag))).containsEntry("count", 2L);
        assertThat(dict("package_search", ANONYMOUS, map("q", "\"" + tag + " herds\""))).containsEntry("count", 1L);

        Map<String, Object> page1 = dict("package_search", ANONYMOUS, map("q", tag, "sort", "name asc", "rows", 2));
        Map<String, Object> page2 = dict("package_search", ANONYMOUS, map("q", tag, "sort", "name asc", "rows", 2, "start", 2));
        assertThat(page1).containsEntry("count", 3L);
        assertThat(names(page1)).hasSize(2).isSorted();
        assertThat(names(page2)).hasSize(1).doesNotContainAnyElementsOf(names(page1));
        List<String> descending = names(dict("package_search", ANONYMOUS, map("q", tag, "sort", "name desc")));
        assertThat(descending).isEqualTo(descending.stream().sorted(java.util.Comparator.reverseOrder()).toList());
        assertThat(resultsOf(page1).get(0)).containsKeys("resources", "organization", "num_resources", "extras");
    }

    @Test
    void searchRejectsBadParameters() {
        assertThat(invalid("package_search", ANONYMOUS, map("rows", "x"))).containsKey("rows");
        assertThat(invalid("package_search", ANONYMOUS, map("start", -1))).containsKey("start");
        assertThat(invalid("package_search", ANONYMOUS, map("sort", "colour asc"))).containsKey("sort");
        assertThat(invalid("package_search", ANONYMOUS, map("fq", "colour:red"))).containsKey("fq");
        // LIKE wildcards and punctuation are text, not patterns (a word no dataset has, so the counter in names cannot match).
        assertThat(dict("package_search", ANONYMOUS, map("q", "nowhereword%_!"))).containsEntry("count", 0L);
    }

    @Test
    void groupsOfADataset() {
        Map<String, Object> group = dict("group_create", editor, map("name", unique("grp")));
        Map<String, Object> ds = create("name", unique("grouped"), "groups", List.of(map("name", group.get("name"))));
        assertThat((List<?>) ds.get("groups")).singleElement().satisfies(g ->
                assertThat(((Map<?, ?>) g).get("id")).isEqualTo(group.get("id")));
        assertThat(dict("package_search", ANONYMOUS, map("fq", "groups:" + group.get("name")))).containsEntry("count", 1L);
        assertThat(dict("group_show", ANONYMOUS, map("id", group.get("id")))).containsEntry("package_count", 1L);

        Optional<UserRef> outsider = newUser("outsider");
        Map<String, Object> otherOrg = newOrg(outsider);
        denied("package_create", outsider, map("name", unique("sneaky"), "owner_org", otherOrg.get("id"),
                "groups", List.of(map("id", group.get("id")))));
        assertThat(invalid("package_create", editor, map("name", unique("g"), "owner_org", org.get("id"),
                "groups", List.of(map("name", "no-such-group"))))).containsKey("groups");
        Map<String, Object> ungrouped = dict("package_patch", editor, map("id", ds.get("id"), "groups", List.of()));
        assertThat((List<?>) ungrouped.get("groups")).isEmpty();
    }

    @Test
    void unownedDatasetsNeedTheConfigSwitch() {
        assertThat(invalid("package_create", SYSADMIN, map("name", unique("unowned")))).containsEntry("owner_org",
                List.of("An organization must be provided"));
        assertThat(failure("package_create", newUser("nobody"), map("name", unique("x")))).satisfies(e ->
                assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED));
    }

    @Test
    void theDatasetSchemaValidatesOutsideAnActionToo() {
        var ctx = portal.portal().context(editor, false);
        Map<String, Object> valid = ctx.validate("package_create", map("name", unique("checked"), "owner_org", org.get("name")));
        assertThat(valid).containsEntry("owner_org", org.get("id"));
        Map<String, Object> ds = create("name", unique("existing"));
        var e = catchThrowableOfType(dev.portalkit.api.ValidationException.class,
                () -> ctx.validate("package_create", map("name", ds.get("name"), "owner_org", "no-such-org")));
        assertThat(e.errors()).containsEntry("name", List.of("That URL is already in use."))
                .containsEntry("owner_org", List.of("Organization does not exist"));
    }

    @Test
    void createAndUpdateSupportPostCommitTasks() {
        for (String action : List.of("package_create", "package_update", "resource_create", "resource_update",
                "group_create", "group_update", "organization_create", "organization_update", "user_create", "user_update")) {
            assertThat(portal.portal().dispatcher().actions().get(action).base().supportsTasks()).as(action).isTrue();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resultsOf(Map<String, Object> search) {
        return (List<Map<String, Object>>) search.get("results");
    }

    private static List<String> names(Map<String, Object> search) {
        return resultsOf(search).stream().map(d -> (String) d.get("name")).toList();
    }
}
