package dev.portalkit.integration.standalone;

import static dev.portalkit.integration.testing.ApiAssertions.assertDenied;
import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static dev.portalkit.integration.testing.ApiAssertions.assertNotFound;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.testservers.Azurite;
import dev.portalkit.testservers.RedisServers;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The seed's (ckanext-files') walk-through, driven only as an operator and a client would: a
 * standalone {@code portalkit.jar serve} process, the action API and the download route over
 * HTTP, and {@code portalkit.jar files ...} commands on the same data directory. It runs over a
 * {@code files:fs} storage and over S3 (S3Proxy), Azure Blob (Azurite) and Redis (redis-server)
 * storages whose adapters come <em>only</em> from the plugins' built drop-in jars copied into
 * {@code <data-dir>/plugins} plus configuration lines: nothing of the plugins is on this
 * test's class path or the portal's.
 *
 * <p>For each storage: create a file ({@code files_file_create}, multipart), show it, stream it
 * with {@code files stream}, download it over {@code /files/download/{id}}, search for it,
 * create one in a second storage (a built-in {@code files:db}), find content written straight
 * into the storage behind the portal's back with {@code files scan -u} and track it with
 * {@code files scan -t}, give the file to a private dataset ({@code files_transfer_ownership})
 * and read it as a member of the dataset's organization (and be refused as a non-member), then
 * delete it: once the delete has answered, the bytes are gone from the backend.
 */
class SeedWalkthroughIT {
    private static final String BUCKET = "walkthrough";
    private static final String CONTAINER = "walkthrough";
    private static final String REDIS_PREFIX = "portal:files:redis:file_content:";
    private static final String SECOND = "archive";

    static Path tmp;
    static Path dataDir;
    static Path config;
    static S3ProxyServer s3;
    static RedisServers.Server redis;
    static ServeProcess serve;
    static ApiClient api;
    static HttpProbe http;
    static PortalkitCli cli;
    static String adminToken;
    static String memberToken;
    static String outsiderToken;
    static String datasetId;

    /** One storage of the walk-through: its name and how the test reaches its backend directly. */
    interface Backend {
        String storage();

        /** Writes content into the backend, behind the portal's back. */
        void write(String location, byte[] content) throws Exception;

        /** Whether the backend holds something at the location. */
        boolean holds(String location) throws Exception;
    }

    static Stream<Backend> backends() {
        Path fsRoot = dataDir.resolve("storage");
        return Stream.of(
                backend("default", (location, content) -> Files.write(fsRoot.resolve(location), content),
                        location -> Files.exists(fsRoot.resolve(location))),
                backend("s3", (location, content) -> {
                    try (S3Client client = s3.client()) {
                        client.putObject(p -> p.bucket(BUCKET).key(location), RequestBody.fromBytes(content));
                    }
                }, location -> {
                    try (S3Client client = s3.client()) {
                        return client.listObjectsV2(l -> l.bucket(BUCKET).prefix(location)).contents().stream()
                                .anyMatch(o -> o.key().equals(location));
                    }
                }),
                backend("azure", (location, content) -> container().getBlobClient(location)
                                .upload(com.azure.core.util.BinaryData.fromBytes(content)),
                        location -> container().getBlobClient(location).exists()),
                backend("redis", (location, content) -> {
                    // The adapter's documented layout (docs/storage-redis.md, "Keys"): the content as the string
                    // <prefix><location>, as ckanext-files writes it, and the type in the meta hash. No hash field:
                    // analyze computes it, as for content of other tools.
                    try (Jedis jedis = new Jedis(URI.create(redis.url(0)))) {
                        jedis.set((REDIS_PREFIX + location).getBytes(StandardCharsets.UTF_8), content);
                        jedis.hset(REDIS_PREFIX + "/meta/" + location, Map.of("content_type", "text/csv"));
                    }
                }, location -> {
                    try (Jedis jedis = new Jedis(URI.create(redis.url(0)))) {
                        return jedis.exists(REDIS_PREFIX + location);
                    }
                }));
    }

    @BeforeAll
    static void startPortal() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "walkthrough-").toAbsolutePath();
        dataDir = tmp.resolve("portal-data");
        // The plugins: only their drop-in jars, as built by plugins/storage-*.
        Path pluginsDir = Files.createDirectories(dataDir.resolve("plugins"));
        Path built = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins"));
        for (String id : List.of("s3", "azure", "redis")) {
            Path jar = built.resolve("portalkit-plugin-storage-" + id + "-plugin.jar");
            assertThat(jar).as("the drop-in jar of plugins/storage-" + id + ", copied by the build").exists();
            Files.copy(jar, pluginsDir.resolve(jar.getFileName()));
        }
        s3 = S3ProxyServer.start(tmp);
        redis = RedisServers.start(null, null);
        Azurite azurite = Azurite.shared();
        // ... and configuration lines.
        config = tmp.resolve("portal.properties");
        Files.writeString(config, String.join("\n",
                "portal.plugins = storage-s3 storage-azure storage-redis",
                "portal.auth.password_iterations = 1000",
                "portal.files.storage.default.type = files:fs",
                "portal.files.storage.default.path = " + dataDir.resolve("storage"),
                "portal.files.storage.default.create_path = true",
                "portal.files.storage." + SECOND + ".type = files:db",
                "portal.files.storage.s3.type = files:s3",
                "portal.files.storage.s3.host = " + s3.endpoint(),
                "portal.files.storage.s3.region = us-east-1",
                "portal.files.storage.s3.access_key = " + S3ProxyServer.ACCESS_KEY,
                "portal.files.storage.s3.secret_key = " + S3ProxyServer.SECRET_KEY,
                "portal.files.storage.s3.bucket = " + BUCKET,
                "portal.files.storage.s3.create_bucket = true",
                "portal.files.storage.azure.type = files:azure_blob",
                "portal.files.storage.azure.connection_string = " + azurite.connectionString(),
                "portal.files.storage.azure.container = " + CONTAINER,
                "portal.files.storage.azure.create_container = true",
                "portal.files.storage.redis.type = files:redis",
                "portal.files.storage.redis.url = " + redis.url(0),
                ""));
        Path jar = PortalkitCli.jar();
        cli = new PortalkitCli(jar, Files.createDirectories(tmp.resolve("cli")));
        serve = ServeProcess.start(jar, "128m", tmp, common());
        api = new ApiClient(serve.uri());
        http = new HttpProbe(serve.uri());

        // The first sysadmin and their token from the CLI, on the data directory the server uses.
        cli.ok(Map.of(), command("user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret", "--sysadmin"));
        adminToken = cli.ok(Map.of(), command("token", "create", "admin")).lastLine();
        // The rest over HTTP: a member of the organization that owns a private dataset, and someone else.
        memberToken = newUserWithToken("alice");
        outsiderToken = newUserWithToken("bob");
        assertDict(api, "organization_create", api.call("organization_create", Map.of("name", "sample-org"), adminToken));
        assertDict(api, "organization_member_create", api.call("organization_member_create",
                Map.of("id", "sample-org", "username", "alice", "role", "member"), adminToken));
        datasetId = (String) assertDict(api, "package_create", api.call("package_create", Map.of("name", "rivers",
                "title", "Rivers of Europe", "owner_org", "sample-org", "private", true), adminToken)).get("id");
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (serve != null) {
            int exit = serve.stop();
            assertThat(exit).as(serve.stderr()).isIn(0, 143);
            assertThat(serve.stderr()).as("secrets in the server's output").doesNotContain(S3ProxyServer.SECRET_KEY, Azurite.KEY);
            serve.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @SuppressWarnings("unchecked")
    @MethodSource("backends")
    void walkThrough(Backend backend) throws Exception {
        String storage = backend.storage();
        byte[] csv = ("river,length_km\nDanube,2850\nRhine,1230\n# " + storage + "\n").getBytes(StandardCharsets.UTF_8);
        String name = storage + "-rivers.csv";

        // Create (multipart, the file part first as in the seed's curl example), show.
        Path upload = Files.write(tmp.resolve(name), csv);
        Map<String, Object> file = assertDict(api, "files_file_create", api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "rivers.csv", "text/csv", upload).field("name", name).field("storage", storage), adminToken));
        assertThat(file).containsEntry("name", name).containsEntry("storage", storage).containsEntry("size", csv.length)
                .containsEntry("content_type", "text/csv").containsEntry("hash", md5(csv)).containsEntry("owner_type", "user");
        String id = (String) file.get("id");
        String location = (String) file.get("location");
        assertThat(backend.holds(location)).as("in the backend").isTrue();
        assertThat(assertDict(api, "files_file_show", api.call("files_file_show", Map.of("id", id), adminToken))).isEqualTo(file);

        // Stream it with the CLI, whole and a range.
        Path streamed = tmp.resolve(storage + "-streamed.csv");
        cli.ok(Map.of(), command("files", "stream", id, "--output", streamed.toString()));
        assertThat(Files.readAllBytes(streamed)).isEqualTo(csv);
        assertThat(cli.ok(Map.of(), command("files", "stream", id, "--start", "16", "--end", "22")).stdout()).isEqualTo("Danube");

        // Download it over HTTP: cloud storages redirect to a signed URL of their own, the others stream.
        assertThat(download(id, adminToken)).isEqualTo(csv);

        // Search.
        Map<String, Object> found = assertDict(api, "files_file_search", api.call("files_file_search",
                Map.of("name", name, "storage", storage), adminToken));
        assertThat(found).containsEntry("count", 1);
        assertThat((List<Object>) found.get("results")).containsExactly(file);

        // A file in a second storage.
        Map<String, Object> second = assertDict(api, "files_file_create", api.multipart("files_file_create", new ApiClient.Multipart()
                .file("upload", "notes-" + storage + ".txt", "text/plain", ("notes beside " + storage).getBytes(StandardCharsets.UTF_8))
                .field("storage", SECOND), adminToken));
        assertThat(second).containsEntry("storage", SECOND).containsEntry("name", "notes-" + storage + ".txt");
        assertThat(download((String) second.get("id"), adminToken)).asString(StandardCharsets.UTF_8).isEqualTo("notes beside " + storage);

        // Content written straight into the storage: found by scan -u, tracked by scan -t; only that storage touched.
        String dropped = "dropped-" + storage + ".csv";
        byte[] droppedContent = ("lake,area_km2\nGeneva,580\n# " + storage + "\n").getBytes(StandardCharsets.UTF_8);
        backend.write(dropped, droppedContent);
        List<String> untracked = lines(cli.ok(Map.of(), command("files", "scan", "-s", storage, "-u")).stdout());
        assertThat(untracked).contains(dropped).doesNotContain(location);
        cli.ok(Map.of(), command("files", "scan", "-s", storage, "-t"));
        Map<String, Object> tracked = assertDict(api, "files_file_search", api.call("files_file_search",
                Map.of("location", dropped, "storage", storage), adminToken));
        assertThat(tracked).containsEntry("count", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> trackedFile = ((List<Map<String, Object>>) tracked.get("results")).get(0);
        assertThat(trackedFile).containsEntry("size", droppedContent.length).containsEntry("hash", md5(droppedContent));
        assertThat(download((String) trackedFile.get("id"), adminToken)).isEqualTo(droppedContent);

        // Give the file to the private dataset: members of its organization read it, others are refused.
        assertThat(http.get("files/download/" + id, "Authorization", memberToken).status()).as("before the transfer").isEqualTo(403);
        Map<String, Object> transferred = assertDict(api, "files_transfer_ownership", api.call("files_transfer_ownership",
                Map.of("id", id, "owner_type", "package", "owner_id", "rivers"), adminToken));
        assertThat(transferred).containsEntry("owner_type", "package").containsEntry("owner_id", datasetId);
        assertThat(assertDict(api, "files_file_show", api.call("files_file_show", Map.of("id", id), memberToken)))
                .containsEntry("id", id).containsEntry("owner_type", "package");
        assertThat(download(id, memberToken)).isEqualTo(csv);
        assertDenied(api.call("files_file_show", Map.of("id", id), outsiderToken));
        HttpProbe.Reply refused = http.get("files/download/" + id, "Authorization", outsiderToken);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text()).doesNotContain("Exception", "dev.portalkit.");

        // Delete: the record at once, the bytes once the delete has committed (before it answers).
        assertDict(api, "files_file_delete", api.call("files_file_delete", Map.of("id", id), adminToken));
        assertThat(backend.holds(location)).as("bytes gone after the commit").isFalse();
        assertNotFound(api.call("files_file_show", Map.of("id", id), adminToken));
        assertThat(http.get("files/download/" + id, "Authorization", adminToken).status()).isEqualTo(404);
        // The other files stay.
        assertThat(backend.holds(dropped)).isTrue();
        assertThat(download((String) second.get("id"), adminToken)).hasSize(("notes beside " + storage).length());
    }

    /** GET /files/download/{id} with the token; a redirect (cloud storages) is followed without it, as a browser would. */
    private static byte[] download(String id, String token) throws IOException, InterruptedException {
        HttpProbe.Reply reply = http.get("files/download/" + id, "Authorization", token);
        if (reply.status() == 302 || reply.status() == 303 || reply.status() == 307) {
            URI signed = URI.create(reply.header("Location"));
            assertThat(signed.getPort()).as("a URL of the storage's server, not the portal's").isNotEqualTo(serve.uri().getPort());
            HttpResponse<byte[]> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(signed).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(direct.statusCode()).as(new String(direct.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            return direct.body();
        }
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        return reply.body();
    }

    private static String newUserWithToken(String name) {
        assertDict(api, "user_create", api.call("user_create", Map.of("name", name, "email", name + "@example.org",
                "password", "correct horse battery"), adminToken));
        return (String) assertDict(api, "api_token_create", api.call("api_token_create", Map.of("user", name, "name", "walk"),
                adminToken)).get("token");
    }

    /** The options every command of this test gets: the data directory (with its plugins) and the configuration file. */
    private static String[] common() {
        return new String[] {"--data-dir", dataDir.toString(), "--config", config.toString()};
    }

    private static String[] command(String... words) {
        List<String> all = new ArrayList<>(List.of(words));
        all.addAll(List.of(common()));
        return all.toArray(new String[0]);
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(Predicate.not(String::isEmpty)).toList();
    }

    private static BlobContainerClient container() {
        return new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient()
                .getBlobContainerClient(CONTAINER);
    }

    private static String md5(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Backend backend(String storage, Writer writer, Probe probe) {
        return new Backend() {
            @Override
            public String storage() {
                return storage;
            }

            @Override
            public void write(String location, byte[] content) throws Exception {
                writer.write(location, content);
            }

            @Override
            public boolean holds(String location) throws Exception {
                return probe.holds(location);
            }

            @Override
            public String toString() {
                return storage;
            }
        };
    }

    @FunctionalInterface
    interface Writer {
        void write(String location, byte[] content) throws Exception;
    }

    @FunctionalInterface
    interface Probe {
        boolean holds(String location) throws Exception;
    }
}
