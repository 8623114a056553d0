package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.TestDb;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code files_file_search}: column, owner and storage-data filters, operators, sorting, paging. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileSearchTest extends FileApiTestBase {
    private String prefix;
    private Map<String, Object> a;
    private Map<String, Object> b;
    private Map<String, Object> c;
    private Map<String, Object> d;

    @BeforeParameterizedClassInvocation
    void files() {
        prefix = unique("s");
        a = create(SYSADMIN, "tagged", prefix + "-a.csv", "x,y\n1,2\n");
        b = create(SYSADMIN, "tagged2", prefix + "-b.txt", "bb");
        c = create(SYSADMIN, "mem", prefix + "-c.txt", "cccccc");
        d = dict("files_file_create", portal.portal().context(java.util.Optional.empty(), true),
                map("storage", "mem", "name", prefix + "-d.json", "upload", "{\"d\": 1}"));
        call("files_file_pin", SYSADMIN, map("id", c.get("id")));
    }

    private List<Object> ids(Map<String, Object> filters) {
        Map<String, Object> data = map("rows", 100);
        data.putAll(filters);
        return results(dict("files_file_search", SYSADMIN, data)).stream().map(f -> f.get("id"))
                .filter(id -> List.of(a.get("id"), b.get("id"), c.get("id"), d.get("id")).contains(id)).toList();
    }

    @Test
    void columnsFilterByEqualityListsAndOperators() {
        assertThat(ids(map("name", prefix + "-b.txt"))).containsExactly(b.get("id"));
        assertThat(ids(map("storage", List.of("tagged", "tagged2"), "sort", "name"))).containsExactly(a.get("id"), b.get("id"));
        assertThat(ids(map("content_type", "text/csv"))).containsExactly(a.get("id"));
        assertThat(ids(map("size", Map.of("$gte", 6), "name", Map.of("$in", List.of(prefix + "-a.csv", prefix + "-c.txt", prefix + "-d.json")))))
                .containsExactlyInAnyOrder(a.get("id"), c.get("id"), d.get("id"));
        assertThat(ids(map("size", Map.of("$gt", 2, "$lte", 8), "storage", "mem"))).containsExactly(c.get("id"), d.get("id"));
        assertThat(ids(map("hash", a.get("hash")))).containsExactly(a.get("id"));
        assertThat(ids(map("id", c.get("id"), "ctime", Map.of("$lte", c.get("ctime"))))).containsExactly(c.get("id"));
        assertThat(ids(map("mtime", null, "id", c.get("id")))).containsExactly(c.get("id"));
        assertThat(ids(map("storage", List.of()))).isEmpty();
    }

    @Test
    void ownerFiltersIncludeUnownedAndPinnedFiles() {
        assertThat(ids(map("owner_type", null))).containsExactly(d.get("id"));
        assertThat(ids(map("owner_type", "user", "owner_id", "sysadmin-id", "sort", "name")))
                .containsExactly(a.get("id"), b.get("id"), c.get("id"));
        assertThat(ids(map("pinned", true))).containsExactly(c.get("id"));
        assertThat(ids(map("pinned", false, "sort", "name"))).containsExactly(a.get("id"), b.get("id"), d.get("id"));
        assertThat(ids(map("owner_id", map("$ne", null), "storage", "mem"))).containsExactly(c.get("id"));
    }

    @Test
    void storageDataKeysFilterNestedOrDottedThroughTheIndex() {
        assertThat(ids(map("storage_data", Map.of("bucket", "b1")))).containsExactly(a.get("id"));
        assertThat(ids(map("storage_data", Map.of("bucket", List.of("b1", "b2")), "sort", "name"))).containsExactly(a.get("id"), b.get("id"));
        assertThat(ids(map("storage_data", Map.of("meta", Map.of("region", "us"))))).containsExactly(b.get("id"));
        assertThat(ids(map("storage_data.meta.region", "eu"))).containsExactly(a.get("id"));
        assertThat(ids(map("storage_data", Map.of("meta.region", "eu")))).containsExactly(a.get("id"));
        assertThat(ids(map("storage_data", Map.of("tags", "y"), "sort", "name"))).containsExactly(a.get("id"), b.get("id"));
        assertThat(ids(map("storage_data", Map.of("n", 5), "storage", "tagged2"))).containsExactly(b.get("id"));
        assertThat(ids(map("storage_data", Map.of("n", 5.0), "storage", "tagged2"))).containsExactly(b.get("id"));
        assertThat(ids(map("storage_data", Map.of("bucket", "b1", "meta", Map.of("region", "us"))))).isEmpty();
        assertThat(ids(map("storage_data", Map.of("bucket", "nope")))).isEmpty();
    }

    @Test
    void sortingAndPagingWithACount() {
        Map<String, Object> page = dict("files_file_search", SYSADMIN, map("name", Map.of("$in", List.of(prefix + "-a.csv",
                prefix + "-b.txt", prefix + "-c.txt", prefix + "-d.json")), "sort", "size desc, name", "rows", 2, "start", 1));
        assertThat(page).containsEntry("count", 4L);
        assertThat(results(page)).extracting(f -> f.get("name")).containsExactly(prefix + "-d.json", prefix + "-c.txt");
        Map<String, Object> byName = dict("files_file_search", SYSADMIN, map("name", Map.of("$in", List.of(prefix + "-a.csv",
                prefix + "-b.txt")), "sort", "-name"));
        assertThat(results(byName)).extracting(f -> f.get("name")).containsExactly(prefix + "-b.txt", prefix + "-a.csv");
        assertThat(results(dict("files_file_search", SYSADMIN, map("name", prefix + "-a.csv"))).get(0)).isEqualTo(
                dict("files_file_show", SYSADMIN, map("id", a.get("id"))));
        Map<String, Object> beyond = dict("files_file_search", SYSADMIN, map("storage", "tagged", "start", 1000));
        assertThat(results(beyond)).isEmpty();
    }

    @Test
    void badFiltersAreFieldErrors() {
        Map<String, Object> errors = invalid("files_file_search", SYSADMIN, map("colour", "red", "size", "big", "sort", "colour",
                "rows", -1, "storage_data", "x", "ctime", Map.of("$gt", "yesterday"), "pinned", Map.of("$gt", true)));
        assertThat(errors).containsOnlyKeys("colour", "size", "sort", "rows", "storage_data", "ctime", "pinned");
        assertThat(errors.get("size")).isEqualTo(List.of("Invalid integer"));
        assertThat(errors.get("rows")).isEqualTo(List.of("Must be a whole number from 0 to 1000"));
        assertThat(errors.get("sort")).asString().contains("Cannot sort by 'colour'");
        assertThat(invalid("files_file_search", SYSADMIN, map("size", Map.of("$near", 3)))).containsOnlyKeys("size");
    }
}
