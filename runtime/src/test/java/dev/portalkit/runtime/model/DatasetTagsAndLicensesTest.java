package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.testing.TestDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dataset model as CKAN users know it: free tags and vocabulary tags, {@code tag_string},
 * licenses from the register, the fields package_show adds, a shown dataset sent back unchanged,
 * and bad input refused naming the field with nothing stored.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class DatasetTagsAndLicensesTest extends ModelTestBase {
    private Optional<UserRef> editor;
    private Map<String, Object> org;
    private Map<String, Object> vocabulary;

    @BeforeParameterizedClassInvocation
    void setUp() {
        editor = newUser("editor");
        org = newOrg(editor);
        vocabulary = dict("vocabulary_create", SYSADMIN, map("name", unique("country"),
                "tags", List.of(map("name", "uk"), map("name", "france"))));
    }

    @Test
    void aCkanDatasetRoundTripsThroughCreateAndShow() {
        String name = unique("roundtrip");
        Map<String, Object> sent = map("name", name, "title", "Rainfall", "owner_org", org.get("name"), "license_id", "cc-by",
                "tags", List.of(map("name", "weather"), map("name", "Rain fall"), map("name", "uk", "vocabulary_id", vocabulary.get("name"))),
                "extras", List.of(map("key", "spatial", "value", "{\"type\": \"Point\"}")),
                "resources", List.of(map("name", "data.csv", "url", "http://example.org/data.csv", "format", "CSV")));
        Map<String, Object> created = dict("package_create", editor, sent);
        Map<String, Object> shown = dict("package_show", ANONYMOUS, map("id", name));
        assertThat(shown).isEqualTo(created);
        assertThat(shown).containsEntry("license_id", "cc-by").containsEntry("license_title", "Creative Commons Attribution")
                .containsEntry("license_url", "http://www.opendefinition.org/licenses/cc-by").containsEntry("isopen", true)
                .containsEntry("num_tags", 3).containsEntry("num_resources", 1)
                .containsKeys("relationships_as_object", "relationships_as_subject", "organization", "metadata_created");
        assertThat(tags(shown)).extracting(t -> t.get("name"), t -> t.get("vocabulary_id"))
                .containsExactly(tuple("Rain fall", null), tuple("uk", vocabulary.get("id")),
                        tuple("weather", null));
        assertThat(tags(shown)).allSatisfy(t -> assertThat(t).containsKeys("id", "display_name", "state"));
        assertThat((List<?>) shown.get("extras")).singleElement().isEqualTo(map("key", "spatial", "value", "{\"type\": \"Point\"}"));

        // What package_show answered goes back through package_update unchanged.
        Map<String, Object> updated = dict("package_update", editor, shown);
        assertThat(without(updated, "metadata_modified")).isEqualTo(without(shown, "metadata_modified"));
        // package_patch keeps what it is not given; package_update without tags clears them (CKAN).
        Map<String, Object> patched = dict("package_patch", editor, map("id", name, "title", "Rainfall 2"));
        assertThat(tags(patched)).hasSize(3);
        Map<String, Object> cleared = dict("package_update", editor, map("id", name, "name", name, "owner_org", org.get("id")));
        assertThat(cleared).containsEntry("num_tags", 0).containsEntry("isopen", false);
        assertThat(cleared).doesNotContainKey("license_title");
    }

    @Test
    void tagStringAddsFreeTags() {
        Map<String, Object> ds = dict("package_create", editor, map("name", unique("ts"), "owner_org", org.get("id"),
                "tag_string", "economy, health ,economy", "tags", List.of(map("name", "budget"))));
        assertThat(tags(ds)).extracting(t -> t.get("name")).containsExactly("budget", "economy", "health");
        assertThat(ds).doesNotContainKey("tag_string");
    }

    @Test
    void badTagsLicensesAndUnknownFieldsAreRefusedNamingTheFieldAndStoreNothing() {
        String name = unique("refused");
        Map<String, Object> base = map("name", name, "owner_org", org.get("id"));
        assertThat(invalid("package_create", editor, with(base, "license_id", "no-such-license")))
                .containsEntry("license_id", List.of("License not found: 'no-such-license' is not in license_list"));
        assertThat(invalid("package_create", editor, with(base, "tags", List.of(map("name", "x".repeat(101))))))
                .containsKey("tags");
        assertThat(invalid("package_create", editor, with(base, "tags", List.of(map("name", "ok"), map("name", "bad/tag")))).get("tags"))
                .asString().contains("can only contain alphanumeric");
        assertThat(invalid("package_create", editor, with(base, "tags", List.of(map("name", "a")))).get("tags"))
                .asString().contains("less than minimum 2");
        assertThat(invalid("package_create", editor, with(base, "tag_string", "fine, no<script>")).get("tags"))
                .asString().contains("no<script>");
        assertThat(invalid("package_create", editor, with(base, "tags", List.of(map("name", "uk", "vocabulary_id", "no-such-vocab")))).get("tags"))
                .asString().contains("Tag vocabulary was not found.");
        assertThat(invalid("package_create", editor, with(base, "tags", List.of(map("name", "germany", "vocabulary_id", vocabulary.get("id"))))).get("tags"))
                .asString().contains("does not belong to vocabulary " + vocabulary.get("name"));
        assertThat(invalid("package_create", editor, with(base, "colour", "red")))
                .containsEntry("colour", List.of("The input field colour was not expected."));
        notFound("package_show", SYSADMIN, map("id", name));
        assertThat(call("tag_list", ANONYMOUS, map("query", "germany"))).isEqualTo(List.of());
    }

    @Test
    void vocabulariesAreForSysadminsAndTheirTagsForEveryone() {
        denied("vocabulary_create", editor, map("name", unique("nope")));
        denied("tag_create", editor, map("name", "spain", "vocabulary_id", vocabulary.get("id")));
        Map<String, Object> spain = dict("tag_create", SYSADMIN, map("name", "spain", "vocabulary_id", vocabulary.get("name")));
        assertThat(spain).containsEntry("vocabulary_id", vocabulary.get("id"));
        assertThat(invalid("tag_create", SYSADMIN, map("name", "spain", "vocabulary_id", vocabulary.get("id")))).containsKey("name");
        assertThat(call("tag_list", ANONYMOUS, map("vocabulary_id", vocabulary.get("name")))).isEqualTo(List.of("france", "spain", "uk"));
        assertThat(dict("vocabulary_show", ANONYMOUS, map("id", vocabulary.get("name")))).containsEntry("id", vocabulary.get("id"));
        assertThat(dicts("vocabulary_list", ANONYMOUS, map())).extracting(v -> v.get("name")).contains(vocabulary.get("name"));
        assertThat(invalid("vocabulary_create", SYSADMIN, map("name", vocabulary.get("name")))).containsKey("name");

        String free = unique("freetag");
        String ds = (String) dict("package_create", editor, map("name", unique("tagged"), "owner_org", org.get("id"),
                "tags", List.of(map("name", free), map("name", "spain", "vocabulary_id", vocabulary.get("id"))))).get("name");
        assertThat(call("tag_list", ANONYMOUS, map("query", free))).isEqualTo(List.of(free));
        assertThat(dict("tag_show", ANONYMOUS, map("id", free, "include_datasets", true)).get("packages")).asString().contains(ds);
        notFound("tag_show", ANONYMOUS, map("id", unique("missing")));

        // A vocabulary losing a tag takes it off its datasets (and out of their search entries).
        String vocabName = (String) vocabulary.get("name");
        assertThat(dict("package_search", ANONYMOUS, map("fq", "vocab_" + vocabName + ":spain"))).containsEntry("count", 1L);
        dict("vocabulary_update", SYSADMIN, map("id", vocabulary.get("id"), "tags", List.of(map("name", "uk"), map("name", "france"))));
        assertThat(tags(dict("package_show", ANONYMOUS, map("id", ds)))).extracting(t -> t.get("name")).containsExactly(free);
        assertThat(dict("package_search", ANONYMOUS, map("fq", "vocab_" + vocabName + ":spain"))).containsEntry("count", 0L);
    }

    @Test
    void theLicenseRegisterIsCkans() {
        List<Map<String, Object>> licenses = dicts("license_list", ANONYMOUS, map());
        assertThat(licenses).hasSize(15);
        assertThat(licenses).extracting(l -> l.get("id")).startsWith("notspecified", "odc-pddl").endsWith("other-closed");
        assertThat(licenses).filteredOn(l -> "odc-odbl".equals(l.get("id"))).singleElement().satisfies(l -> assertThat(l)
                .containsEntry("title", "Open Data Commons Open Database License (ODbL)").containsEntry("od_conformance", "approved")
                .containsEntry("domain_data", true).containsEntry("is_okd_compliant", true));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tags(Map<String, Object> dataset) {
        return (List<Map<String, Object>>) dataset.get("tags");
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(base);
        out.put(key, value);
        return out;
    }

    private static Map<String, Object> without(Map<String, Object> dict, String key) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(dict);
        out.remove(key);
        List<Object> resources = new ArrayList<>();
        for (Object r : (List<?>) out.getOrDefault("resources", List.of())) {
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = new java.util.LinkedHashMap<>((Map<String, Object>) r);
            copy.remove("metadata_modified");
            resources.add(copy);
        }
        out.put("resources", resources);
        return out;
    }
}
