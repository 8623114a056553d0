package dev.portalkit.integration.standalone;

import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.testservers.S3ProxyServer;
import dev.portalkit.runtime.testing.TestImages;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Seed 001's FileStore flows (issue #6) and seed 000's secure URLs on S3, driven as an operator
 * and a client would: a standalone {@code portalkit.jar serve} whose <em>default</em> storage is
 * {@code files:s3} on S3Proxy, the adapter coming only from the plugin's drop-in jar in
 * {@code <data-dir>/plugins}, so the implicit {@code resources}, {@code groups}, {@code users}
 * storages are derived from it by key prefix ({@code portal/resources/},
 * {@code portal/storage/uploads/group/}, ...). What is in the bucket is checked with the AWS SDK
 * behind the portal's back.
 *
 * <p>The default storage streams downloads through the portal ({@code proxy = proxy}), and
 * {@code portal.files.use_secure_urls = true}: files of private datasets are a 302 to a presigned
 * S3Proxy URL after the permission check, those of public datasets keep being streamed.
 */
class ResourceUploadsS3IT {
    private static final String BUCKET = "portal-files";
    private static final String PREFIX = "portal/";
    /** Short, so that the expiry test waits a few seconds only; S3Proxy's clock decides. */
    private static final int SECURE_URL_TTL = 6;
    private static final String CSV = "river,length_km\nDanube,2850\nRhine,1230\n";
    private static final byte[] PNG = TestImages.png();

    static Path tmp;
    static Path dataDir;
    static Path config;
    static S3ProxyServer s3;
    static S3Client bucket;
    static ServeProcess serve;
    static ApiClient api;
    static HttpProbe http;
    static String adminToken;
    static String memberToken;
    static String outsiderToken;
    static String privateDataset;
    static String publicDataset;

    @BeforeAll
    static void startPortal() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "resources-s3-").toAbsolutePath();
        dataDir = tmp.resolve("portal-data");
        Path pluginsDir = Files.createDirectories(dataDir.resolve("plugins"));
        Path jar = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins")).resolve("portalkit-plugin-storage-s3-plugin.jar");
        assertThat(jar).as("the drop-in jar of plugins/storage-s3, copied by the build").exists();
        Files.copy(jar, pluginsDir.resolve(jar.getFileName()));
        s3 = S3ProxyServer.start(tmp);
        bucket = s3.client();
        config = tmp.resolve("portal.properties");
        Files.writeString(config, String.join("\n",
                "portal.plugins = storage-s3",
                "portal.auth.password_iterations = 1000",
                // Only the default storage: resources, groups, users and admin are derived from it.
                "portal.files.storage.default.type = files:s3",
                "portal.files.storage.default.host = " + s3.endpoint(),
                "portal.files.storage.default.region = us-east-1",
                "portal.files.storage.default.access_key = " + S3ProxyServer.ACCESS_KEY,
                "portal.files.storage.default.secret_key = " + S3ProxyServer.SECRET_KEY,
                "portal.files.storage.default.bucket = " + BUCKET,
                "portal.files.storage.default.prefix = " + PREFIX,
                "portal.files.storage.default.create_bucket = true",
                "portal.files.storage.default.proxy = proxy",
                "portal.files.use_secure_urls = true",
                "portal.files.secure_url_ttl = " + SECURE_URL_TTL,
                ""));
        PortalkitCli cli = new PortalkitCli(PortalkitCli.jar(), Files.createDirectories(tmp.resolve("cli")));
        serve = ServeProcess.start(PortalkitCli.jar(), "128m", tmp, common());
        api = new ApiClient(serve.uri());
        http = new HttpProbe(serve.uri());

        cli.ok(Map.of(), command("user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret", "--sysadmin"));
        adminToken = cli.ok(Map.of(), command("token", "create", "admin")).lastLine();
        memberToken = newUserWithToken("alice");
        outsiderToken = newUserWithToken("bob");
        assertDict(api, "organization_create", api.call("organization_create", Map.of("name", "sample-org"), adminToken));
        assertDict(api, "organization_member_create", api.call("organization_member_create",
                Map.of("id", "sample-org", "username", "alice", "role", "editor"), adminToken));
        privateDataset = (String) assertDict(api, "package_create", api.call("package_create", Map.of("name", "rivers",
                "owner_org", "sample-org", "private", true), adminToken)).get("id");
        publicDataset = (String) assertDict(api, "package_create", api.call("package_create", Map.of("name", "lakes",
                "owner_org", "sample-org", "private", false), adminToken)).get("id");
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (serve != null) {
            int exit = serve.stop();
            assertThat(exit).as(serve.stderr()).isIn(0, 143);
            assertThat(serve.stderr()).as("secrets in the server's output").doesNotContain(S3ProxyServer.SECRET_KEY);
            serve.close();
        }
        if (bucket != null) {
            bucket.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void createUpdateClearAndDownloadAResourceUploadOfAPrivateDataset() throws Exception {
        // curl -H "Authorization: $TOKEN" $API/resource_create -F upload=@lengths.csv -F package_id=rivers
        Map<String, Object> resource = uploadCsv("rivers", "lengths.csv", "application/octet-stream");
        String id = (String) resource.get("id");
        assertThat(resource).containsEntry("package_id", privateDataset).containsEntry("url_type", "upload")
                .containsEntry("size", CSV.length()).containsEntry("mimetype", "text/csv").containsEntry("format", "CSV");
        assertThat((String) resource.get("url")).endsWith("/dataset/" + privateDataset + "/resource/" + id + "/download/lengths.csv");
        Map<String, Object> file = fileShow((String) resource.get("file_id"));
        assertThat(file).containsEntry("storage", "resources").containsEntry("owner_type", "resource").containsEntry("owner_id", id);
        String firstKey = PREFIX + "resources/" + file.get("location");
        assertThat(object(firstKey)).as("in the bucket under the resources prefix").isEqualTo(CSV);

        // Members get a presigned S3Proxy URL with the route's name and type; the URL works without any portal credential.
        HttpResponse<String> fetched = fetch(secureUrl(resourcePath(resource), memberToken));
        assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(CSV);
        assertThat(fetched.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(fetched.headers().firstValue("Content-Disposition")).hasValueSatisfying(d ->
                assertThat(d).startsWith("attachment").contains("filename=\"lengths.csv\""));
        // Non-members and anonymous callers are refused by the portal: no redirect, no signed URL.
        for (String token : new String[] {outsiderToken, null}) {
            HttpProbe.Reply refused = token == null ? http.get(resourcePath(resource)) : http.get(resourcePath(resource), "Authorization", token);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.header("Location")).isNull();
            assertThat(refused.text()).doesNotContain("X-Amz-Signature", "Exception", "dev.portalkit.");
        }

        // curl ... resource_update -F upload=@lengths.json -F id=...: the old object goes once the update has committed.
        Map<String, Object> updated = assertDict(api, "resource_update", api.multipart("resource_update", new ApiClient.Multipart()
                .file("upload", "lengths.json", "text/plain", "{\"Danube\": 2850}".getBytes(StandardCharsets.UTF_8))
                .field("id", id), memberToken));
        assertThat(updated).containsEntry("url_type", "upload").containsEntry("mimetype", "application/json").containsEntry("size", 16);
        assertThat(updated.get("file_id")).isNotEqualTo(resource.get("file_id"));
        assertThat(exists(firstKey)).as("old bytes gone from the bucket after the commit").isFalse();
        String secondKey = PREFIX + "resources/" + fileShow((String) updated.get("file_id")).get("location");
        assertThat(object(secondKey)).isEqualTo("{\"Danube\": 2850}");
        HttpResponse<String> second = fetch(secureUrl(resourcePath(updated), memberToken));
        assertThat(second.body()).isEqualTo("{\"Danube\": 2850}");
        assertThat(second.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d).contains("lengths.json"));

        // curl ... resource_update -F url=http://example.com -F clear_upload=true -F id=...
        Map<String, Object> cleared = assertDict(api, "resource_update", api.multipart("resource_update", new ApiClient.Multipart()
                .field("url", "http://example.com").field("clear_upload", "true").field("id", id), memberToken));
        assertThat(cleared).containsEntry("url", "http://example.com").containsEntry("url_type", null).doesNotContainKey("file_id");
        assertThat(exists(secondKey)).as("cleared upload gone from the bucket").isFalse();
        assertThat(keys(PREFIX + "resources/")).as("nothing of this resource left").noneMatch(k -> k.endsWith("lengths.csv")
                || k.endsWith("lengths.json"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSecureUrlStopsWorkingAfterItsTtl() throws Exception {
        Map<String, Object> resource = uploadCsv(privateDataset, "basins.csv", "text/csv");
        URI signed = secureUrl(resourcePath(resource), memberToken);
        Map<String, String> query = query(signed);
        assertThat(query).containsEntry("X-Amz-Expires", String.valueOf(SECURE_URL_TTL));
        assertThat(fetch(signed).statusCode()).as("fresh").isEqualTo(200);

        // Wait until the URL's own expiry (its signing time plus its validity) has passed, with a margin for S3Proxy's
        // second-granular check; S3Proxy, not this test, judges.
        Instant expires = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .parse(query.get("X-Amz-Date"), Instant::from).plusSeconds(SECURE_URL_TTL);
        Duration wait = Duration.between(Instant.now(), expires.plusSeconds(2));
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }
        HttpResponse<String> expired = fetch(signed);
        assertThat(expired.statusCode()).as(expired.body()).isEqualTo(403);
        assertThat(expired.body()).doesNotContain("river,length_km");
        // The portal signs a new one for the member.
        assertThat(fetch(secureUrl(resourcePath(resource), memberToken)).body()).isEqualTo(CSV);
    }

    @Test
    @SuppressWarnings("unchecked")
    void publicDatasetsKeepBeingStreamedByThePortal() throws Exception {
        Map<String, Object> resource = uploadCsv(publicDataset, "areas.csv", "text/csv");
        for (String token : new String[] {null, outsiderToken}) {
            HttpProbe.Reply whole = token == null ? http.get(resourcePath(resource)) : http.get(resourcePath(resource), "Authorization", token);
            assertThat(whole.status()).as(whole.text()).isEqualTo(200);
            assertThat(whole.text()).isEqualTo(CSV);
            assertThat(whole.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(whole.header("Content-Disposition")).startsWith("attachment").contains("areas.csv");
        }
        HttpProbe.Reply range = http.get(resourcePath(resource), "Range", "bytes=0-4");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.text()).isEqualTo("river");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGroupImageIsStoredUnderTheGroupsPrefixAndShownAtItsDisplayUrl() throws Exception {
        // The image part first, as a browser form may send it.
        Map<String, Object> group = assertDict(api, "group_create", api.multipart("group_create", new ApiClient.Multipart()
                .file("image_upload", "logo.png", "image/png", PNG).field("name", "rivers-group"), adminToken));
        String location = (String) group.get("image_url");
        assertThat(location).doesNotContain(":").endsWith("logo.png");
        assertThat(exists(PREFIX + "storage/uploads/group/" + location)).as("under the groups storage's prefix").isTrue();
        String display = (String) group.get("image_display_url");
        assertThat(display).isNotBlank();
        // Anyone reaches it, following redirects as an <img> does; the bucket itself grants no public reads.
        URI url = URI.create(display);
        URI reachable = url.getPort() == URI.create("http://localhost:5000").getPort() && "localhost".equals(url.getHost())
                ? serve.uri().resolve(url.getRawPath().substring(1)) : url;
        HttpResponse<byte[]> image = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(reachable).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).as(new String(image.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(image.body()).isEqualTo(PNG);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
    }

    /**
     * {@code curl -H "Authorization: $TOKEN" $API/resource_create -F upload=@NAME -F package_id=DATASET} as the
     * member: the file part first, as in seed 001.
     */
    private static Map<String, Object> uploadCsv(String dataset, String name, String contentType) {
        return assertDict(api, "resource_create", api.multipart("resource_create", new ApiClient.Multipart()
                .file("upload", name, contentType, CSV.getBytes(StandardCharsets.UTF_8)).field("package_id", dataset), memberToken));
    }

    /** The route's answer for a member: a 302 to a URL of S3Proxy (not the portal), which is returned. */
    private static URI secureUrl(String path, String token) {
        HttpProbe.Reply reply = http.get(path, "Authorization", token);
        assertThat(reply.status()).as(reply.text()).isEqualTo(302);
        URI signed = URI.create(reply.header("Location"));
        assertThat(signed.getPort()).as("a URL of S3Proxy").isEqualTo(s3.endpoint().getPort());
        assertThat(signed.getRawQuery()).contains("X-Amz-Signature=");
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        return signed;
    }

    /** A plain GET without any credential of the portal, as a browser follows the redirect. */
    private static HttpResponse<String> fetch(URI url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The route path of a resource's {@code url} ({@code dataset/<id>/resource/<rid>/download/<name>}). */
    private static String resourcePath(Map<String, Object> resource) {
        String path = URI.create((String) resource.get("url")).getRawPath();
        return path.substring(path.indexOf("dataset/"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fileShow(String id) {
        return assertDict(api, "files_file_show", api.call("files_file_show", Map.of("id", id), adminToken));
    }

    private static String object(String key) {
        return bucket.getObjectAsBytes(g -> g.bucket(BUCKET).key(key)).asUtf8String();
    }

    private static boolean exists(String key) {
        try {
            bucket.headObject(h -> h.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static List<String> keys(String prefix) {
        return bucket.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(o -> o.key()).toList();
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

    private static String newUserWithToken(String name) {
        assertDict(api, "user_create", api.call("user_create", Map.of("name", name, "email", name + "@example.org",
                "password", "correct horse battery"), adminToken));
        return (String) assertDict(api, "api_token_create", api.call("api_token_create", Map.of("user", name, "name", "s3"),
                adminToken)).get("token");
    }

    private static String[] common() {
        return new String[] {"--data-dir", dataDir.toString(), "--config", config.toString()};
    }

    private static String[] command(String... words) {
        List<String> all = new ArrayList<>(List.of(words));
        all.addAll(List.of(common()));
        return all.toArray(new String[0]);
    }
}
