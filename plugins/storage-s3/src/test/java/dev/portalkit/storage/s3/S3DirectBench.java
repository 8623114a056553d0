package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.BenchRuns;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The bench of {@code bench/direct-s3.sh} (not a test: no timing is asserted; it runs only with
 * {@code -Dbench.direct.out=FILE}). In one JVM: S3Proxy (filesystem store), a portal with a files:s3
 * storage, and two clients that upload the same file in 8 MiB parts one after the other: the AWS
 * SDK's own multipart upload (create, UploadPart, complete) and a direct upload (the portal's
 * {@code files_multipart_start direct=true}, the parts PUT by java.net.http to the presigned URLs,
 * {@code files_multipart_complete}, which lists the parts, completes and reads the object back once
 * for its MD5). The first run of each is reported apart (cold), then {@code bench.direct.rounds} runs.
 */
@EnabledIfSystemProperty(named = "bench.direct.out", matches = ".+")
class S3DirectBench {
    private static final long SIZE = Long.getLong("bench.direct.size", 1L << 30);
    private static final int ROUNDS = Integer.getInteger("bench.direct.rounds", 3);
    private static final int PART = 8 << 20;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @SuppressWarnings("unchecked")
    void directVersusSdkMultipart() throws Exception {
        Path work = Files.createTempDirectory("s3-direct-bench-");
        Path file = work.resolve("file.bin");
        String expected = BenchRuns.writeRandomFile(file, SIZE);
        Map<String, List<Double>> runs = new LinkedHashMap<>();
        try (S3ProxyServer s3 = S3ProxyServer.start(work)) {
            TestPortal.Builder builder = TestPortal.builder().dataDir(work.resolve("data")).plugins("storage-s3").runPendingTasks(false);
            s3.storageOptions("files:s3").forEach((k, v) -> builder.option("portal.files.storage.cloud." + k, v));
            builder.option("portal.files.storage.cloud.bucket", "bench").option("portal.files.storage.cloud.create_bucket", "true");
            try (TestPortal portal = builder.start()) {
                Map<String, String> adapterOptions = new LinkedHashMap<>(s3.storageOptions("files:s3"));
                adapterOptions.keySet().removeAll(Set.of("type"));
                adapterOptions.put("bucket", "bench");
                for (var o : new S3StorageFactory().options()) {
                    if (o.defaultValue() != null) {
                        adapterOptions.putIfAbsent(o.key(), o.defaultValue());
                    }
                }
                StorageSettings settings = new StorageSettings("sdk", null, "files:s3", 0, List.of(), true, List.of(), false, false,
                        Set.of(), "md5", 0, adapterOptions);
                try (S3Connection sdk = S3Connection.open(settings, S3Options.parse(settings))) {
                    int[] round = {0};
                    LongSupplier sdkMultipart = () -> {
                        String key = "sdk-" + round[0] + ".bin";
                        String id = sdk.client.createMultipartUpload(c -> c.bucket("bench").key(key)).uploadId();
                        List<CompletedPart> parts = new ArrayList<>();
                        byte[] buffer = new byte[PART];
                        try (InputStream in = Files.newInputStream(file)) {
                            int n;
                            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                                int length = n;
                                int number = parts.size() + 1;
                                String etag = sdk.client.uploadPart(u -> u.bucket("bench").key(key).uploadId(id).partNumber(number)
                                        .contentLength((long) length), RequestBody.fromContentProvider(
                                        () -> new java.io.ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream")).eTag();
                                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        sdk.client.completeMultipartUpload(c -> c.bucket("bench").key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
                        return 0;
                    };
                    long[] calls = new long[2];
                    LongSupplier direct = () -> {
                        long t0 = System.nanoTime();
                        Map<String, Object> started = (Map<String, Object>) portal.call("files_multipart_start", TestPortal.SYSADMIN,
                                Map.of("storage", "cloud", "name", "direct-" + round[0] + ".bin", "size", SIZE, "hash", expected,
                                        "direct", true));
                        calls[0] = System.nanoTime() - t0;
                        Map<String, Object> d = (Map<String, Object>) started.get("direct");
                        int partSize = ((Number) d.get("part_size")).intValue();
                        List<Map<String, Object>> done = new ArrayList<>();
                        byte[] buffer = new byte[partSize];
                        try (InputStream in = Files.newInputStream(file)) {
                            for (Map<String, Object> part : (List<Map<String, Object>>) d.get("parts")) {
                                int n = in.readNBytes(buffer, 0, buffer.length);
                                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((String) part.get("url")))
                                        .method((String) part.get("method"), HttpRequest.BodyPublishers.ofByteArray(buffer, 0, n));
                                ((Map<String, String>) part.get("headers")).forEach(request::header);
                                HttpResponse<Void> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
                                assertThat(response.statusCode()).isEqualTo(200);
                                done.add(Map.of("number", part.get("number"), "etag", response.headers().firstValue("ETag").orElseThrow()));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        long t1 = System.nanoTime();
                        Map<String, Object> f = (Map<String, Object>) portal.call("files_multipart_complete", TestPortal.SYSADMIN,
                                Map.of("id", started.get("id"), "parts", done));
                        calls[1] = System.nanoTime() - t1;
                        assertThat(f).containsEntry("hash", expected);
                        return 0;
                    };
                    String sdkName = "AWS SDK: multipart upload, 8 MiB parts one after the other";
                    String directName = "direct: start + 8 MiB parts PUT to presigned URLs (java.net.http) one after the other + complete";
                    String startName = "  of which files_multipart_start (sign " + (SIZE + PART - 1) / PART + " URLs)";
                    String completeName = "  of which files_multipart_complete (ListParts, complete, read back for the MD5)";
                    for (int r = 0; r <= ROUNDS; r++) {
                        String suffix = r == 0 ? " [cold]" : "";
                        round[0] = r;
                        time(runs, sdkName + suffix, sdkMultipart);
                        time(runs, directName + suffix, direct);
                        runs.computeIfAbsent(startName + suffix, k -> new ArrayList<>()).add(calls[0] / 1e9);
                        runs.computeIfAbsent(completeName + suffix, k -> new ArrayList<>()).add(calls[1] / 1e9);
                    }
                }
            }
        } finally {
            try (var all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.writeString(Path.of(System.getProperty("bench.direct.out")), table(runs));
    }

    private static void time(Map<String, List<Double>> runs, String what, LongSupplier work) {
        long start = System.nanoTime();
        work.getAsLong();
        double seconds = (System.nanoTime() - start) / 1e9;
        runs.computeIfAbsent(what, k -> new ArrayList<>()).add(seconds);
        System.out.printf(Locale.ROOT, "%-110s %7.3f s%n", what, seconds);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String table(Map<String, List<Double>> runs) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "File: %d bytes (%.0f MiB), 8 MiB parts.%n%n", SIZE, SIZE / 1048576.0));
        md.append("| case | runs (s) | median (s) | MB/s (median) |\n| --- | --- | ---: | ---: |\n");
        runs.forEach((what, values) -> md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %s |%n", what,
                String.join(", ", values.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList()), median(values),
                what.startsWith("  ") ? "" : String.format(Locale.ROOT, "%.0f", SIZE / median(values) / 1e6))));
        List<String> names = new ArrayList<>(runs.keySet());
        double coldRatio = runs.get(names.get(1)).get(0) / runs.get(names.get(0)).get(0);
        double warmRatio = median(runs.get(names.get(5))) / median(runs.get(names.get(4)));
        md.append(String.format(Locale.ROOT, "%nRatio direct / SDK multipart (time): cold **%.2f×**, warm (medians) **%.2f×**.%n",
                coldRatio, warmRatio));
        md.append("\n").append(BenchRuns.measuredNow());
        return md.toString();
    }
}
