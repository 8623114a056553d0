package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.BenchRuns;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The 1 GiB bench of {@code bench/s3-1g.sh} (not a test: no timing is asserted; it runs only with
 * {@code -Dbench.s3.out=FILE} and writes its figures there). In one JVM and one run: S3Proxy
 * (filesystem store), the portal's storage layer (a files:s3 storage as the files plugin opens
 * it: what the File API calls) and the AWS SDK with the same client configuration, straight to
 * the same S3Proxy, on the same bytes.
 */
@EnabledIfSystemProperty(named = "bench.s3.out", matches = ".+")
class S3Bench {
    private static final long SIZE = 1L << 30;
    private static final int ROUNDS = Integer.getInteger("bench.s3.rounds", 3);

    @Test
    void portalVersusSdk() throws Exception {
        Path work = Files.createTempDirectory("s3-bench-");
        Path file = work.resolve("1g.bin");
        String expected = BenchRuns.writeRandomFile(file, SIZE);
        BenchRuns runs = new BenchRuns(SIZE);
        try (S3ProxyServer s3 = S3ProxyServer.start(work);
             TestPortal portal = TestPortal.builder().plugins("storage-s3").runPendingTasks(false).start()) {
            Map<String, String> options = s3.storageOptions("files:s3");
            options.put("bucket", "bench");
            options.put("create_bucket", "true");
            options.put("overwrite_existing", "true");
            ManagedStorage storage = FilesPlugin.of(portal.portal()).openStorage("bench", options);
            // The SDK with the client the adapter builds (Apache HttpClient 4, path style, SigV4, checksums
            // where required): only the portal's own work differs.
            Map<String, String> adapterOptions = new LinkedHashMap<>(options);
            adapterOptions.keySet().removeAll(Set.of("type", "overwrite_existing", "create_bucket"));
            for (var o : new S3StorageFactory().options()) {
                if (o.defaultValue() != null) {
                    adapterOptions.putIfAbsent(o.key(), o.defaultValue());
                }
            }
            StorageSettings settings = new StorageSettings("sdk", null, "files:s3", 0, List.of(), true, List.of(), false, false,
                    Set.of(), "md5", 0, adapterOptions);
            try (S3Connection sdk = S3Connection.open(settings, S3Options.parse(settings))) {
                Runnable sdkPut = () -> sdk.client.putObject(p -> p.bucket("bench").key("sdk.bin").contentLength(SIZE),
                        RequestBody.fromFile(file));
                Runnable sdkMultipart = () -> {
                    String id = sdk.client.createMultipartUpload(c -> c.bucket("bench").key("sdk-parts.bin")).uploadId();
                    List<CompletedPart> parts = new ArrayList<>();
                    byte[] buffer = new byte[8 << 20];
                    try (InputStream in = Files.newInputStream(file)) {
                        int n;
                        while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                            int length = n;
                            int number = parts.size() + 1;
                            String etag = sdk.client.uploadPart(u -> u.bucket("bench").key("sdk-parts.bin").uploadId(id)
                                    .partNumber(number).contentLength((long) length), RequestBody.fromContentProvider(
                                    () -> new java.io.ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream")).eTag();
                            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    sdk.client.completeMultipartUpload(c -> c.bucket("bench").key("sdk-parts.bin").uploadId(id)
                            .multipartUpload(m -> m.parts(parts)));
                };
                Runnable sdkGet = () -> BenchRuns.drain(sdk.client.getObject(g -> g.bucket("bench").key("sdk.bin")));
                Runnable portalPut = () -> {
                    try {
                        FileData data = storage.uploader().upload(new Location("portal.bin"), Upload.of(file, "application/octet-stream"), true);
                        assertThat(data.hash()).isEqualTo(expected);
                        assertThat(data.size()).isEqualTo(SIZE);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                Runnable portalPutUnsized = () -> {
                    FileData data = storage.uploader().upload(new Location("portal-unsized.bin"), Upload.of("1g.bin",
                            "application/octet-stream", -1, () -> Files.newInputStream(file)), true);
                    assertThat(data.hash()).isEqualTo(expected);
                };
                Runnable md5OfFile = () -> {
                    try (InputStream in = Files.newInputStream(file)) {
                        MessageDigest digest = MessageDigest.getInstance("MD5");
                        byte[] buffer = new byte[1 << 20];
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            digest.update(buffer, 0, n);
                        }
                        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(expected);
                    } catch (IOException | java.security.NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                };
                Runnable portalGet = () -> BenchRuns.drain(storage.reader().stream(FileData.of(new Location("portal.bin"))));

                // Warm-up: the JIT, the connection pool, the page cache of S3Proxy's files.
                for (int i = 0; i < 2; i++) {
                    sdkPut.run();
                    portalPut.run();
                    sdkGet.run();
                    portalGet.run();
                }
                for (int round = 0; round < ROUNDS; round++) {
                    runs.time("AWS SDK: PutObject of the file (RequestBody.fromFile)", sdkPut);
                    runs.time("portal: managed storage upload, size known (one streamed PUT; MD5 and type detection by the host)", portalPut);
                    runs.time("AWS SDK: multipart upload of the file, 8 MiB parts one after the other", sdkMultipart);
                    runs.time("portal: managed storage upload, size unknown (multipart, 8 MiB parts, the next read while one is sent)",
                            portalPutUnsized);
                    runs.time("AWS SDK: GetObject, read to the end", sdkGet);
                    runs.time("portal: managed storage stream, read to the end", portalGet);
                    runs.time("for scale: MD5 of the file in this JVM, one thread (what the host adds to an upload)", md5OfFile);
                }
            }
            storage.close();
        } finally {
            try (var all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        write(Path.of(System.getProperty("bench.s3.out")), runs);
    }

    private static void write(Path out, BenchRuns runs) throws IOException {
        StringBuilder md = new StringBuilder(runs.table());
        double up = runs.best(0) / runs.best(1);
        double upUnsized = runs.best(2) / runs.best(3);
        double down = runs.best(4) / runs.best(5);
        double limit = (runs.best(0) + runs.best(6)) / runs.best(1);
        md.append(String.format(Locale.ROOT, "%nRatios (portal throughput / SDK throughput, best runs): upload **%.2f×** "
                + "(size unknown, against the SDK's multipart upload: %.2f×), download **%.2f×**.%n", up, upUnsized, down));
        md.append(String.format(Locale.ROOT, "%nThe upload against the SDK's PUT and the MD5 of the same bytes one after the other "
                + "(what a recorded hash costs when no core is free to overlap it): **%.2f×**.%n", limit));
        md.append("\n").append(BenchRuns.measuredNow());
        Files.writeString(out, md.toString());
    }
}
