package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Delivery;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.api.files.Upload;
import dev.portalkit.storage.s3.testing.S3Fixture;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/** files:s3 beyond the contract: links, delivery modes, multipart, buckets, paging, faults, secrets. */
class S3StorageTest extends S3Fixture {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Upload text(String content, String name) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), name, "text/plain");
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static String md5(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    }

    // ---- links and delivery ---------------------------------------------------------------------

    @Test
    void aPresignedLinkWorksOverPlainHttpCarriesTheNameAndTypeAndExpires() throws Exception {
        ManagedStorage storage = s3Storage();
        FileData data = storage.uploader().upload(new Location("reports/q1.csv"), Upload.of("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
                "q1.csv", "text/csv"), false);
        URI link = storage.reader().temporalLink(data, Duration.ofMinutes(5), "Bericht März.csv");
        HttpResponse<byte[]> ok = get(link);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("a,b\n1,2\n");
        assertThat(ok.headers().firstValue("Content-Disposition")).hasValue(
                "attachment; filename=\"Bericht M_rz.csv\"; filename*=UTF-8''Bericht%20M%C3%A4rz.csv");
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(link.getRawQuery()).contains("X-Amz-Signature=").doesNotContain(S3ProxyServer.SECRET_KEY);

        URI shortLived = storage.reader().temporalLink(data, Duration.ofSeconds(1), "q1.csv");
        assertThat(get(shortLived).statusCode()).isEqualTo(200);
        Thread.sleep(2_200);
        assertThat(get(shortLived).statusCode()).as("an expired link is refused").isEqualTo(403);

        URI tampered = URI.create(link.toString().replace("reports/q1.csv", "reports/q2.csv"));
        assertThat(get(tampered).statusCode()).as("a link signs its object").isEqualTo(403);
    }

    @Test
    void deliveryFollowsTheProxyOption() throws Exception {
        byte[] content = "delivered content".getBytes(StandardCharsets.UTF_8);
        Location location = new Location("dir/name with spaces + ü.txt");
        for (String mode : List.of("redirect", "proxy", "nginx")) {
            ManagedStorage storage = s3Storage("proxy", mode);
            FileData data = storage.uploader().upload(location, Upload.of(content, "x.txt", "text/plain"), false);
            Delivery delivery = storage.reader().delivery(data, "report.txt", Duration.ofMinutes(1));
            switch (mode) {
                case "redirect" -> {
                    assertThat(delivery).isInstanceOf(Delivery.Redirect.class);
                    HttpResponse<byte[]> response = get(((Delivery.Redirect) delivery).location());
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo(content);
                    assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"report.txt\"");
                }
                case "proxy" -> {
                    assertThat(delivery).isInstanceOf(Delivery.Stream.class);
                    assertThat(read(storage.reader().range(data, 10, 17))).isEqualTo("content".getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    Delivery.InternalRedirect internal = (Delivery.InternalRedirect) delivery;
                    assertThat(internal.header()).isEqualTo("X-Accel-Redirect");
                    String prefix = "/.xsf/s3/http/127.0.0.1:" + s3.endpoint().getPort() + "/";
                    assertThat(internal.path()).startsWith(prefix);
                    // What the nginx location of docs/storage-s3.md does: it matches the decoded path and
                    // proxies to $protocol://$host/$path$is_args$args.
                    String rest = internal.path().substring("/.xsf/s3/".length());
                    int query = rest.indexOf('?');
                    String decodedPath = URLDecoder.decode(rest.substring(0, query).replace("+", "%2B"), StandardCharsets.UTF_8);
                    String[] parts = decodedPath.split("/", 3);
                    URI upstream = URI.create(parts[0] + "://" + parts[1] + "/" + parts[2] + rest.substring(query));
                    HttpResponse<byte[]> response = get(upstream);
                    assertThat(response.statusCode()).as(upstream.toString()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo(content);
                }
            }
        }
    }

    @Test
    void publicLinksOnlyForPublicStorages() throws Exception {
        ManagedStorage privateStorage = s3Storage();
        assertThat(privateStorage.capabilities()).contains(Capability.TEMPORAL_LINK).doesNotContain(Capability.PUBLIC_LINK);
        FileData data = privateStorage.uploader().upload(new Location("a.txt"), text("a", "a.txt"), false);
        assertThatThrownBy(() -> privateStorage.reader().publicLink(data)).isInstanceOfSatisfying(FilesException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED));
        ManagedStorage publicStorage = s3Storage("public", "true");
        assertThat(publicStorage.capabilities()).contains(Capability.PUBLIC_LINK);
        FileData published = publicStorage.uploader().upload(new Location("logo dir/a.txt"), text("a", "a.txt"), false);
        assertThat(publicStorage.reader().publicLink(published).toString())
                .isEqualTo(s3.endpoint() + "/" + published.storageData().get("bucket") + "/logo%20dir/a.txt");
    }

    // ---- HEAD, never GET --------------------------------------------------------------------------

    @Test
    void existsAndAnalyzeOnlyAskForMetadata() {
        ManagedStorage storage = s3Storage();
        storage.uploader().upload(new Location("h.txt"), text("hello world", "h.txt"), false);
        s3.subresources().clearRequests();
        assertThat(storage.manager().exists(FileData.of(new Location("h.txt")))).isTrue();
        assertThat(storage.manager().exists(FileData.of(new Location("none.txt")))).isFalse();
        FileData analyzed = storage.manager().analyze(new Location("h.txt"));
        assertThat(analyzed.size()).isEqualTo(11);
        assertThat(analyzed.hash()).isEqualTo("5eb63bbbe01eeed093cb22bb8f5acdc3");
        assertThat(s3.subresources().requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("HEAD "));
    }

    // ---- multipart ------------------------------------------------------------------------------

    @Test
    void aMultipartUploadOfSeveralPartsSurvivesAFailedPartThatIsSentAgain() throws Exception {
        ManagedStorage storage = s3Storage();
        int partSize = 5 * 1024 * 1024;
        byte[] content = new byte[partSize * 3 + 12345];
        new Random(7).nextBytes(content);
        MultipartData upload = storage.uploader().multipart().orElseThrow().start(new MultipartData(new Location("big/parts.bin"), content.length,
                "application/octet-stream", md5(content), Map.of()));
        assertThat(upload.storageData()).containsKeys("bucket", "upload_id");
        upload = storage.uploader().multipart().orElseThrow().update(upload, 1, slice(content, 0, partSize));
        // Part 2 fails half-way (the client's connection breaks) ...
        MultipartData state = upload;
        Upload broken = Upload.of("part2", "application/octet-stream", partSize, () -> new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent++ >= partSize / 2) {
                    throw new IOException("client connection reset");
                }
                return 0;
            }
        });
        assertThatThrownBy(() -> storage.uploader().multipart().orElseThrow().update(state, 2, broken)).isInstanceOf(PortalException.class);
        // ... and is sent again; the others arrive out of order.
        upload = storage.uploader().multipart().orElseThrow().update(upload, 4, slice(content, partSize * 3, content.length));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 2, slice(content, partSize, partSize * 2));
        upload = storage.uploader().multipart().orElseThrow().update(upload, 3, slice(content, partSize * 2, partSize * 3));
        assertThat(storage.uploader().multipart().orElseThrow().refresh(upload).storageData().get("parts")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("1", "2", "3", "4");
        FileData data = storage.uploader().multipart().orElseThrow().complete(upload);
        assertThat(data.size()).isEqualTo(content.length);
        assertThat(data.hash()).as("the host's hash, not the multipart ETag").isEqualTo(md5(content));
        assertThat(read(storage.reader().stream(data))).isEqualTo(content);
        assertThat(read(storage.reader().range(data, partSize - 3, partSize + 3))).isEqualTo(
                java.util.Arrays.copyOfRange(content, partSize - 3, partSize + 3));
    }

    private static Upload slice(byte[] content, int from, int to) {
        return Upload.of(java.util.Arrays.copyOfRange(content, from, to), "part", "application/octet-stream");
    }

    @Test
    void uploadsOfUnknownSizeStreamInPartsAndSmallOnesInOnePut() throws Exception {
        ManagedStorage storage = s3Storage("part_size", "5MiB");
        byte[] content = new byte[11 * 1024 * 1024 + 3];
        new Random(3).nextBytes(content);
        FileData big = storage.uploader().upload(new Location("unsized.bin"),
                Upload.of(new java.io.ByteArrayInputStream(content), "unsized.bin", null, -1), false);
        assertThat(big.size()).isEqualTo(content.length);
        assertThat(big.hash()).isEqualTo(md5(content));
        assertThat(read(storage.reader().stream(big))).isEqualTo(content);
        try (S3Client client = s3.client()) {
            String etag = client.headObject(h -> h.bucket((String) big.storageData().get("bucket")).key("unsized.bin")).eTag();
            assertThat(etag).as("3 parts of 5 MiB").endsWith("-3\"");
        }
        FileData small = storage.uploader().upload(new Location("small.bin"),
                Upload.of(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "small.bin", null, -1), false);
        assertThat(small.size()).isEqualTo(3);
        assertThat(storage.manager().analyze(new Location("small.bin")).hash()).as("one PUT: the ETag is the MD5")
                .isEqualTo(md5(new byte[] {1, 2, 3}));
    }

    // ---- buckets --------------------------------------------------------------------------------

    @Test
    void createdBucketsGetThePolicyAndVersioningAndExistingOnesAreLeftAlone() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.json"), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                + "\"Principal\":\"*\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"arn:aws:s3:::x\"}]}");
        String bucket = fresh("created");
        // S3Proxy keeps versions only in its in-memory store.
        S3ProxyServer versioned = S3ProxyServer.startTransient();
        Map<String, String> options = versioned.storageOptions("files:s3");
        options.putAll(Map.of("bucket", bucket, "create_bucket", "true", "bucket_policy_file", policy.toString(), "bucket_versioning", "true"));
        ManagedStorage storage = open(options);
        try (versioned; S3Client client = versioned.client()) {
            assertThat(client.getBucketVersioning(v -> v.bucket(bucket)).status()).isEqualTo(BucketVersioningStatus.ENABLED);
            assertThat(client.getBucketPolicy(p -> p.bucket(bucket)).policy()).isEqualTo(Files.readString(policy));
            // A bucket that exists is not touched: no policy, no versioning.
            String existing = fresh("existing");
            client.createBucket(b -> b.bucket(existing));
            options.put("bucket", existing);
            open(options);
            assertThat(client.getBucketVersioning(v -> v.bucket(existing)).status()).isNull();
            assertThat(versioned.subresources().policy(existing)).isEmpty();
            assertThat(((dev.portalkit.runtime.files.managed.ManagedStorageImpl) storage).adapterAs(dev.portalkit.api.files.ContainerManagement.class)
                    .orElseThrow().createContainer()).as("it exists now").isFalse();
        }
    }

    @Test
    void aMissingBucketIsNamedWithTheWayToCreateIt() {
        ManagedStorage storage = s3Storage("bucket", fresh("missing"), "create_bucket", "false");
        assertThatThrownBy(() -> storage.uploader().upload(new Location("a.txt"), text("a", "a.txt"), false))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("does not exist (create it with `portalkit files create-container -s ");
    }

    @Test
    void scanPagesThroughMoreThanAThousandObjectsUnderThePrefix() throws Exception {
        String bucket = fresh("many");
        ManagedStorage storage = s3Storage("bucket", bucket, "prefix", "portal");
        int count = 1_234;
        try (S3Client client = s3.client()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> puts = IntStream.range(0, count).mapToObj(i -> pool.submit(() ->
                        client.putObject(p -> p.bucket(bucket).key("portal/d" + (i % 7) + "/f" + i + ".txt"), RequestBody.fromString("x"))))
                        .collect(Collectors.toList());
                for (Future<?> f : puts) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            client.putObject(p -> p.bucket(bucket).key("elsewhere/not-mine.txt"), RequestBody.fromString("x"));
        }
        s3.subresources().clearRequests();
        try (Stream<Location> all = storage.manager().scan()) {
            List<String> locations = all.map(Location::value).toList();
            assertThat(locations).hasSize(count).doesNotHaveDuplicates().contains("d0/f0.txt", "d1/f1233.txt")
                    .noneMatch(l -> l.startsWith("portal/") || l.contains("not-mine"));
        }
        assertThat(s3.subresources().requests()).filteredOn(r -> r.startsWith("GET /" + bucket)).as("ListObjectsV2 pages")
                .hasSizeGreaterThanOrEqualTo(2);
    }

    // ---- several named storages -----------------------------------------------------------------

    @Test
    void severalNamedS3StoragesAtOnceAnyOfThemTheDefaultEachWithItsMeta() throws Exception {
        String alpha = fresh("alpha");
        String beta = fresh("beta");
        Map<String, String> common = s3.storageOptions("files:s3");
        var builder = dev.portalkit.runtime.testing.TestPortal.builder().plugins("storage-s3").runPendingTasks(false)
                .option("portal.files.default_storage", "beta")
                .option("portal.files.storage.local.type", "files:memory");
        for (String name : List.of("alpha", "beta")) {
            for (Map.Entry<String, String> e : common.entrySet()) {
                builder.option("portal.files.storage." + name + "." + e.getKey(), e.getValue());
            }
            builder.option("portal.files.storage." + name + ".bucket", name.equals("alpha") ? alpha : beta);
            builder.option("portal.files.storage." + name + ".create_bucket", "true");
        }
        builder.option("portal.files.storage.alpha.meta", "archive of the 2019 survey");
        try (var two = builder.start(); S3Client client = s3.client()) {
            // Indico's meta: free text the storage list shows for scripts.
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> listed = (List<Map<String, Object>>) two.call("files_storage_list",
                    dev.portalkit.runtime.testing.TestPortal.SYSADMIN, new java.util.LinkedHashMap<>());
            assertThat(listed).filteredOn(d -> "alpha".equals(d.get("name"))).singleElement()
                    .satisfies(d -> assertThat(d).containsEntry("meta", "archive of the 2019 survey"));
            assertThat(listed).filteredOn(d -> "beta".equals(d.get("name"))).singleElement()
                    .satisfies(d -> assertThat(d).containsEntry("meta", ""));
            var storages = dev.portalkit.runtime.files.FilesPlugin.of(two.portal()).storages();
            // The configured ones, plus the role storages derived from the default (beta).
            assertThat(storages.names()).containsExactlyInAnyOrder("admin", "alpha", "beta", "groups", "local", "resources", "users");
            assertThat(storages.defaultStorage().name()).isEqualTo("beta");
            storages.defaultStorage().uploader().upload(new Location("default.txt"), text("d", "default.txt"), false);
            storages.get("alpha").uploader().upload(new Location("named.txt"), text("n", "named.txt"), false);
            assertThat(client.listObjectsV2(l -> l.bucket(beta)).contents()).extracting(o -> o.key()).containsExactly("default.txt");
            assertThat(client.listObjectsV2(l -> l.bucket(alpha)).contents()).extracting(o -> o.key()).containsExactly("named.txt");
        }
    }

    // ---- faults and secrets ---------------------------------------------------------------------

    @Test
    void theServerStoppedMidUploadIsATransientFailureThatLeavesNothingAndPassesOnce() throws Exception {
        ManagedStorage storage = s3Storage("part_size", "5MiB");
        for (long declared : new long[] {64L << 20, -1}) {
            String name = declared < 0 ? "cut-unsized.bin" : "cut.bin";
            Upload cut = Upload.of(name, "application/octet-stream", declared, () -> new InputStream() {
                long sent;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0];
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (sent < (12L << 20) && sent + len >= (12L << 20)) {
                        s3.stop();
                    }
                    int n = (int) Math.min(len, (64L << 20) - sent);
                    if (n <= 0) {
                        return -1;
                    }
                    sent += n;
                    return n;
                }
            });
            try {
                assertThatThrownBy(() -> storage.uploader().upload(new Location(name), cut, false))
                        .isInstanceOfSatisfying(PortalException.class, e -> {
                            assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
                            assertThat(e.getMessage()).startsWith("storage " + storage.name() + ": upload of " + name + " to bucket ");
                            assertNoSecrets(e);
                        });
            } finally {
                s3.start();
            }
            assertThat(storage.manager().exists(FileData.of(new Location(name)))).as("no partial file").isFalse();
            try (Stream<Location> all = storage.manager().scan()) {
                assertThat(all.map(Location::value)).doesNotContain(name);
            }
        }
        FileData after = storage.uploader().upload(new Location("after.txt"), text("back again", "after.txt"), false);
        assertThat(new String(read(storage.reader().stream(after)), StandardCharsets.UTF_8)).isEqualTo("back again");
    }

    @Test
    void refusedCredentialsAreReportedWithoutTheSecrets() {
        String bucket = fresh("refused");
        try (S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        ManagedStorage storage = s3Storage("bucket", bucket, "create_bucket", "false", "secret_key", "wrong-secret-key-value");
        assertThatThrownBy(() -> storage.uploader().upload(new Location("a.txt"), text("a", "a.txt"), false))
                .isInstanceOfSatisfying(PortalException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("access denied by S3");
                    assertThat(stackTrace(e)).doesNotContain("wrong-secret-key-value").doesNotContain(S3ProxyServer.ACCESS_KEY);
                });
    }

    private static void assertNoSecrets(Throwable e) {
        assertThat(stackTrace(e)).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(S3ProxyServer.ACCESS_KEY);
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
