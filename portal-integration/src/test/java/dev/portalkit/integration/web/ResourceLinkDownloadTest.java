package dev.portalkit.integration.web;

import static dev.portalkit.integration.testing.HttpPortal.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpProbe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The download route of a link resource, {@code /dataset/<id>/resource/<rid>/download/<name>}
 * (#11, finding 14): it redirects only to an absolute http, https or ftp URL that parses; any
 * other {@code url} (CKAN takes free text there) is a 404 with the JSON envelope, never a 500 and
 * never a {@code Location: javascript:...}.
 */
class ResourceLinkDownloadTest {
    static HttpPortal http;
    static HttpProbe probe;
    static String datasetId;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder());
        probe = new HttpProbe(http.uri());
        String org = (String) http.sudo("organization_create", map("name", HttpPortal.unique("org"))).get("id");
        datasetId = (String) http.sudo("package_create", map("name", HttpPortal.unique("links"), "owner_org", org)).get("id");
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:text/html,<script>alert(1)</script>", "http://a b/", "javascript:alert(document.cookie)",
        "JavaScript:alert(1)", "vbscript:msgbox(1)", "file:///etc/passwd", "mailto:someone@example.org", "http://",
        "http:///nohost", "//example.org/protocol-relative.csv", "example.org/no-scheme.csv", "not a url at all",
        "http://exa mple.org/x", "https://[::1/broken", "%zz"})
    void aUrlThatIsNoWebLinkIsA404(String url) {
        HttpProbe.Reply reply = probe.get(downloadPath(resourceWith(url)));
        assertThat(reply.status()).as(url + ": " + reply.text()).isEqualTo(404);
        assertThat(reply.header("Location")).isNull();
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.error()).containsEntry("__type", "Not Found Error");
        assertThat(reply.error().get("message").toString()).contains("http, https or ftp");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.org/data.csv", "https://example.org/a%20b.csv?x=1#top", "HTTPS://Example.org/UP.CSV",
        "ftp://ftp.example.org/pub/data.zip", "http://[::1]:8080/v6.csv"})
    void aWebLinkIsARedirect(String url) {
        HttpProbe.Reply reply = probe.get(downloadPath(resourceWith(url)));
        assertThat(reply.status()).as(url + ": " + reply.text()).isEqualTo(302);
        assertThat(reply.header("Location")).isEqualTo(url);
    }

    @Test
    void aHeadOfABrokenLinkIsA404Too() {
        HttpProbe.Reply reply = probe.send("HEAD", downloadPath(resourceWith("javascript:alert(1)")));
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.header("Location")).isNull();
    }

    private static String resourceWith(String url) {
        Map<String, Object> resource = http.sudo("resource_create", map("package_id", datasetId, "url", url, "name", "link"));
        return (String) resource.get("id");
    }

    private static String downloadPath(String resourceId) {
        return "dataset/" + datasetId + "/resource/" + resourceId + "/download/" + URLEncoder.encode("file.csv", StandardCharsets.UTF_8);
    }
}
