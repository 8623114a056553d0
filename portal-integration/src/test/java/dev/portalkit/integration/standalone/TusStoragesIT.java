package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.portalkit.integration.web.TusServlet;
import dev.portalkit.integration.web.WebPlugin;
import dev.portalkit.runtime.testing.RestartablePostgres;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Azurite;
import dev.portalkit.testservers.S3ProxyServer;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * tus into object stores, across two portal nodes: a portal in this JVM and a {@code serve}
 * process, with data directories of their own on one PostgreSQL, sharing a {@code files:s3}
 * storage (S3Proxy), a {@code files:azure_blob} storage (Azurite) and a {@code files:fs} folder. An
 * upload begun with tus-java-client on one node is resumed and completed on the other; terminating
 * an upload frees what the backend held for it.
 */
class TusStoragesIT {
    static final int MIB = 1024 * 1024;
    static final String BUCKET = "tus";
    static Path tmp;
    static S3ProxyServer s3;
    static Azurite azurite;
    static RestartablePostgres pg;
    static TestPortal nodeA;
    static PortalServer serverA;
    static dev.portalkit.integration.testing.ServeProcess serverB;
    static String token;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory(Path.of("target"), "tus-storages-").toAbsolutePath();
        s3 = S3ProxyServer.start(tmp);
        azurite = Azurite.start(Files.createDirectories(tmp.resolve("azurite")));
        pg = RestartablePostgres.start(tmp.resolve("pg"));
        nodeA = node("a").start();
        serverA = PortalServer.start(nodeA.container());
        // Node b: `java -jar portalkit.jar serve` with the same options (its own data directory and plugins).
        List<String> arguments = new java.util.ArrayList<>(List.of("--data-dir", tmp.resolve("data-b").toString()));
        node("b").bootOptions().overrides().forEach((k, v) -> arguments.addAll(List.of("-o", k + "=" + v)));
        serverB = dev.portalkit.integration.testing.ServeProcess.start(dev.portalkit.integration.testing.PortalkitCli.jar(), "256m", tmp,
                arguments.toArray(String[]::new));
        nodeA.call("user_create", TestPortal.SYSADMIN, Map.of("name", "admin", "email", "admin@example.org",
                "password", "correct horse battery", "sysadmin", true));
        @SuppressWarnings("unchecked")
        Map<String, Object> created = (Map<String, Object>) nodeA.call("api_token_create", TestPortal.SYSADMIN,
                Map.of("user", "admin", "name", "tus"));
        token = (String) created.get("token");
    }

    static TestPortal.Builder node(String name) throws Exception {
        Path dataDir = tmp.resolve("data-" + name);
        Path plugins = Files.createDirectories(dataDir.resolve("plugins"));
        Path built = Path.of(System.getProperty("storage.plugins.dir", "target/it-plugins"));
        for (String id : List.of("s3", "azure")) {
            Path jar = built.resolve("portalkit-plugin-storage-" + id + "-plugin.jar");
            assertThat(jar).as("the drop-in jar of plugins/storage-" + id + ", copied by the build").exists();
            Files.copy(jar, plugins.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        TestPortal.Builder builder = TestPortal.builder().dataDir(dataDir).pluginsDir(plugins).plugins("storage-s3 storage-azure")
                .option("portal.db.url", pg.jdbcUrl())
                .option(WebPlugin.HTTP_PORT, "0")
                .option("portal.auth.password_iterations", "1000")
                // Nodes of one database share the key of download links, or the second does not start (docs/cluster.md).
                .option("portal.files.link_secret", "the key of download links both nodes of this test share")
                .option("portal.files.storage.folder.type", "files:fs")
                .option("portal.files.storage.folder.path", tmp.resolve("folder").toString())
                .option("portal.files.storage.folder.create_path", "true");
        s3.storageOptions("files:s3").forEach((k, v) -> builder.option("portal.files.storage.s3." + k, v));
        builder.option("portal.files.storage.s3.bucket", BUCKET).option("portal.files.storage.s3.create_bucket", "true")
                .option("portal.files.storage.s3.location_transformers", "uuid_with_extension");
        builder.option("portal.files.storage.azure.type", "files:azure_blob")
                .option("portal.files.storage.azure.connection_string", azurite.connectionString())
                .option("portal.files.storage.azure.container", BUCKET)
                .option("portal.files.storage.azure.create_container", "true")
                .option("portal.files.storage.azure.location_transformers", "uuid_with_extension");
        return builder;
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {serverB, serverA, nodeA, pg, azurite, s3}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    static TusClient client(URI base) throws Exception {
        TusClient client = new TusClient();
        client.setUploadCreationURL(base.resolve("/files/tus").toURL());
        client.setHeaders(Map.of("Authorization", token));
        return client;
    }

    static TusUpload upload(byte[] content, String name, String storage) {
        TusUpload upload = new TusUpload();
        upload.setInputStream(new ByteArrayInputStream(content));
        upload.setSize(content.length);
        upload.setFingerprint(storage + "-" + name);
        upload.setMetadata(new LinkedHashMap<>(Map.of("filename", name, "storage", storage)));
        return upload;
    }

    static HttpResponse<String> send(String method, URI uri, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Tus-Resumable", "1.0.0")
                .header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUploadBegunOnOneNodeIsFinishedOnTheOtherInEveryStorage() throws Exception {
        for (String storage : List.of("s3", "azure", "folder")) {
            byte[] content = new byte[18 * MIB + 99];
            new Random(storage.hashCode()).nextBytes(content);
            TusUploader first = client(serverA.uri()).createUpload(upload(content, storage + "-two-nodes.bin", storage));
            first.setChunkSize(MIB);
            first.setRequestPayloadSize(5 * MIB);
            for (int i = 0; i < 100 && first.getOffset() < 11L * MIB; i++) {
                first.uploadChunk();
            }
            first.finish(false);
            long offset = first.getOffset();
            assertThat(offset).isGreaterThanOrEqualTo(11L * MIB).isLessThan(content.length);
            String path = first.getUploadURL().getPath();

            TusUploader second = client(serverB.uri()).beginOrResumeUploadFromURL(upload(content, storage + "-two-nodes.bin", storage),
                    serverB.uri().resolve(path).toURL());
            assertThat(second.getOffset()).as(storage).isEqualTo(offset);
            second.setChunkSize(MIB);
            second.setRequestPayloadSize(3 * MIB);
            for (int i = 0; i < 100 && second.uploadChunk() > -1; i++) {
                // the rest, on node b
            }
            second.finish();
            HttpResponse<String> head = send("HEAD", serverA.uri().resolve(path), Map.of(), null);
            String id = head.headers().firstValue(TusServlet.FILE_ID).orElseThrow();
            Map<String, Object> file = (Map<String, Object>) nodeA.call("files_file_show", TestPortal.SYSADMIN, Map.of("id", id));
            assertThat(file).as(storage).containsEntry("storage", storage).containsEntry("size", (long) content.length)
                    .containsEntry("hash", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
            // Straight from the backend where the storage redirects (S3's presigned URLs).
            HttpResponse<byte[]> download = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build().send(
                    HttpRequest.newBuilder(serverB.uri().resolve("/files/download/" + id)).header("Authorization", token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(download.body()),
                    MessageDigest.getInstance("SHA-256").digest(content))).as(storage + ": the bytes downloaded").isTrue();
        }
    }

    /**
     * Every byte through one node: the portal hashed them on the way to the parts, and the file's
     * recorded hash is the content's (the completion takes it instead of reading the object back).
     */
    @Test
    @SuppressWarnings("unchecked")
    void anUploadThroughOneNodeIsHashedOnTheWay() throws Exception {
        for (String storage : List.of("s3", "azure")) {
            byte[] content = new byte[17 * MIB + 3];
            new Random(storage.hashCode() + 1).nextBytes(content);
            TusUploader uploader = client(serverA.uri()).createUpload(upload(content, storage + "-one-node.bin", storage));
            uploader.setChunkSize(MIB);
            uploader.setRequestPayloadSize(6 * MIB);
            for (int i = 0; i < 100 && uploader.uploadChunk() > -1; i++) {
                // every byte through node a, in three requests
            }
            uploader.finish();
            String id = send("HEAD", uploader.getUploadURL().toURI(), Map.of(), null).headers().firstValue(TusServlet.FILE_ID).orElseThrow();
            Map<String, Object> file = (Map<String, Object>) nodeA.call("files_file_show", TestPortal.SYSADMIN, Map.of("id", id));
            assertThat(file).as(storage).containsEntry("size", (long) content.length)
                    .containsEntry("hash", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
        }
    }

    @Test
    void terminationFreesThePartsAtTheBackend() throws Exception {
        BlobContainerClient container = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient().getBlobContainerClient(BUCKET);
        for (String storage : List.of("s3", "azure")) {
            HttpResponse<String> created = send("POST", serverA.uri().resolve("/files/tus"), Map.of("Upload-Length", Long.toString(30L * MIB),
                    "Upload-Metadata", "filename " + Base64.getEncoder().encodeToString((storage + "-ended.bin").getBytes(StandardCharsets.UTF_8))
                            + ",storage " + Base64.getEncoder().encodeToString(storage.getBytes(StandardCharsets.UTF_8))), null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            URI upload = serverA.uri().resolve(created.headers().firstValue("Location").orElseThrow());
            byte[] body = new byte[9 * MIB];
            new Random(9).nextBytes(body);
            HttpResponse<String> patched = send("PATCH", upload, Map.of("Upload-Offset", "0", "Content-Type", "application/offset+octet-stream"), body);
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(204);
            if (storage.equals("s3")) {
                assertThat(s3.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).as("a part went to S3").isNotEmpty();
            } else {
                assertThat(uncommitted(container)).as("a block went to Azure").isNotEmpty();
            }
            assertThat(send("DELETE", serverB.uri().resolve(upload.getPath()), Map.of(), null).statusCode()).isEqualTo(204);
            assertThat(send("HEAD", upload, Map.of(), null).statusCode()).isEqualTo(404);
            if (storage.equals("s3")) {
                assertThat(s3.client().listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).isEmpty();
            } else {
                assertThat(uncommitted(container)).isEmpty();
            }
        }
    }

    /** Blobs of the container that hold only staged blocks (and the multipart markers). */
    private static List<String> uncommitted(BlobContainerClient container) {
        return container.listBlobs(new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true)), null)
                .stream().filter(b -> b.getProperties().getContentLength() == null || b.getProperties().getContentLength() == 0
                        || b.getName().contains("multipart")).map(b -> b.getName()).toList();
    }
}
