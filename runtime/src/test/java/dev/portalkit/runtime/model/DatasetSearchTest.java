package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code package_search} on the built-in index, on H2 (word index) and PostgreSQL (full-text
 * search): relevance order, facet counts, {@code fq} on every faceted field, sort and paging,
 * private datasets for members only, deleted ones never, and the index following the changes of
 * resources, organizations and a rebuild. Every query is scoped by a marker tag of its own.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class DatasetSearchTest extends ModelTestBase {
    private Optional<UserRef> editor;
    private Optional<UserRef> outsider;
    private Map<String, Object> org;
    private Map<String, Object> otherOrg;
    private Map<String, Object> group;

    @BeforeParameterizedClassInvocation
    void setUp() {
        editor = newUser("editor");
        outsider = newUser("outsider");
        org = newOrg(editor);
        otherOrg = newOrg(editor);
        group = dict("group_create", editor, map("name", unique("grp"), "title", "A group"));
    }

    private Map<String, Object> create(String marker, Object... fields) {
        Map<String, Object> data = map(fields);
        data.putIfAbsent("name", unique("ds"));
        data.putIfAbsent("owner_org", org.get("id"));
        @SuppressWarnings("unchecked")
        List<Object> tags = new java.util.ArrayList<>((List<Object>) data.getOrDefault("tags", List.of()));
        tags.add(map("name", marker));
        data.put("tags", tags);
        return dict("package_create", editor, data);
    }

    private Map<String, Object> search(Optional<UserRef> user, Object... params) {
        return dict("package_search", user, map(params));
    }

    @Test
    void relevanceRanksTitleMatchesFirst() {
        String marker = unique("rel").replace("-", "");
        String word = unique("rainfall").replace("-", "");
        String inNotes = (String) create(marker, "title", "Weather", "notes", "Some " + word + " measurements").get("name");
        String inTitle = (String) create(marker, "title", word + " totals", "notes", word + " by month, " + word + " by year").get("name");
        String inResource = (String) create(marker, "title", "Other", "resources",
                List.of(map("name", word + " file", "url", "http://example.org/r.csv"))).get("name");
        create(marker, "title", "Unrelated");
        Map<String, Object> found = search(ANONYMOUS, "q", word, "fq", "tags:" + marker);
        assertThat(found).containsEntry("count", 3L);
        assertThat(names(found)).containsExactly(inTitle, inNotes, inResource);
        // An explicit sort wins over relevance.
        assertThat(names(search(ANONYMOUS, "q", word, "fq", "tags:" + marker, "sort", "name asc")))
                .isEqualTo(names(found).stream().sorted().toList());
    }

    @Test
    void facetsCountAndFqFiltersOnEveryFacetedField() {
        String marker = unique("fac").replace("-", "");
        create(marker, "license_id", "cc-by", "groups", List.of(map("name", group.get("name"))),
                "tags", List.of(map("name", "economy")), "extras", List.of(map("key", "level", "value", "national")),
                "resources", List.of(map("url", "http://example.org/a.csv", "format", "CSV")));
        create(marker, "license_id", "cc-by", "tags", List.of(map("name", "economy"), map("name", "health")),
                "resources", List.of(map("url", "http://example.org/a.csv", "format", "CSV"), map("url", "http://example.org/b.json", "format", "JSON")));
        create(marker, "license_id", "odc-odbl", "owner_org", otherOrg.get("id"), "tags", List.of(map("name", "health")));
        Map<String, Object> found = search(ANONYMOUS, "fq", "tags:" + marker,
                "facet.field", "[\"organization\", \"groups\", \"tags\", \"res_format\", \"license_id\"]", "rows", 0);
        assertThat(found).containsEntry("count", 3L);
        assertThat(resultsOf(found)).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> facets = (Map<String, Map<String, Object>>) found.get("facets");
        assertThat(facets.get("organization")).isEqualTo(map(org.get("name"), 2L, otherOrg.get("name"), 1L));
        assertThat(facets.get("groups")).isEqualTo(map(group.get("name"), 1L));
        assertThat(facets.get("tags")).containsEntry(marker, 3L).containsEntry("economy", 2L).containsEntry("health", 2L);
        assertThat(facets.get("res_format")).isEqualTo(map("CSV", 2L, "JSON", 1L));
        assertThat(facets.get("license_id")).isEqualTo(map("cc-by", 2L, "odc-odbl", 1L));
        assertThat(found.get("search_facets")).asString().contains("display_name=Creative Commons Attribution", "display_name=A group");

        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " tags:economy tags:health")).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " res_format:JSON")).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " license_id:odc-odbl")).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " organization:" + otherOrg.get("name"))).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " owner_org:" + org.get("id"))).containsEntry("count", 2L);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " groups:" + group.get("name"))).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " extras_level:national")).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "q", "tags:" + marker + " health", "fq", "tags:economy")).containsEntry("count", 1L);
        // facet.limit keeps the most frequent values.
        Map<String, Object> limited = search(ANONYMOUS, "fq", "tags:" + marker, "facet.field", "[\"tags\"]", "facet.limit", 1);
        assertThat(limited.get("facets")).isEqualTo(map("tags", map(marker, 3L)));
        assertThat(invalid("package_search", ANONYMOUS, map("facet.field", "[\"colour\"]"))).containsKey("facet.field");
        assertThat(invalid("package_search", ANONYMOUS, map("fq", "colour:red"))).containsKey("fq");
    }

    @Test
    void sortAndPagingWalkEveryMatchOnce() {
        String marker = unique("page").replace("-", "");
        for (int i = 0; i < 7; i++) {
            create(marker, "name", unique("p" + i), "title", "Title " + (char) ('g' - i));
        }
        List<String> seen = new java.util.ArrayList<>();
        for (int start = 0; start < 7; start += 3) {
            Map<String, Object> page = search(ANONYMOUS, "fq", "tags:" + marker, "sort", "title asc", "rows", 3, "start", start);
            assertThat(page).containsEntry("count", 7L);
            seen.addAll(titles(page));
        }
        assertThat(seen).hasSize(7).isSorted().doesNotHaveDuplicates();
        assertThat(titles(search(ANONYMOUS, "fq", "tags:" + marker, "sort", "title desc", "rows", 2))).containsExactly("Title g", "Title f");
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker, "rows", 3, "start", 10)).containsEntry("count", 7L);
    }

    @Test
    void privateDatasetsOnlyForMembersAndDeletedOnesNever() {
        String marker = unique("vis").replace("-", "");
        create(marker, "title", "Public");
        create(marker, "title", "Private", "private", true);
        String deleted = (String) create(marker, "title", "Deleted").get("id");
        call("package_delete", editor, map("id", deleted));
        create(marker, "title", "Draft", "state", "draft");

        assertThat(titles(search(ANONYMOUS, "fq", "tags:" + marker, "include_private", true))).containsExactly("Public");
        assertThat(titles(search(outsider, "fq", "tags:" + marker, "include_private", true))).containsExactly("Public");
        assertThat(titles(search(editor, "fq", "tags:" + marker))).containsExactly("Public");
        assertThat(titles(search(editor, "fq", "tags:" + marker, "include_private", true, "sort", "title asc")))
                .containsExactly("Private", "Public");
        assertThat(titles(search(editor, "fq", "tags:" + marker, "include_private", true, "include_drafts", true, "sort", "title asc")))
                .containsExactly("Draft", "Private", "Public");
        assertThat(titles(search(outsider, "fq", "tags:" + marker, "include_drafts", true))).containsExactly("Public");
        assertThat(titles(search(SYSADMIN, "fq", "tags:" + marker, "include_private", true, "sort", "title asc")))
                .containsExactly("Private", "Public");
        assertThat(search(SYSADMIN, "fq", "tags:" + marker + " state:deleted")).containsEntry("count", 0L);
    }

    @Test
    void theIndexFollowsResourcesOrganizationsAndARebuild() {
        String marker = unique("follow").replace("-", "");
        Map<String, Object> ds = create(marker, "title", "Followed");
        dict("resource_create", editor, map("package_id", ds.get("id"), "url", "http://example.org/x.xml", "format", "XML",
                "name", "quarterly " + marker));
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " res_format:XML")).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "q", "quarterly", "fq", "tags:" + marker)).containsEntry("count", 1L);

        Map<String, Object> renamed = newOrg(editor);
        dict("package_patch", editor, map("id", ds.get("id"), "owner_org", renamed.get("id")));
        String newName = unique("renamed");
        dict("organization_update", editor, map("id", renamed.get("id"), "name", newName,
                "title", "Renamed organization"));
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " organization:" + newName)).containsEntry("count", 1L);
        assertThat(search(ANONYMOUS, "q", "renamed organization", "fq", "tags:" + marker)).containsEntry("count", 1L);

        int rebuilt = ModelPlugin.of(portal.portal()).rebuildSearchIndex(n -> { });
        assertThat(rebuilt).isGreaterThanOrEqualTo(1);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker + " organization:" + newName + " res_format:XML")).containsEntry("count", 1L);
    }

    /** A search inside a transaction that changed the index, which then rolls back, leaves no phantom behind. */
    @Test
    void aRolledBackDatasetNeverShowsInSearches() {
        String marker = unique("phantom").replace("-", "");
        IllegalStateException rollback = new IllegalStateException("roll back");
        assertThatThrownBy(() -> portal.portal().inTransaction(() -> {
            dev.portalkit.api.action.ActionContext ctx = portal.portal().context(SYSADMIN, false);
            ctx.call("package_create", map("name", unique("rolled"), "owner_org", org.get("id"), "tags", List.of(map("name", marker))));
            ctx.call("package_search", map("fq", "tags:" + marker));
            throw rollback;
        })).isSameAs(rollback);
        assertThat(search(ANONYMOUS, "fq", "tags:" + marker)).containsEntry("count", 0L);
        create(marker, "title", "Committed");
        assertThat(titles(search(ANONYMOUS, "fq", "tags:" + marker))).containsExactly("Committed");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> resultsOf(Map<String, Object> found) {
        return (List<Map<String, Object>>) found.get("results");
    }

    private static List<String> names(Map<String, Object> found) {
        return resultsOf(found).stream().map(d -> (String) d.get("name")).toList();
    }

    private static List<String> titles(Map<String, Object> found) {
        return resultsOf(found).stream().map(d -> (String) d.get("title")).toList();
    }
}
