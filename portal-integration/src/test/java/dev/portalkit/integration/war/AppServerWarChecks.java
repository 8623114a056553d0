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
import dev.portalkit.integration.testing.PageClient;
import dev.portalkit.integration.testing.RawHttp;
import dev.portalkit.runtime.testing.PostgresServer;
import dev.portalkit.testservers.Azurite;
import dev.portalkit.testservers.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of portalkit.war on a real Jakarta EE server, shared by every server it is tested on
 * ({@link WildFlyIT}, {@link PayaraMicroIT}): the WAR with the example plugin and the storage
 * plugins' jars in {@code WEB-INF/lib}, the configuration from system properties and the
 * database from a JNDI datasource over PostgreSQL, set up as docs/deploy.md tells an operator to
 * (the subclass starts the server, binds the datasource and deploys the WAR its own way), then
 * the first sysadmin and their API token created with {@code portalkit.jar user add / token
 * create} on the same database. Driven over HTTP. One server per class (per-class instance).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AppServerWarChecks {
    static final String ADMIN = "admin";

    /** This class's own directory (static: JUnit fills instance fields only before each test, after @BeforeAll). */
    @TempDir
    static Path tmp;

    StoragesInWar storages;
    ApiClient api;
    long startedAt;
    /** The sysadmin's token, from the CLI. */
    String adminToken;
    Path publicFiles;

    /** The server's name, for messages (and the example plugin's greeting). */
    abstract String serverName();

    /** The system property that skips this server's test (e.g. {@code skipWildFly}). */
    abstract String skipSwitch();

    /** The JNDI name the server binds the portal's datasource to ({@code portal.db.jndi}). */
    abstract String jndiName();

    /**
     * Starts the server with {@code properties} as system properties and {@code environment},
     * binds a datasource over {@code dbUrl} (user and password {@code postgres}, through the
     * PostgreSQL driver jar {@code driver}) at {@link #jndiName()}, deploys {@code war} and
     * returns the WAR's base URL (its context path is {@code /portalkit}).
     */
    abstract URI startAndDeploy(Path war, String dbUrl, Path driver, Map<String, String> properties,
                                Map<String, String> environment) throws Exception;

    /** The server's log so far (for the secrets check and the log kept in target/). */
    abstract String serverLog();

    /** Stops the server (a no-op when it did not start). */
    abstract void stopServer();

    /**
     * Whether the server answers {@code Expect: 100-continue} with {@code 100 Continue} itself, before the
     * application sees the request (Payara's Grizzly does; Undertow leaves it to the first read of the body).
     */
    boolean continuesBeforeTheApplication() {
        return false;
    }

    @BeforeAll
    void deploy() throws Exception {
        assumeFalse(Boolean.getBoolean(skipSwitch()), "-D" + skipSwitch());
        startedAt = System.nanoTime();
        Path war = Path.of(System.getProperty("portalkit.war", "target/portalkit.war"));
        assertThat(war).exists();
        PortalkitCli cli = new PortalkitCli(PortalkitCli.jar(), Files.createDirectories(tmp.resolve("cli")));
        String dbUrl = PostgresServer.newDatabase();
        Path dataDir = tmp.resolve("portal-data");
        // The storage plugins' drop-in jars in WEB-INF/lib, a storage of each on a server of this test (StoragesInWar).
        storages = StoragesInWar.start(tmp, getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        war = StoragesInWar.warWithStoragePlugins(war, tmp);
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of(
                "portal.plugins", "example " + String.join(" ", StoragesInWar.PLUGINS),
                "portal.data_dir", dataDir.toString(),
                "portal.db.jndi", jndiName()));
        // A public fs storage for the download servlet's test.
        publicFiles = tmp.resolve("public-files");
        Files.createDirectories(publicFiles);
        properties.putAll(Map.of(
                "portal.files.storage.pub.type", "files:fs",
                "portal.files.storage.pub.path", publicFiles.toString(),
                "portal.files.storage.pub.recursive", "true",
                "portal.files.storage.pub.public", "true"));
        properties.putAll(storages.portalProperties(dataDir));
        // The operator's datasource, with the driver the portal ships in lib/.
        api = new ApiClient(startAndDeploy(war, dbUrl, cli.library("postgresql-"), properties, storages.environment(tmp)));

        // The first sysadmin and a token: the CLI on the database the WAR uses, while the server runs.
        Map<String, String> env = Map.of("PORTAL_DB_PASSWORD", "postgres");
        String[] database = {"--data-dir", tmp.resolve("cli-data").toString(), "-o", "portal.plugins=example",
            "-o", "portal.db.url=" + dbUrl, "-o", "portal.db.user=postgres"};
        assertThat(cli.ok(env, concat(new String[] {"user", "add", ADMIN, "--email", "admin@example.org", "--password",
                "a long secret", "--sysadmin"}, database)).stdout()).contains("created sysadmin user admin");
        adminToken = cli.ok(env, concat(new String[] {"token", "create", ADMIN, "--name", getClass().getSimpleName()}, database)).lastLine();
        assertThat(adminToken).startsWith("pkt_");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @AfterAll
    void shutDown() throws Exception {
        try {
            if (storages != null) {
                storages.close();
            }
        } finally {
            if (startedAt != 0) {
                stopServer();
                String name = getClass().getSimpleName();
                try {
                    // Kept for diagnosis: target/<class>-server.log.
                    Files.writeString(Path.of("target/" + name + "-server.log"), serverLog());
                } catch (java.io.IOException | RuntimeException e) {
                    System.err.println("cannot keep the " + serverName() + " log: " + e);
                }
                System.out.printf("%s: start, deploy, tests and stop took %.1f s%n", name, (System.nanoTime() - startedAt) / 1e9);
            }
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
    void thePagesRunInTheWarUnderItsContextPath() {
        PageClient b = new PageClient(api.base());
        PageClient.Answer home = b.get("/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.header("Content-Security-Policy")).isPresent();
        assertThat(home.body()).contains("href=\"/portalkit/dataset\"", "/portalkit/assets/vendor/uppy/uppy.min.js");
        assertThat(b.get("/assets/vendor/uppy/uppy.min.js").status()).isEqualTo(200);
        assertThat(b.get("/dataset").body()).contains("result-count");
        b.get("/user/login");
        PageClient.Answer login = b.post("/user/login", Map.of("login", ADMIN, "password", "a long secret"));
        assertThat(login.status()).as(login.body()).isEqualTo(303);
        assertThat(login.location()).isEqualTo("/portalkit/user/" + ADMIN);
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("portal_session=").contains("Path=/portalkit"));
        String org = "war-pages-org";
        api.call("organization_create", map("name", org), adminToken);
        assertThat(b.get("/dataset/new").status()).isEqualTo(200);
        PageClient.Answer created = b.post("/dataset/new", Map.of("name", "war-page-data", "title", "From the WAR", "owner_org", org));
        assertThat(created.status()).as(created.body()).isEqualTo(303);
        assertThat(created.location()).isEqualTo("/portalkit/dataset/war-page-data/resource/new");
        PageClient.Answer page = b.get("/dataset/war-page-data");
        assertThat(page.body()).contains("From the WAR", "id=\"example-greeting\"");
    }

    /** tus in the WAR: the servlet found by its annotation, with CDI; the upload becomes a tracked file. */
    @Test
    @SuppressWarnings("unchecked")
    void tusUploadsInTheWar() throws Exception {
        byte[] content = new byte[9 * 1024 * 1024 + 5];
        new Random(14).nextBytes(content);
        io.tus.java.client.TusClient client = new io.tus.java.client.TusClient();
        client.setUploadCreationURL(api.base().resolve("files/tus").toURL());
        client.setHeaders(Map.of("Authorization", adminToken));
        io.tus.java.client.TusUpload upload = new io.tus.java.client.TusUpload();
        upload.setInputStream(new java.io.ByteArrayInputStream(content));
        upload.setSize(content.length);
        upload.setFingerprint("war-tus");
        upload.setMetadata(new java.util.HashMap<>(Map.of("filename", "war-tus.bin")));
        io.tus.java.client.TusUploader uploader = client.createUpload(upload);
        assertThat(uploader.getUploadURL().getPath()).startsWith("/portalkit/files/tus/");
        uploader.setChunkSize(1024 * 1024);
        uploader.setRequestPayloadSize(4 * 1024 * 1024);
        for (int i = 0; i < 100 && uploader.uploadChunk() > -1; i++) {
            // every byte
        }
        uploader.finish();
        java.net.http.HttpResponse<Void> head = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        uploader.getUploadURL().toURI()).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Tus-Resumable", "1.0.0").header("Authorization", adminToken).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        String id = head.headers().firstValue("Portal-File-Id").orElseThrow();
        Reply shown = api.get("files_file_show", Map.of("id", id), adminToken);
        assertThat((Map<String, Object>) shown.result()).containsEntry("name", "war-tus.bin").containsEntry("size", content.length)
                .containsEntry("hash", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void backgroundJobsRunOnTheWarsOwnWorker() throws Exception {
        Reply enqueued = api.postJson("example_note_stats", "{}", adminToken);
        assertThat(enqueued.status()).as(enqueued.body()).isEqualTo(200);
        String id = (String) ((Map<String, Object>) enqueued.result()).get("job_id");
        // The WAR's worker (portal.jobs.worker, on by default, on the app server's managed thread) runs it; bounded wait
        // (600 looks, 100 ms apart), the assertion is on the status only.
        Map<String, Object> job = (Map<String, Object>) api.get("job_show", Map.of("id", id), adminToken).result();
        for (int i = 0; i < 600 && !"finished".equals(job.get("status")); i++) {
            Thread.sleep(100);
            job = (Map<String, Object>) api.get("job_show", Map.of("id", id), adminToken).result();
        }
        assertThat(job).containsEntry("status", "finished").containsEntry("attempts", 1);
        assertThat((Map<String, Object>) job.get("result")).containsKeys("notes", "words");
    }

    @Test
    void healthAnswersUnderTheContextPathWithTheDeploymentsChecks() {
        Reply ready = api.send("GET", "health/ready", null, java.net.http.HttpRequest.BodyPublishers.noBody());
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        assertThat(ready.json()).containsEntry("status", "UP");
        assertThat(ready.body()).contains("\"name\":\"database\",\"status\":\"UP\"").contains("\"name\":\"tasks\"")
                .contains("\"name\":\"server\",\"status\":\"UP\"").contains("\"name\":\"storage:");
        Reply live = api.send("GET", "health/live", null, java.net.http.HttpRequest.BodyPublishers.noBody());
        assertThat(live.status()).as(live.body()).isEqualTo(200);
        assertThat(live.body()).contains("\"name\":\"threads\"");
        assertThat(api.send("POST", "health", null, java.net.http.HttpRequest.BodyPublishers.noBody()).status()).isEqualTo(405);
    }

    /** Prometheus metrics in the WAR: the servlet and the filter found by their annotations; no pool gauges (the pool is the server's). */
    @Test
    void prometheusMetricsInTheWar() {
        assertThat(api.get("status_show", Map.of(), null).status()).isEqualTo(200);
        PageClient.Answer metrics = new PageClient(api.base()).get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("portalkit_http_requests_seconds_count{action=\"status_show\",route=\"action\",status=\"200\"}",
                "portalkit_tasks_pending", "portalkit_storage_errors_total{storage=\"default\"}", "jvm_memory_used_bytes")
                .doesNotContain("portalkit_db_connections_max");
    }

    /** The API description and its browser, found by the server's scan of the WAR, under the WAR's context path. */
    @Test
    @SuppressWarnings("unchecked")
    void apiDescriptionAndSwaggerUiInTheWar() {
        HttpProbe http = new HttpProbe(api.base());
        HttpProbe.Reply doc = http.get("api/openapi.json");
        assertThat(doc.status()).as(doc.text()).isEqualTo(200);
        assertThat((List<Map<String, Object>>) doc.json().get("servers")).extracting(s -> s.get("url")).containsExactly("/portalkit/api");
        assertThat((Map<String, Object>) doc.json().get("paths")).containsKeys("/action/status_show", "/action/example_hello");
        HttpProbe.Reply bare = http.get("api/docs");
        assertThat(bare.status()).isEqualTo(301);
        assertThat(bare.header("Location")).isEqualTo(api.base() + "api/docs/");
        HttpProbe.Reply page = http.get("api/docs/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(http.get("api/docs/swagger-ui-bundle.js").status()).isEqualTo(200);
    }

    @Test
    void exampleHello() {
        assertThat(api.get("example_hello", Map.of("name", serverName()), null).result()).isEqualTo("Hello, " + serverName() + "!");
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

    /**
     * The storage plugins from WEB-INF/lib: on each of their storages a file created, shown and
     * downloaded over HTTP (S3 and Azure redirect to a signed URL of their server, Redis streams
     * through the portal), its bytes checked in the backend.
     */
    @Test
    void storagePluginsFromTheWar() throws Exception {
        assertThat(api.get("status_show", Map.of(), null).result()).asInstanceOf(MAP)
                .extractingByKey("extensions").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsAll(StoragesInWar.PLUGINS);
        HttpProbe http = new HttpProbe(api.base());
        for (String storage : List.of("s3", "azure", "redis")) {
            byte[] content = ("station,level_cm\nBasel," + storage.length() * 100 + "\n# on " + storage + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Map<String, Object> file = assertDict(api, "files_file_create", api.multipart("files_file_create", new ApiClient.Multipart()
                    .file("upload", "levels.csv", "text/csv", content).field("storage", storage), adminToken));
            assertThat(file).containsEntry("storage", storage).containsEntry("name", "levels.csv").containsEntry("size", content.length)
                    .containsEntry("content_type", "text/csv")
                    .containsEntry("hash", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
            assertThat(assertDict(api, "files_file_show", api.call("files_file_show", map("id", file.get("id")), adminToken)))
                    .isEqualTo(file);
            assertThat(stored(storage, (String) file.get("location"))).as("in the backend of " + storage).isEqualTo(content);

            HttpProbe.Reply download = http.get("files/download/" + file.get("id"), "Authorization", adminToken);
            byte[] body;
            if (storage.equals("redis")) {
                assertThat(download.status()).as(download.text()).isEqualTo(200);
                assertThat(download.header("Content-Disposition")).startsWith("attachment; filename=\"levels.csv\"");
                body = download.body();
            } else {
                assertThat(download.status()).as(storage + ": " + download.text()).isIn(302, 303, 307);
                java.net.http.HttpResponse<byte[]> signed = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(download.header("Location"))).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(signed.statusCode()).as(storage).isEqualTo(200);
                assertThat(signed.headers().firstValue("Content-Disposition")).as(storage).hasValueSatisfying(
                        d -> assertThat(d).startsWith("attachment; filename=\"levels.csv\""));
                body = signed.body();
            }
            assertThat(body).as(storage).isEqualTo(content);
        }
        assertThat(serverLog()).doesNotContain(S3ProxyServer.SECRET_KEY, Azurite.KEY);
    }

    /** The bytes a storage of this test holds at a location, read behind the portal's back. */
    private byte[] stored(String storage, String location) throws Exception {
        switch (storage) {
            case "s3":
                try (var client = storages.s3().client()) {
                    return client.getObjectAsBytes(g -> g.bucket(storages.bucket()).key(location)).asByteArray();
                }
            case "azure":
                return new com.azure.storage.blob.BlobServiceClientBuilder().connectionString(storages.azurite().connectionString())
                        .buildClient().getBlobContainerClient(storages.container()).getBlobClient(location).downloadContent().toBytes();
            default:
                try (var jedis = new redis.clients.jedis.Jedis(java.net.URI.create(storages.redis().url(0)))) {
                    // files:redis keeps a file as the string <prefix><location> (docs/storage-redis.md, "Keys").
                    return jedis.get(("portal:files:redis:file_content:" + location).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
        }
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
            assertThat(reply.body()).doesNotContain("Exception", "\tat ", "dev.portalkit.", "org.jboss", "org.glassfish", "fish.payara");
        }
        assertThat(api.postJson("example_upload_digest", "{}", null).error()).containsEntry("__type", "Validation Error");
    }

    /**
     * The action API's methods, headers and body admission in the WAR (#11): the same JAX-RS resource
     * and intake as the standalone server, on Undertow.
     */
    @Test
    @SuppressWarnings("unchecked")
    void stateChangesOnlyByPostAndPermissionBeforeTheBody() throws Exception {
        // Lengths stay under Undertow's max-post-size (10 MB by default): the refusals tested are the portal's.
        Map<String, Object> file = assertDict(api, "files_file_create", api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "kept.txt", "text/plain", "kept".getBytes(java.nio.charset.StandardCharsets.UTF_8)), adminToken));
        HttpProbe http = new HttpProbe(api.base());
        for (String method : List.of("GET", "HEAD")) {
            HttpProbe.Reply refused = http.send(method, "api/3/action/files_file_delete?id=" + file.get("id"), "Authorization", adminToken);
            assertThat(refused.status()).as(method).isEqualTo(405);
            assertThat(refused.header("Allow")).isEqualTo("POST");
            assertThat(refused.header("Cache-Control")).isEqualTo("no-store");
            assertThat(refused.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
        assertSuccess(api, "files_file_show", api.call("files_file_show", map("id", file.get("id")), adminToken));
        HttpProbe.Reply status = http.get("api/3/action/status_show");
        assertThat(status.header("Cache-Control")).isEqualTo("no-store");
        assertThat(status.header("X-Content-Type-Options")).isEqualTo("nosniff");

        try (RawHttp c = RawHttp.connect(api.base(), 30_000)) {
            c.head("POST", "api/action/files_file_create", "Content-Type", "multipart/form-data; boundary=b",
                    "Content-Length", "5000000", "Expect", "100-continue");
            RawHttp.Response answer = c.read();
            if (answer.status() == 100 && continuesBeforeTheApplication()) {
                answer = c.read(); // the server's own interim answer; the portal's refusal follows, before any body byte
            }
            assertThat(answer.status()).as("the first answer to an anonymous upload's head: " + answer.head() + " " + answer.text())
                    .isEqualTo(403);
            assertThat(answer.error()).containsEntry("__type", "Authorization Error");
        }
        try (RawHttp c = RawHttp.connect(api.base(), 30_000)) {
            c.head("POST", "api/action/status_show", "Content-Type", "multipart/form-data; boundary=b", "Content-Length", "5000000");
            c.send("--b\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.bin\"\r\n\r\n");
            c.trySend(new byte[100]);
            RawHttp.Response answer = c.read();
            assertThat(answer.status()).as("a file to an action that takes none, before the rest of the body: " + answer.text())
                    .isEqualTo(400);
            assertThat(answer.error()).containsKey("attachment");
        }
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
        assertThat(tracked.text()).doesNotContain("Exception", "dev.portalkit.", "org.jboss", "org.glassfish", "fish.payara");
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
