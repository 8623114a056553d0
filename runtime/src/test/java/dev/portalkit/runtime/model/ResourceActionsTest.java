package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

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
class ResourceActionsTest extends ModelTestBase {
    private Optional<UserRef> editor;
    private Map<String, Object> org;

    @BeforeParameterizedClassInvocation
    void setUp() {
        editor = newUser("editor");
        org = newOrg(editor);
    }

    @Test
    void createAppendsAndShowsWithExtras() {
        Map<String, Object> ds = newDataset(org, false);
        Map<String, Object> r = dict("resource_create", editor, map("package_id", ds.get("name"), "name", "second",
                "url", " http://example.org/2.json ", "format", "JSON", "size", 42, "schema_version", "3"));
        assertThat(r).containsEntry("package_id", ds.get("id")).containsEntry("position", 1).containsEntry("size", 42L)
                .containsEntry("url", "http://example.org/2.json").containsEntry("schema_version", "3").containsKeys("id", "created");
        assertThat(dict("resource_show", ANONYMOUS, map("id", r.get("id")))).isEqualTo(r);
        Map<String, Object> shown = dict("package_show", ANONYMOUS, map("id", ds.get("id")));
        assertThat(shown).containsEntry("num_resources", 2);
        assertThat(resourcesOf(shown).get(1)).isEqualTo(r);
        assertThat((String) shown.get("metadata_modified")).isGreaterThan((String) ds.get("metadata_modified"));
    }

    @Test
    void createRejectsBadInput() {
        Map<String, Object> ds = newDataset(org, false);
        assertThat(invalid("resource_create", editor, map("url", "http://example.org"))).containsEntry("package_id",
                List.of("Missing value"));
        assertThat(notFound("resource_create", editor, map("package_id", "no-such-dataset")).getMessage())
                .isEqualTo("Dataset not found: no-such-dataset");
        assertThat(invalid("resource_create", editor, map("package_id", ds.get("id"), "size", "big", "position", "x")))
                .containsKeys("size", "position");
        String existing = (String) resourcesOf(ds).get(0).get("id");
        assertThat(invalid("resource_create", editor, map("package_id", ds.get("id"), "id", existing))).containsKey("id");
        assertThat(dict("package_show", ANONYMOUS, map("id", ds.get("id")))).containsEntry("num_resources", 1);
    }

    @Test
    void updateReplacesAndPatchMerges() {
        Map<String, Object> ds = newDataset(org, false);
        String id = (String) resourcesOf(ds).get(0).get("id");
        dict("resource_patch", editor, map("id", id, "description", "About", "format", "CSV"));
        Map<String, Object> patched = dict("resource_show", ANONYMOUS, map("id", id));
        assertThat(patched).containsEntry("name", "data.csv").containsEntry("description", "About").containsEntry("format", "CSV");

        Map<String, Object> updated = dict("resource_update", editor, map("id", id, "url", "http://example.org/v2.csv"));
        assertThat(updated).containsEntry("url", "http://example.org/v2.csv").containsEntry("name", null)
                .containsEntry("description", null).containsEntry("position", 0).containsEntry("package_id", ds.get("id"));
        assertThat(invalid("resource_update", editor, map("id", id, "size", -5))).containsKey("size");
        assertThat(dict("resource_show", ANONYMOUS, map("id", id))).containsEntry("size", null);
        notFound("resource_update", editor, map("id", "no-such-resource"));
        assertThat(invalid("resource_update", editor, map())).containsEntry("id", List.of("Missing value"));
    }

    @Test
    void deleteHidesTheResourceAndRenumbers() {
        Map<String, Object> ds = newDataset(org, false);
        Map<String, Object> second = dict("resource_create", editor, map("package_id", ds.get("id"), "name", "second"));
        String first = (String) resourcesOf(ds).get(0).get("id");
        assertThat(call("resource_delete", editor, map("id", first))).isNull();
        notFound("resource_show", editor, map("id", first));
        notFound("resource_delete", editor, map("id", first));
        Map<String, Object> shown = dict("package_show", ANONYMOUS, map("id", ds.get("id")));
        assertThat(resourcesOf(shown)).singleElement().satisfies(r ->
                assertThat(r).containsEntry("id", second.get("id")).containsEntry("position", 0));
    }
}
