package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static dev.portalkit.integration.testing.ApiAssertions.assertError;
import static dev.portalkit.integration.testing.ApiAssertions.assertInvalid;
import static dev.portalkit.integration.testing.ApiAssertions.assertList;
import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tags, vocabularies, licenses and faceted search over HTTP as a CKAN client uses them: a CKAN
 * dataset JSON in, the same out; bad input a 409 naming the field, with nothing stored; the
 * search page's tag facet.
 */
class DatasetModelHttpTest {
    static HttpPortal http;
    static ApiClient api;
    static String admin;
    static String editor;
    static String org;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder());
        api = http.api();
        admin = http.newSysadmin("admin").token();
        HttpPortal.Account user = http.newUser("editor");
        editor = user.token();
        org = HttpPortal.unique("org");
        http.sudo("organization_create", map("name", org));
        http.sudo("organization_member_create", map("id", org, "username", user.name(), "role", "editor"));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void aCkanDatasetJsonRoundTripsAndIsFoundByItsFacets() {
        Map<String, Object> vocab = assertDict(api, "vocabulary_create", api.postJson("vocabulary_create",
                "{\"name\": \"" + HttpPortal.unique("themes") + "\", \"tags\": [{\"name\": \"climate\"}]}", admin));
        String name = HttpPortal.unique("http-ds");
        String json = "{\"name\": \"" + name + "\", \"title\": \"Sea level\", \"owner_org\": \"" + org + "\", \"license_id\": \"odc-odbl\","
                + " \"tags\": [{\"name\": \"ocean\"}, {\"name\": \"climate\", \"vocabulary_id\": \"" + vocab.get("id") + "\"}],"
                + " \"extras\": [{\"key\": \"frequency\", \"value\": \"monthly\"}],"
                + " \"resources\": [{\"name\": \"levels\", \"url\": \"http://example.org/levels.csv\", \"format\": \"CSV\"}]}";
        Map<String, Object> created = assertDict(api, "package_create", api.postJson("package_create", json, editor));
        Map<String, Object> shown = assertDict(api, "package_show", api.get("package_show", Map.of("id", name), null));
        assertThat(shown).isEqualTo(created).containsEntry("license_title", "Open Data Commons Open Database License (ODbL)")
                .containsEntry("num_tags", 2).containsEntry("isopen", true);
        // The shown JSON goes back as it came.
        assertDict(api, "package_update", api.call("package_update", shown, editor));

        Map<String, Object> found = assertDict(api, "package_search", api.get("package_search",
                Map.of("q", "sea level", "fq", "tags:ocean vocab_" + vocab.get("name") + ":climate extras_frequency:monthly",
                        "facet.field", "[\"tags\",\"license_id\",\"res_format\"]"), null));
        assertThat(found).containsEntry("count", 1);
        assertThat(found.get("facets")).isEqualTo(map("tags", map("ocean", 1), "license_id", map("odc-odbl", 1), "res_format", map("CSV", 1)));
        assertThat(assertList(api, "tag_list", api.get("tag_list", Map.of("query", "ocea"), null))).containsExactly("ocean");
        assertThat(assertList(api, "license_list", api.get("license_list", Map.of(), null))).hasSize(15);
    }

    @Test
    void badTagsLicensesVocabulariesAndFieldsAre409sNamingTheFieldAndStoreNothing() {
        String name = HttpPortal.unique("refused");
        String start = "{\"name\": \"" + name + "\", \"owner_org\": \"" + org + "\", ";
        assertInvalid(api.postJson("package_create", start + "\"license_id\": \"made-up\"}", editor), "license_id");
        assertInvalid(api.postJson("package_create", start + "\"tags\": [{\"name\": \"" + "t".repeat(101) + "\"}]}", editor), "tags");
        assertInvalid(api.postJson("package_create", start + "\"tags\": [{\"name\": \"semi;colon\"}]}", editor), "tags");
        assertInvalid(api.postJson("package_create", start + "\"tags\": [{\"name\": \"ok\", \"vocabulary_id\": \"nowhere\"}]}", editor), "tags");
        assertInvalid(api.postJson("package_create", start + "\"tags\": \"not-a-list\"}", editor), "tags");
        assertInvalid(api.postJson("package_create", start + "\"tag_string\": 5}", editor), "tag_string");
        assertInvalid(api.postJson("package_create", start + "\"spatial\": \"{}\"}", editor), "spatial");
        assertError(api.get("package_show", Map.of("id", name), admin), 404, "Not Found Error");
        assertInvalid(api.postJson("vocabulary_create", "{\"name\": \"x\"}", admin), "name");
        assertError(api.postJson("vocabulary_create", "{\"name\": \"" + HttpPortal.unique("v") + "\"}", editor), 403, "Authorization Error");
        assertError(api.get("vocabulary_show", Map.of("id", "no-such-vocabulary"), null), 404, "Not Found Error");
        assertInvalid(api.postJson("package_search", "{\"fq\": \"colour:red\"}", null), "fq");
    }

    @Test
    void theSearchPageFacetsTags() throws Exception {
        String tag = HttpPortal.unique("pagetag");
        assertDict(api, "package_create", api.call("package_create", map("name", HttpPortal.unique("paged"), "owner_org", org,
                "tag_string", tag + ", other"), editor));
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(http.uri() + "dataset?tags=" + tag)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-facet=\"tags\"", tag);
    }
}
