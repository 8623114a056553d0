package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.ApiAssertions.assertInvalid;
import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpPortal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numbers in requests never wrap: a value beyond its field's type or bound is a 409 naming the
 * field (the paging parameters by {@code portal.search.rows_max} and non-negative, a multipart part
 * by the largest part number), whether it comes as a query parameter, a form field or JSON; and a
 * refused request changes nothing.
 */
class NumericInputApiTest {
    static HttpPortal http;
    static ApiClient api;
    static String admin;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder().option("portal.search.rows_max", "50"));
        api = http.api();
        admin = http.newSysadmin("admin").token();
        http.sudo("organization_create", map("name", HttpPortal.unique("org")));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @ParameterizedTest(name = "{0}?{1}={2}")
    @CsvSource({
        "user_list,          limit,  4294967297",
        "user_list,          limit,  51",
        "user_list,          offset, -1",
        "user_list,          offset, 4294967296",
        "organization_list,  limit,  4294967297",
        "group_list,         offset, 1e3",
        "package_search,     rows,   4294967297",
        "package_search,     rows,   51",
        "package_search,     start,  -5",
        "package_search,     start,  0x10",
        "files_file_search,  rows,   4294967297",
        "files_file_search,  start,  99999999999999999999",
        "files_file_search,  size,   1.5",
    })
    void anOutOfRangeOrMalformedQueryNumberIsA409NamingIt(String action, String field, String value) {
        assertInvalid(api.get(action, Map.of(field, value), admin), field);
    }

    @Test
    void numbersInJsonFollowTheSameRules() {
        assertInvalid(api.postJson("package_search", "{\"rows\": 4294967297}", admin), "rows");
        assertInvalid(api.postJson("package_search", "{\"rows\": 1e10}", admin), "rows");
        assertInvalid(api.postJson("package_search", "{\"rows\": 2.5}", admin), "rows");
        assertInvalid(api.postJson("user_list", "{\"limit\": 18446744073709551617}", admin), "limit");
        // CKAN's int_validator takes a float without a fraction and digits with spaces around.
        Reply whole = api.postJson("package_search", "{\"rows\": 5.0, \"start\": \" 0 \"}", admin);
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        Reply paged = api.get("organization_list", Map.of("limit", "50", "offset", "0"), admin);
        assertThat(paged.status()).as(paged.body()).isEqualTo(200);
        assertThat((List<?>) paged.result()).hasSize(1);
    }

    /** A link's duration in seconds is a whole number too: 2^64 + 1 is not a one-second link, 1.5 is not one second. */
    @Test
    @SuppressWarnings("unchecked")
    void aLinkDurationIsAWholeNumberOfSeconds() {
        Reply created = api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "d.txt", "text/plain", "linked".getBytes(StandardCharsets.UTF_8))
                .field("name", HttpPortal.unique("linked") + ".txt"), admin);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = (String) ((Map<String, Object>) created.result()).get("id");
        for (String duration : new String[] {"18446744073709551617", "1.5", "\"99999999999999999999\""}) {
            assertInvalid(api.postJson("files_file_link", "{\"id\": \"" + id + "\", \"type\": \"temporal\", \"duration\": " + duration + "}",
                    admin), "duration");
        }
        Reply ok = api.postJson("files_file_link", "{\"id\": \"" + id + "\", \"type\": \"temporal\", \"duration\": 600.0}", admin);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPartNumberBeyondTheLargestIsRefusedAndStoresNoPart() {
        Reply started = api.postJson("files_multipart_start", "{\"name\": \"" + HttpPortal.unique("parts") + ".bin\", \"size\": 10}", admin);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        String id = (String) ((Map<String, Object>) started.result()).get("id");
        for (String part : new String[] {"4294967297", "10001", "0", "-1", "1e0"}) {
            Reply sent = api.multipart("files_multipart_update", new ApiClient.Multipart()
                    .file("upload", "blob", "application/octet-stream", "01234".getBytes(StandardCharsets.UTF_8))
                    .field("id", id).field("part", part), admin);
            assertInvalid(sent, "part");
        }
        Map<String, Object> upload = (Map<String, Object>) api.call("files_multipart_refresh", map("id", id), admin).result();
        assertThat((Map<String, Object>) upload.get("parts")).isEmpty();
    }
}
