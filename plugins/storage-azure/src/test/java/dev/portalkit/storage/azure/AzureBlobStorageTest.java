package dev.portalkit.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.Azurite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the contract does not cover: SAS links, delivery, block-blob multipart, paging, named storages, faults, secrets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureBlobStorageTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final AtomicInteger counter = new AtomicInteger();
    private Azurite azurite;
    private TestPortal portal;

    @BeforeAll
    void start() {
        azurite = Azurite.shared();
        portal = TestPortal.builder().plugins("storage-azure").runPendingTasks(false).start();
    }

    @AfterAll
    void stop() {
        portal.close();
    }

    private String freshContainer() {
        return "t" + counter.incrementAndGet() + "-" + ProcessHandle.current().pid();
    }

    private Map<String, String> options(String... keyValues) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("type", AzureBlobStorageFactory.TYPE);
        all.put("container", freshContainer());
        all.put("connection_string", azurite.connectionString());
        all.put("create_container", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return all;
    }

    private ManagedStorage managed(String... keyValues) {
        return FilesPlugin.of(portal.portal()).openStorage("azure" + counter.incrementAndGet(), options(keyValues));
    }

    /** The adapter itself (for what the managed view does not expose: delivery, container management, its clock). */
    private AzureBlobStorage adapter(MutableClock clock, String... keyValues) {
        Map<String, String> all = options(keyValues);
        all.remove("type");
        String name = "raw" + counter.incrementAndGet();
        StorageSettings settings = new StorageSettings(name, name, AzureBlobStorageFactory.TYPE, 0, List.of(), false, List.of(),
                false, Boolean.parseBoolean(all.remove("public")), Set.of(), "md5", 10 << 20, all);
        return AzureBlobStorageFactory.create(settings, clock == null ? java.time.Clock.systemUTC() : clock);
    }

    private static Upload text(String content, String name, String type) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), name, type);
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    // ---- links and delivery -------------------------------------------------------------------------

    @Test
    void aTemporalLinkIsASasUrlThatPlainHttpFetchesWithNameAndTypeAndThatExpires() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (AzureBlobStorage storage = adapter(clock)) {
            FileData stored = storage.uploader().upload(new Location("reports/q3.csv"), text("a,b\n1,2\n", "q3.csv", "text/csv"), false);
            FileData data = new FileData(stored.location(), 8, "text/csv", "", "", Map.of());
            URI link = storage.reader().temporalLink(data, Duration.ofMinutes(5), "Quartalsbericht é.csv");
            assertThat(link.getQuery()).contains("sig=").contains("se=");
            HttpResponse<String> answer = get(link);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("a,b\n1,2\n");
            assertThat(answer.headers().firstValue("content-type")).hasValue("text/csv");
            assertThat(answer.headers().firstValue("content-disposition")).hasValue(
                    "attachment; filename=\"Quartalsbericht _.csv\"; filename*=UTF-8''Quartalsbericht%20%C3%A9.csv");
            // A link made an hour ago for one minute has expired: no waiting, the storage's clock is moved back.
            clock.advance(Duration.ofHours(-1));
            URI old = storage.reader().temporalLink(data, Duration.ofMinutes(1), "q3.csv");
            assertThat(get(old).statusCode()).isEqualTo(403);
            // A tampered link does not work either.
            assertThat(get(URI.create(link.toString().replace("sp=r", "sp=rw"))).statusCode()).isEqualTo(403);
            assertThatThrownBy(() -> storage.reader().temporalLink(data, Duration.ZERO, "x")).isInstanceOfSatisfying(
                    FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST));
        }
    }

    @Test
    void downloadsRedirectToASasUrlByDefaultAndStreamWhenProxiedOrUnsigned() throws Exception {
        try (AzureBlobStorage redirect = adapter(null); AzureBlobStorage proxy = adapter(null, "download", "proxy")) {
            FileData data = redirect.uploader().upload(new Location("a.txt"), text("redirected", "a.txt", "text/plain"), false);
            Delivery delivery = redirect.reader().delivery(data, "report.txt", Duration.ofMinutes(2));
            assertThat(delivery).isInstanceOf(Delivery.Redirect.class);
            URI location = ((Delivery.Redirect) delivery).location();
            assertThat(get(location).body()).isEqualTo("redirected");
            assertThat(get(location).headers().firstValue("content-disposition").orElse("")).contains("filename=\"report.txt\"");
            assertThat(proxy.reader().delivery(data, "report.txt", Duration.ofMinutes(2))).isInstanceOf(Delivery.Stream.class);
        }
    }

    @Test
    void aSasTokenInsteadOfAKeyWorksButCannotSignLinks() throws Exception {
        BlobServiceClient admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        String sas = admin.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse("rwdlacup"), new AccountSasService().setBlobAccess(true),
                new AccountSasResourceType().setContainer(true).setObject(true).setService(true)));
        String container = freshContainer();
        admin.createBlobContainer(container);
        ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("sas" + counter.incrementAndGet(), Map.of(
                "type", AzureBlobStorageFactory.TYPE, "container", container, "endpoint", azurite.endpoint(), "sas_token", "?" + sas));
        try (storage) {
            assertThat(storage.capabilities()).doesNotContain(Capability.TEMPORAL_LINK, Capability.PUBLIC_LINK)
                    .contains(Capability.CREATE, Capability.COPY, Capability.MULTIPART);
            FileData data = storage.uploader().upload(new Location("x/y.txt"), text("with a token", "y.txt", null), false);
            assertThat(read(storage.reader().stream(data))).isEqualTo("with a token");
            FileData copy = storage.manager().copy(new Location("x/z.txt"), data, false);
            assertThat(read(storage.reader().stream(copy))).isEqualTo("with a token");
            assertThat(storage.reader().delivery(data, "y.txt", Duration.ofMinutes(1))).isInstanceOf(Delivery.Stream.class);
            FilesException missing = catchThrowableOfType(FilesException.class, () -> storage.reader().stream(FileData.of(new Location("nope"))));
            assertThat(missing.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(storage.toString() + missing.getMessage()).doesNotContain(sas.substring(sas.indexOf("sig=") + 4));
        }
    }

    // ---- multipart --------------------------------------------------------------------------------------

    @Test
    void multipartPartsAreStagedBlocksAndAPartSentAgainAfterAFailureReplacesItsBlock() throws Exception {
        ManagedStorage storage = managed("block_size", "64KiB");
        int partSize = 100_000;
        byte[] content = new byte[partSize * 2 + 1234];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 + i / 1000);
        }
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(new Location("big/data.bin"), content.length,
                "application/octet-stream", md5(content), Map.of()));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, Upload.of(slice(content, 0, partSize), "p1", null));
        // Part 2's first attempt breaks off mid-stream (a client gone): it fails and leaves no usable block.
        MultipartData state = upload;
        InputStream broken = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ >= 70_000) {
                    throw new IOException("client went away");
                }
                return 1;
            }
        };
        assertThatThrownBy(() -> storage.uploader().multipart().orElseThrow().update(state, 2, Upload.of(broken, "p2", null, partSize)))
                .isInstanceOf(PortalException.class);
        // Sent again, unsized (spooled to disk: larger than a block buffer), it replaces whatever was there.
        upload = storage.uploader().multipart().orElseThrow().update(upload, 2, Upload.of(new ByteArrayInputStream(slice(content, partSize, partSize)),
                "p2", null, -1));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 3, Upload.of(slice(content, 2 * partSize, content.length - 2 * partSize), "p3", null));
        FileData data = storage.uploader().multipart().orElseThrow().complete(upload);
        assertThat(data.size()).isEqualTo(content.length);
        assertThat(data.hash()).isEqualTo(md5(content));
        try (InputStream in = storage.reader().stream(data)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        // A block blob of exactly the three parts, and the upload's marker is gone.
        BlobServiceClient admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        var blocks = admin.getBlobContainerClient(storage.settings().option("container")).getBlobClient("big/data.bin")
                .getBlockBlobClient().listBlocks(BlockListType.ALL);
        assertThat(blocks.getCommittedBlocks()).extracting(b -> b.getSizeLong())
                .containsExactly((long) partSize, (long) partSize, (long) content.length - 2 * partSize);
        try (Stream<Location> all = storage.manager().scan()) {
            assertThat(all.map(Location::value)).containsExactly("big/data.bin");
        }
        MultipartData done = upload;
        assertThatThrownBy(() -> storage.uploader().multipart().orElseThrow().update(done, 1, Upload.of(new byte[1], "p", null)))
                .isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        storage.close();
    }

    @Test
    void abortingAMultipartUploadDiscardsItsStagedBlocks() throws Exception {
        ManagedStorage storage = managed();
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(new Location("staged/abandoned.bin"), 8,
                "application/octet-stream", "", Map.of()));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, Upload.of(new byte[] {1, 2, 3, 4}, "p1", null));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 2, Upload.of(new byte[] {5, 6, 7, 8}, "p2", null));
        BlobServiceClient admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        var blob = admin.getBlobContainerClient(storage.settings().option("container")).getBlobClient("staged/abandoned.bin")
                .getBlockBlobClient();
        assertThat(blob.listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks()).hasSize(2);

        storage.uploader().multipart().orElseThrow().abort(upload);
        // Nothing is left at the location: no committed blob, and no staged blocks .
        assertThat(blob.exists()).isFalse();
        List<com.azure.storage.blob.models.Block> left;
        try {
            left = blob.listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks();
        } catch (com.azure.storage.blob.models.BlobStorageException e) {
            assertThat(e.getStatusCode()).as("no blob, no block list").isEqualTo(404);
            left = List.of();
        }
        assertThat(left).as("staged blocks after the abort").isEmpty();
        MultipartData aborted = upload;
        assertThatThrownBy(() -> storage.uploader().multipart().orElseThrow().complete(aborted))
                .isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        storage.uploader().multipart().orElseThrow().abort(upload); // again: nothing there, no error
        try (Stream<Location> all = storage.manager().scan()) {
            assertThat(all).isEmpty();
        }
        storage.close();
    }

    private static byte[] slice(byte[] content, int from, int length) {
        return java.util.Arrays.copyOfRange(content, from, from + length);
    }

    // ---- listing ----------------------------------------------------------------------------------------

    @Test
    void scanPagesThroughMoreThanAThousandBlobsAndOnlyThisStoragesPrefix() {
        String container = freshContainer();
        ManagedStorage mine = managed("container", container, "prefix", "mine");
        ManagedStorage other = managed("container", container, "prefix", "other/");
        for (int i = 0; i < 1_100; i++) {
            mine.uploader().upload(new Location(String.format("f%04d.txt", i)), text("x", "f.txt", null), false);
        }
        other.uploader().upload(new Location("f0001.txt"), text("other", "f.txt", null), false);
        // An open multipart upload keeps a marker under .portalkit/: it is not a file.
        mine.uploader().multipart().orElseThrow().start(new MultipartData(new Location("pending.bin"), 10, null, null, Map.of()));
        try (Stream<Location> all = mine.manager().scan()) {
            List<String> names = all.map(Location::value).toList();
            assertThat(names).hasSize(1_100).doesNotHaveDuplicates().first().isEqualTo("f0000.txt");
            assertThat(names).last().isEqualTo("f1099.txt");
        }
        try (Stream<Location> all = other.manager().scan()) {
            assertThat(all.map(Location::value)).containsExactly("f0001.txt");
        }
        assertThatThrownBy(() -> mine.uploader().upload(new Location(".portalkit/x"), text("x", "x", null), false))
                .isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST));
        mine.close();
        other.close();
    }

    // ---- configuration ----------------------------------------------------------------------------------

    @Test
    void severalNamedStoragesAtOnceFromTheConfiguration(@TempDir Path dir) throws Exception {
        String shared = freshContainer();
        String publicContainer = freshContainer();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("portal.plugins", "storage-azure");
        for (String name : List.of("resources", "avatars")) {
            config.put("portal.files.storage." + name + ".type", AzureBlobStorageFactory.TYPE);
            config.put("portal.files.storage." + name + ".container", shared);
            config.put("portal.files.storage." + name + ".prefix", name);
            config.put("portal.files.storage." + name + ".connection_string", azurite.connectionString());
            config.put("portal.files.storage." + name + ".create_container", "true");
        }
        config.put("portal.files.storage.logos.type", AzureBlobStorageFactory.TYPE);
        config.put("portal.files.storage.logos.container", publicContainer);
        config.put("portal.files.storage.logos.account_name", Azurite.ACCOUNT);
        config.put("portal.files.storage.logos.account_key", Azurite.KEY);
        config.put("portal.files.storage.logos.endpoint", azurite.endpoint());
        config.put("portal.files.storage.logos.initialize", "true");
        config.put("portal.files.storage.logos.public", "true");
        config.put("portal.files.default_storage", "resources");
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir).runPendingTasks(false);
        config.forEach(builder::option);
        try (TestPortal several = builder.start()) {
            var storages = FilesPlugin.of(several.portal()).storages();
            // The configured ones, plus the role storages (groups, users, admin) derived from the default.
            assertThat(storages.names()).containsExactlyInAnyOrder("admin", "avatars", "groups", "logos", "resources", "users");
            storages.get("resources").uploader().upload(new Location("same.txt"), text("resource", "same.txt", null), false);
            storages.get("avatars").uploader().upload(new Location("same.txt"), text("avatar", "same.txt", null), false);
            FileData logo = storages.get("logos").uploader().upload(new Location("logo.txt"), text("logo", "logo.txt", null), false);
            assertThat(read(storages.get("resources").reader().stream(FileData.of(new Location("same.txt"))))).isEqualTo("resource");
            assertThat(read(storages.get("avatars").reader().stream(FileData.of(new Location("same.txt"))))).isEqualTo("avatar");
            assertThat(storages.get("logos").capabilities()).contains(Capability.PUBLIC_LINK, Capability.TEMPORAL_LINK);
            assertThat(storages.get("resources").capabilities()).doesNotContain(Capability.PUBLIC_LINK);
            URI open = storages.get("logos").reader().publicLink(logo);
            assertThat(get(open).body()).isEqualTo("logo");
            // The private container does not answer anonymous requests.
            assertThat(get(URI.create(azurite.endpoint() + "/" + shared + "/resources/same.txt")).statusCode()).isIn(401, 403, 404);
        }
        // `files storages -v` shows every storage and none of their secrets.
        List<String> args = new ArrayList<>(List.of("files", "storages", "-v", "--data-dir", dir.toString()));
        config.forEach((k, v) -> {
            args.add("-o");
            args.add(k + "=" + v);
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PortalCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("logos: files:azure_blob").contains("PUBLIC_LINK").contains("(secret, not shown)")
                .contains("prefix                     avatars").doesNotContain(Azurite.KEY).doesNotContain("AccountKey");
        assertThat(err.toString()).doesNotContain(Azurite.KEY);
        // `config declaration files -d` documents each storage's options and prints no secret.
        args.set(0, "config");
        args.set(1, "declaration");
        args.set(2, "files");
        args.add(3, "-d");
        StringWriter declared = new StringWriter();
        cli.setOut(new PrintWriter(declared));
        assertThat(cli.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
        assertThat(declared.toString()).contains("portal.files.storage.logos.account_key = \n")
                .contains("portal.files.storage.resources.connection_string = \n")
                .contains("portal.files.storage.avatars.download = redirect").doesNotContain(Azurite.KEY);
    }

    @Test
    void badConfigurationNamesTheKeyAndNeverTheSecret() {
        FilesPlugin files = FilesPlugin.of(portal.portal());
        PortalException both = catchThrowableOfType(PortalException.class, () -> files.openStorage("bad1", Map.of("type",
                AzureBlobStorageFactory.TYPE, "container", "c1", "connection_string", azurite.connectionString(),
                "account_name", "a", "account_key", "c2VjcmV0")));
        assertThat(both.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
        assertThat(both.getMessage()).contains("portal.files.storage.bad1.connection_string: give exactly one of")
                .doesNotContain(Azurite.KEY).doesNotContain("c2VjcmV0");
        // A missing container is a warning at start (so that `files create-container` can open the storage), then a clear failure.
        try (ManagedStorage missing = files.openStorage("bad2", Map.of("type", AzureBlobStorageFactory.TYPE,
                "container", "no-such-container", "connection_string", azurite.connectionString()))) {
            FilesException failure = catchThrowableOfType(FilesException.class, () -> missing.uploader().upload(new Location("a.txt"),
                    text("a", "a.txt", null), false));
            assertThat(failure.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(failure.getMessage()).contains("storage bad2: cannot upload a.txt: its container no-such-container does not exist")
                    .contains("portalkit files create-container -s bad2").doesNotContain(Azurite.KEY);
        }
        String wrongKey = "d3Jvbmcga2V5IGZvciB0aGUgdGVzdCBvZiBwZXJtaXNzaW9ucw==";
        PortalException refused = catchThrowableOfType(PortalException.class, () -> files.openStorage("bad3", Map.of("type",
                AzureBlobStorageFactory.TYPE, "container", "bad-three", "account_name", Azurite.ACCOUNT, "account_key", wrongKey,
                "endpoint", azurite.endpoint(), "create_container", "true")));
        assertThat(refused.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
        assertThat(refused.getMessage()).contains("portal.files.storage.bad3.container").contains("HTTP 403").doesNotContain(wrongKey);
        assertThat(stackText(refused)).doesNotContain(wrongKey);
        PortalException badName = catchThrowableOfType(PortalException.class, () -> files.openStorage("bad4", Map.of("type",
                AzureBlobStorageFactory.TYPE, "container", "Not_A_Container", "connection_string", azurite.connectionString())));
        assertThat(badName.getMessage()).contains("portal.files.storage.bad4.container: 'Not_A_Container' is not a container name");
        // Typed options are read through StorageSettings' accessors; every problem is reported at once, with its key.
        PortalException badNumbers = catchThrowableOfType(PortalException.class, () -> files.openStorage("bad5", Map.of("type",
                AzureBlobStorageFactory.TYPE, "container", "c5", "connection_string", azurite.connectionString(),
                "block_size", "1KiB", "max_retries", "25")));
        assertThat(badNumbers.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
        assertThat(badNumbers.getMessage()).contains("portal.files.storage.bad5.block_size: must be between 64KiB and 256MiB")
                .contains("portal.files.storage.bad5.max_retries: must be between 0 and 20 (got '25')").doesNotContain(Azurite.KEY);
    }

    // ---- container management ---------------------------------------------------------------------------

    @Test
    void containerManagementCreatesTheContainerAndOpensCorsForTheGivenOrigins() throws Exception {
        String container = freshContainer();
        try (AzureBlobStorage storage = adapter(null, "container", container, "create_container", "false")) {
            assertThat(storage.createContainer()).as("what `files create-container` does").isTrue();
            assertThat(storage.createContainer()).as("there already").isFalse();
            storage.configureCors(List.of("https://portal.example.org", "http://localhost:8080"));
            String blobUrl = azurite.endpoint() + "/" + container + "/upload.bin";
            HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(blobUrl))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://portal.example.org")
                    .header("Access-Control-Request-Method", "PUT")
                    .header("Access-Control-Request-Headers", "x-ms-blob-type,content-type").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://portal.example.org");
            assertThat(preflight.headers().firstValue("access-control-allow-methods").orElse("")).contains("PUT");
            HttpResponse<String> stranger = HTTP.send(HttpRequest.newBuilder(URI.create(blobUrl))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example.com")
                    .header("Access-Control-Request-Method", "PUT").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stranger.statusCode()).isEqualTo(403);
            BlobServiceClient admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
            assertThat(admin.getProperties().getCors()).singleElement().satisfies(rule -> {
                assertThat(rule.getAllowedMethods()).isEqualTo("GET,PUT,POST,HEAD");
                assertThat(rule.getExposedHeaders()).contains("etag");
            });
            assertThatThrownBy(() -> storage.configureCors(List.of("portal.example.org/path"))).isInstanceOfSatisfying(
                    FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST));
            admin.setProperties(admin.getProperties().setCors(List.of()));
        }
    }

    // ---- faults -----------------------------------------------------------------------------------------

    @Test
    void theServerStoppedMidUploadIsATransientFailureThatLeavesNothingAndWorkResumesWhenItIsBack(@TempDir Path data) throws Exception {
        try (Azurite own = Azurite.start(data.resolve("azurite"))) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("type", AzureBlobStorageFactory.TYPE);
            options.put("container", "faults");
            options.put("account_name", Azurite.ACCOUNT);
            options.put("account_key", Azurite.KEY);
            options.put("endpoint", own.endpoint());
            options.put("create_container", "true");
            options.put("block_size", "64KiB");
            options.put("max_retries", "1");
            ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("faults" + counter.incrementAndGet(), options);
            FileData before = storage.uploader().upload(new Location("before.txt"), text("written before", "before.txt", null), false);

            List<LogRecord> logged = new ArrayList<>();
            Handler capture = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    logged.add(record);
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            capture.setLevel(Level.ALL);
            Logger root = Logger.getLogger("");
            root.addHandler(capture);
            FilesException failure;
            try {
                // The server goes away after the first blocks of a 1 MiB upload.
                InputStream content = new InputStream() {
                    private int sent;

                    @Override
                    public int read() {
                        if (sent == 200_000) {
                            own.stop();
                        }
                        return sent++ < 1_048_576 ? 'x' : -1;
                    }
                };
                failure = catchThrowableOfType(FilesException.class, () -> storage.uploader().upload(new Location("during.bin"),
                        Upload.of(content, "during.bin", null, -1), false));
                FilesException reading = catchThrowableOfType(FilesException.class, () -> read(storage.reader().stream(before)));
                assertThat(reading.kind()).isEqualTo(ErrorKind.TRANSIENT);
            } finally {
                root.removeHandler(capture);
            }
            assertThat(failure).isNotNull();
            assertThat(failure.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(failure.getMessage()).startsWith("storage " + storage.name() + ": cannot upload during.bin: ");
            assertThat(stackText(failure)).doesNotContain(Azurite.KEY).doesNotContain("AccountKey=E");
            String logs = logged.stream().map(r -> r.getMessage() + " " + (r.getThrown() == null ? "" : stackText(r.getThrown())))
                    .collect(Collectors.joining("\n"));
            assertThat(logs).doesNotContain(Azurite.KEY);

            own.start();
            assertThat(storage.manager().exists(FileData.of(new Location("during.bin")))).isFalse();
            try (Stream<Location> all = storage.manager().scan()) {
                assertThat(all.map(Location::value)).containsExactly("before.txt");
            }
            assertThat(read(storage.reader().stream(before))).isEqualTo("written before");
            FileData after = storage.uploader().upload(new Location("during.bin"), Upload.of(new byte[300_000], "during.bin", null), false);
            assertThat(after.size()).isEqualTo(300_000);
            assertThat(storage.manager().analyze(new Location("during.bin")).hash()).isEqualTo(md5(new byte[300_000]));
            storage.close();
        }
    }

    private static String stackText(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
