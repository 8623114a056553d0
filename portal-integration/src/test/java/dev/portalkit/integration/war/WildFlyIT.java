package dev.portalkit.integration.war;

import static dev.portalkit.integration.testing.ApiAssertions.assertDenied;
import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static dev.portalkit.integration.testing.ApiAssertions.assertInvalid;
import static dev.portalkit.integration.testing.ApiAssertions.assertNotFound;
import static dev.portalkit.integration.testing.ApiAssertions.assertSuccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.WildFlyServer;
import dev.portalkit.runtime.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * portalkit.war on a real WildFly (Jakarta EE 11: the server's Weld, RESTEasy and Undertow), with
 * the example plugin from {@code WEB-INF/lib}, the configuration from system properties and the
 * database from a JNDI datasource over PostgreSQL, set up as docs/deploy.md tells an operator to:
 * the driver deployed and the datasource added with jboss-cli, the WAR deployed, then the first
 * sysadmin and their API token created with {@code portalkit.jar user add / token create} on
 * the same database. Driven over HTTP.
 */
class WildFlyIT {
    private static final String ADMIN = "admin";

    @TempDir
    static Path tmp;

    static WildFlyServer wildfly;
    static S3InWar s3;
    static ApiClient api;
    static long startedAt;
    /** The sysadmin's token, from the CLI. */
    static String adminToken;
    static Path publicFiles;

    @BeforeAll
    static void deploy() throws Exception {
        assumeFalse(Boolean.getBoolean("skipWildFly"), "-DskipWildFly");
        startedAt = System.nanoTime();
        Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly/wildfly-39.0.1.Final"));
        Path war = Path.of(System.getProperty("portalkit.war", "target/portalkit.war"));
        assertThat(home.resolve("bin/standalone.sh")).exists();
        assertThat(war).exists();
        PortalkitCli cli = new PortalkitCli(PortalkitCli.jar(), Files.createDirectories(tmp.resolve("cli")));
        String dbUrl = PostgresServer.newDatabase();
        Path dataDir = tmp.resolve("portal-data");
        // The S3 plugin's drop-in jar in WEB-INF/lib, a files:s3 storage on an S3Proxy of this test (S3InWar).
        s3 = S3InWar.start(tmp);
        war = S3InWar.warWithS3Plugin(war, tmp);
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of(
                "portal.plugins", "example storage-s3 it-s3-probe",
                "portal.data_dir", dataDir.toString(),
                "portal.db.jndi", "java:jboss/datasources/PortalDS"));
        // A public fs storage for the download servlet's test.
        publicFiles = tmp.resolve("public-files");
        Files.createDirectories(publicFiles);
        properties.putAll(Map.of(
                "portal.files.storage.pub.type", "files:fs",
                "portal.files.storage.pub.path", publicFiles.toString(),
                "portal.files.storage.pub.recursive", "true",
                "portal.files.storage.pub.public", "true"));
        properties.putAll(s3.portalProperties(dataDir));
        wildfly = WildFlyServer.start(home, tmp.resolve("wildfly-base"), properties, s3.environment(), Duration.ofMinutes(3));
        // The operator's datasource, created as docs/deploy.md shows, with the driver the portal ships in lib/.
        Path driver = cli.library("postgresql-");
        wildfly.cli("deploy " + driver + "\n"
                + "data-source add --name=PortalDS --jndi-name=java:jboss/datasources/PortalDS --driver-name=" + driver.getFileName()
                + " --connection-url=" + dbUrl + " --user-name=postgres --password=postgres\n", Duration.ofMinutes(1));
        wildfly.deploy(war, Duration.ofMinutes(3));
        api = new ApiClient(wildfly.httpUri().resolve("portalkit/"));

        // The first sysadmin and a token: the CLI on the database the WAR uses, while the server runs.
        Map<String, String> env = Map.of("PORTAL_DB_PASSWORD", "postgres");
        String[] database = {"--data-dir", tmp.resolve("cli-data").toString(), "-o", "portal.plugins=example",
            "-o", "portal.db.url=" + dbUrl, "-o", "portal.db.user=postgres"};
        assertThat(cli.ok(env, concat(new String[] {"user", "add", ADMIN, "--email", "admin@example.org", "--password",
                "a long secret", "--sysadmin"}, database)).stdout()).contains("created sysadmin user admin");
        adminToken = cli.ok(env, concat(new String[] {"token", "create", ADMIN, "--name", "wildfly-it"}, database)).lastLine();
        assertThat(adminToken).startsWith("pkt_");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (wildfly != null) {
            wildfly.close();
            try {
                // Kept for diagnosis: target/wildfly-server.log.
                Files.writeString(Path.of("target/wildfly-server.log"), wildfly.serverLog());
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("cannot keep the WildFly log: " + e);
            }
            System.out.printf("WildFlyIT: start, deploy, tests and stop took %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
        }
    }

    @Test
    void statusShowWithTheExampleChainedAction() {
        Reply reply = api.get("status_show", Map.of(), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("help")).isEqualTo(api.base() + "api/3/action/help_show?name=status_show");
        assertThat(reply.result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("example_chained", true);
    }

    @Test
    void authOverrideOfTheExamplePlugin() {
        assertThat(api.get("config_option_show", Map.of("key", "portal.example.greeting"), null).result()).isEqualTo("Hello");
        Reply denied = api.get("config_option_show", Map.of("key", "portal.db.url"), null);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.error()).containsEntry("__type", "Authorization Error");
        // The model's token authenticator refuses a token that is no one's.
        assertThat(api.get("status_show", Map.of(), "Bearer not-a-token").status()).isEqualTo(403);
    }

    @Test
    void exampleHello() {
        assertThat(api.get("example_hello", Map.of("name", "WildFly"), null).result()).isEqualTo("Hello, WildFly!");
        assertThat(api.postJson("example_hello", "{\"name\": \"JSON\"}", null).result()).isEqualTo("Hello, JSON!");
    }

    @Test
    void multipartUploadDigest() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(11).nextBytes(content);
        Reply reply = api.multipart("example_upload_digest", new ApiClient.Multipart()
                .file("upload", "data.bin", "application/octet-stream", content)
                .field("package_id", "after-the-file"), null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.result()).isEqualTo(Map.of("filename", "data.bin", "content_type", "application/octet-stream",
                "size", content.length, "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content))));
    }

    /** The S3 plugin from WEB-INF/lib: its adapters, the bucket it made at deployment, a file there and back. */
    @Test
    void s3StorageFromThePluginJarInTheWar() throws Exception {
        assertThat(api.get("status_show", Map.of(), null).result()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .extractingByKey("extensions").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains("storage-s3");
        Reply listed = api.get("it_storage_list", Map.of(), null);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.result()).isEqualTo(Map.of(
                "adapters", Map.of("files:db", "files", "files:fs", "files", "files:memory", "files", "files:public_fs", "files",
                        "files:s3", "storage-s3", "files:s3-dynamic", "storage-s3"),
                "storages", Map.of("default", "files:fs", "pub", "files:fs", "s3", "files:s3")));
        try (var client = s3.client()) {
            assertThat(client.listBuckets().buckets()).as("created by the storage at deployment (create_bucket)")
                    .extracting(b -> b.name()).contains(S3InWar.BUCKET);

            Reply put = api.postJson("it_storage_put", "{\"storage\": \"s3\", \"location\": \"reports/wildfly.csv\", "
                    + "\"content\": \"a,b\\n1,2\\n\"}", null);
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest("a,b\n1,2\n".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(put.result()).isEqualTo(Map.of("size", 8, "hash", md5, "content_type", "text/csv",
                    "storage_data", Map.of("bucket", S3InWar.BUCKET)));
            assertThat(client.getObjectAsBytes(g -> g.bucket(S3InWar.BUCKET).key("reports/wildfly.csv")).asUtf8String())
                    .isEqualTo("a,b\n1,2\n");

            Reply got = api.get("it_storage_get", Map.of("storage", "s3", "location", "reports/wildfly.csv"), null);
            assertThat(got.status()).as(got.body()).isEqualTo(200);
            Map<?, ?> result = (Map<?, ?>) got.result();
            assertThat(result.get("content")).isEqualTo("a,b\n1,2\n");
            java.net.http.HttpResponse<String> redirected = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create((String) result.get("redirect"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(redirected.statusCode()).isEqualTo(200);
            assertThat(redirected.body()).isEqualTo("a,b\n1,2\n");
            assertThat(redirected.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"download.txt\"");
        }
        assertThat(wildfly.serverLog()).doesNotContain(S3InWar.SECRET_KEY);
    }

    @Test
    void errorsAreEnvelopesWithoutInternals() {
        for (Reply reply : new Reply[] {
            api.get("no_such_action", Map.of(), null),
            api.postJson("example_hello", "{\"name\": ", null),
            api.send("GET", "api/no/such/route", null, java.net.http.HttpRequest.BodyPublishers.noBody()),
            api.postJson("example_upload_digest", "{}", null)}) {
            assertThat(reply.status()).isIn(400, 404, 409);
            assertThat(reply.json()).containsEntry("success", false);
            assertThat(reply.body()).doesNotContain("Exception", "\tat ", "dev.portalkit.", "org.jboss");
        }
        assertThat(api.postJson("example_upload_digest", "{}", null).error()).containsEntry("__type", "Validation Error");
    }

    /** The download servlet in the WAR: the same routes, local files copied through a heap buffer. */
    @Test
    void publicDownloadWithRangesAndValidators() throws Exception {
        byte[] content = new byte[2 * 1024 * 1024 + 5];
        new Random(5).nextBytes(content);
        Files.createDirectories(publicFiles.resolve("maps"));
        Files.write(publicFiles.resolve("maps/tiles.bin"), content);
        HttpProbe http = new HttpProbe(api.base());
        HttpProbe.Reply whole = http.get("files/public-download/pub/maps/tiles.bin");
        assertThat(whole.status()).as(whole.text()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(content);
        assertThat(whole.header("Content-Length")).isEqualTo(Integer.toString(content.length));
        assertThat(whole.header("Content-Disposition")).startsWith("attachment; filename=\"tiles.bin\"");
        assertThat(whole.header("X-Content-Type-Options")).isEqualTo("nosniff");
        HttpProbe.Reply part = http.get("files/public-download/pub/maps/tiles.bin", "Range", "bytes=1048576-1048591");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 1048576, 1048592));
        assertThat(part.header("Content-Range")).isEqualTo("bytes 1048576-1048591/" + content.length);
        assertThat(http.get("files/public-download/pub/maps/tiles.bin", "If-None-Match", whole.header("ETag")).status())
                .isEqualTo(304);
        HttpProbe.Reply bad = http.get("files/public-download/pub/maps/tiles.bin", "Range", "bytes=x-y");
        assertThat(bad.status()).isEqualTo(416);
        assertThat(bad.header("Content-Range")).isEqualTo("bytes */" + content.length);
        assertThat(bad.error()).containsEntry("__type", "Range Not Satisfiable Error");
        Files.writeString(publicFiles.resolve("maps/readme.txt"), "r\u00e9sum\u00e9\n");
        HttpProbe.Reply text = http.get("files/public-download/pub/maps/readme.txt");
        assertThat(text.header("Content-Type")).as("no charset the file does not declare").isEqualTo("text/plain");
        assertThat(text.text()).isEqualTo("r\u00e9sum\u00e9\n");
        HttpProbe.Reply missing = http.get("files/public-download/pub/maps/none.bin");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(missing.error()).containsEntry("__type", "Not Found Error");
        // A tracked file that does not exist: an envelope, no stack trace.
        HttpProbe.Reply tracked = http.get("files/download/some-id");
        assertThat(tracked.status()).isEqualTo(404);
        assertThat(tracked.text()).doesNotContain("Exception", "dev.portalkit.", "org.jboss");
    }

    /** The portal model on the deployed WAR, with the tokens of real users. */
    @Test
    void modelActions() {
        // The CLI's sysadmin, through the model's token authenticator.
        assertThat(assertDict(api, "user_show", api.call("user_show", map("id", ADMIN), "Bearer " + adminToken)))
                .containsEntry("sysadmin", true).containsEntry("email", "admin@example.org");
        Map<String, Object> alice = assertDict(api, "user_create", api.call("user_create", map("name", "alice",
                "email", "alice@example.org", "password", "correct horse battery"), adminToken));
        assertThat(alice).containsEntry("name", "alice").containsEntry("sysadmin", false).doesNotContainKeys("password", "password_hash");
        assertDenied(api.call("user_create", map("name", "bob", "email", "bob@example.org", "password", "correct horse battery"), null));
        String aliceToken = (String) assertDict(api, "api_token_create", api.call("api_token_create",
                map("user", "alice", "name", "laptop"), adminToken)).get("token");

        Map<String, Object> org = assertDict(api, "organization_create", api.call("organization_create",
                map("name", "statistics", "title", "Statistics"), aliceToken));
        assertThat(org).containsEntry("name", "statistics").containsEntry("is_organization", true);
        assertThat(org.get("users")).asList().singleElement().asInstanceOf(MAP)
                .containsEntry("name", "alice").containsEntry("capacity", "admin");

        Map<String, Object> census = assertDict(api, "package_create", api.call("package_create", map("name", "census",
                "title", "Census 2026", "owner_org", "statistics", "example_code", "ex-7",
                "resources", List.of(map("name", "census.csv", "url", "http://example.org/census.csv"))), aliceToken));
        assertThat(census).containsEntry("owner_org", org.get("id")).containsEntry("private", false)
                .containsEntry("creator_user_id", alice.get("id")).containsEntry("example_code", "EX-7").containsEntry("num_resources", 1);
        assertSuccess(api, "package_create", api.call("package_create", map("name", "census-draft-figures",
                "title", "Census draft figures", "owner_org", org.get("id"), "private", true), aliceToken));
        assertDenied(api.call("package_create", map("name", "anonymous-data", "owner_org", "statistics"), null));

        Map<String, Object> shown = assertDict(api, "package_show", api.get("package_show", Map.of("id", "census"), null));
        assertThat(shown).containsEntry("id", census.get("id")).containsEntry("title", "Census 2026");
        assertThat(shown.get("resources")).asList().singleElement().asInstanceOf(MAP).containsEntry("name", "census.csv");
        assertDenied(api.get("package_show", Map.of("id", "census-draft-figures"), null));

        Map<String, Object> found = assertDict(api, "package_search", api.call("package_search",
                map("q", "census", "fq", "owner_org:statistics"), null));
        assertThat(found).containsEntry("count", 1);
        Map<String, Object> withPrivate = assertDict(api, "package_search", api.call("package_search",
                map("q", "census", "fq", "owner_org:statistics", "include_private", true, "sort", "name asc"), aliceToken));
        assertThat(withPrivate).containsEntry("count", 2);
        assertThat(((List<?>) withPrivate.get("results")).stream().map(d -> (Object) ((Map<?, ?>) d).get("name")).toList())
                .containsExactly("census", "census-draft-figures");

        // The example plugin's package_create auth override, which denies sysadmins too.
        for (String token : new String[] {aliceToken, adminToken}) {
            assertThat(assertDenied(api.call("package_create", map("name", "forbidden-census", "owner_org", "statistics"), token))
                    .get("message")).isEqualTo("The example plugin forbids dataset names starting with forbidden-");
        }
        assertNotFound(api.call("package_show", map("id", "forbidden-census"), adminToken));
        assertInvalid(api.call("package_create", map("owner_org", "statistics"), aliceToken), "name");
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        return dev.portalkit.integration.testing.HttpPortal.map(keysAndValues);
    }
}
