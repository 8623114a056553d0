package dev.portalkit.integration.standalone;

import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.testservers.Azurite;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's secure URLs ({@code use_secure_urls}) on Azure, as ResourceUploadsS3IT checks them on S3:
 * a standalone {@code portalkit.jar serve} whose default storage is {@code files:azure_blob} on Azurite
 * (the adapter only from the plugin's drop-in jar), streaming downloads ({@code download = proxy}) and
 * {@code portal.files.use_secure_urls = true}: a resource file of a private dataset is, for a member, a
 * 302 to a SAS URL of Azurite that works without any credential of the portal, stops working after
 * {@code secure_url_ttl} (Azurite judges), and is refused when tampered with.
 */
class ResourceSecureUrlsAzureIT {
    private static final String CONTAINER = "portal-files";
    /** Short, so that the expiry test waits a few seconds only. */
    private static final int SECURE_URL_TTL = 5;
    private static final String CSV = "river,length_km\nDanube,2850\nRhine,1230\n";

    static Path tmp;
    static Path dataDir;
    static Azurite azurite;
    static ServeProcess serve;
    static ApiClient api;
    static HttpProbe http;
    static String adminToken;
    static String memberToken;
    static String privateDataset;

    @BeforeAll
    static void startPortal() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "resources-azure-").toAbsolutePath();
        dataDir = tmp.resolve("portal-data");
        Path pluginsDir = Files.createDirectories(dataDir.resolve("plugins"));
        Path jar = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-azure-plugin.jar");
        assertThat(jar).as("the drop-in jar of plugins/storage-azure, copied by the build").exists();
        Files.copy(jar, pluginsDir.resolve(jar.getFileName()));
        azurite = Azurite.start(null);
        Path config = tmp.resolve("portal.properties");
        Files.writeString(config, String.join("\n",
                "portal.plugins = storage-azure",
                "portal.auth.password_iterations = 1000",
                "portal.files.storage.default.type = files:azure_blob",
                "portal.files.storage.default.container = " + CONTAINER,
                "portal.files.storage.default.connection_string = " + azurite.connectionString(),
                "portal.files.storage.default.prefix = portal/",
                "portal.files.storage.default.create_container = true",
                "portal.files.storage.default.download = proxy",
                "portal.files.use_secure_urls = true",
                "portal.files.secure_url_ttl = " + SECURE_URL_TTL,
                ""));
        String[] common = {"--data-dir", dataDir.toString(), "--config", config.toString()};
        PortalkitCli cli = new PortalkitCli(PortalkitCli.jar(), Files.createDirectories(tmp.resolve("cli")));
        serve = ServeProcess.start(PortalkitCli.jar(), "128m", tmp, common);
        api = new ApiClient(serve.uri());
        http = new HttpProbe(serve.uri());

        cli.ok(Map.of(), command(common, "user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret", "--sysadmin"));
        adminToken = cli.ok(Map.of(), command(common, "token", "create", "admin")).lastLine();
        assertDict(api, "user_create", api.call("user_create", Map.of("name", "alice", "email", "alice@example.org",
                "password", "correct horse battery"), adminToken));
        memberToken = (String) assertDict(api, "api_token_create", api.call("api_token_create", Map.of("user", "alice", "name", "az"),
                adminToken)).get("token");
        assertDict(api, "organization_create", api.call("organization_create", Map.of("name", "sample-org"), adminToken));
        assertDict(api, "organization_member_create", api.call("organization_member_create",
                Map.of("id", "sample-org", "username", "alice", "role", "editor"), adminToken));
        privateDataset = (String) assertDict(api, "package_create", api.call("package_create", Map.of("name", "rivers",
                "owner_org", "sample-org", "private", true), adminToken)).get("id");
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (serve != null) {
            int exit = serve.stop();
            assertThat(exit).as(serve.stderr()).isIn(0, 143);
            assertThat(serve.stderr()).as("secrets in the server's output").doesNotContain(Azurite.KEY);
            serve.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void aMemberIsRedirectedToASasUrlThatWorksAndATamperedOneIsRefused() throws Exception {
        Map<String, Object> resource = uploadCsv("lengths.csv");
        URI signed = secureUrl(resourcePath(resource));
        HttpResponse<String> fetched = fetch(signed);
        assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(CSV);
        assertThat(fetched.headers().firstValue("Content-Disposition")).hasValueSatisfying(d ->
                assertThat(d).startsWith("attachment").contains("lengths.csv"));

        // Another blob with the same signature, a longer validity, a changed signature: Azurite refuses each.
        String query = signed.getRawQuery();
        String other = signed.toString().replace(signed.getRawPath(), signed.getRawPath() + "x");
        String longer = signed.toString().replace("se=" + query(signed).get("se").replace(":", "%3A"),
                "se=" + Instant.now().plus(Duration.ofDays(30)).toString().substring(0, 19).replace(":", "%3A") + "Z");
        assertThat(longer).isNotEqualTo(signed.toString());
        String sig = query(signed).get("sig");
        String forged = signed.toString().replace(java.net.URLEncoder.encode(sig, StandardCharsets.UTF_8),
                java.net.URLEncoder.encode(flip(sig), StandardCharsets.UTF_8));
        assertThat(forged).isNotEqualTo(signed.toString());
        for (String tampered : List.of(other, longer, forged)) {
            HttpResponse<String> refused = fetch(URI.create(tampered));
            assertThat(refused.statusCode()).as(tampered + " " + refused.body()).isEqualTo(403);
            assertThat(refused.body()).doesNotContain("river,length_km");
        }
        assertThat(query).contains("sig=");
    }

    @Test
    void aSasUrlStopsWorkingAfterItsTtl() throws Exception {
        Map<String, Object> resource = uploadCsv("basins.csv");
        URI signed = secureUrl(resourcePath(resource));
        assertThat(fetch(signed).statusCode()).as("fresh").isEqualTo(200);
        // Wait until the URL's own expiry (se=) has passed, with a margin; Azurite, not this test, judges.
        Instant expires = Instant.parse(query(signed).get("se"));
        assertThat(expires).isBefore(Instant.now().plusSeconds(SECURE_URL_TTL + 2));
        Duration wait = Duration.between(Instant.now(), expires.plusSeconds(2));
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }
        HttpResponse<String> expired = fetch(signed);
        assertThat(expired.statusCode()).as(expired.body()).isEqualTo(403);
        assertThat(expired.body()).doesNotContain("river,length_km");
        assertThat(fetch(secureUrl(resourcePath(resource))).body()).as("the portal signs a new one").isEqualTo(CSV);
    }

    private static String flip(String base64) {
        char first = base64.charAt(0);
        return (first == 'A' ? 'B' : 'A') + base64.substring(1);
    }

    private static Map<String, Object> uploadCsv(String name) {
        return assertDict(api, "resource_create", api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", name, "text/csv", CSV.getBytes(StandardCharsets.UTF_8)).field("package_id", privateDataset), memberToken));
    }

    /** The route's answer for the member: a 302 to a SAS URL of Azurite (not the portal). */
    private static URI secureUrl(String path) {
        HttpProbe.Reply reply = http.get(path, "Authorization", memberToken);
        assertThat(reply.status()).as(reply.text()).isEqualTo(302);
        URI signed = URI.create(reply.header("Location"));
        assertThat(signed.getPort()).as("a URL of Azurite").isEqualTo(azurite.port());
        assertThat(signed.getRawQuery()).contains("sig=");
        return signed;
    }

    private static HttpResponse<String> fetch(URI url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String resourcePath(Map<String, Object> resource) {
        String path = URI.create((String) resource.get("url")).getRawPath();
        return path.substring(path.indexOf("dataset/"));
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String[] command(String[] common, String... words) {
        List<String> all = new ArrayList<>(List.of(words));
        all.addAll(List.of(common));
        return all.toArray(new String[0]);
    }
}
