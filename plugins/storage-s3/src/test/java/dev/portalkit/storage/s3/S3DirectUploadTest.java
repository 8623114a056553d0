package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Direct uploads to S3 (S3Proxy) through the actions: the test PUTs the parts to the presigned
 * URLs with plain HTTP, the portal only starts and completes; wrong ETags, missing parts and a
 * wrong size are refused and abort the S3 upload; URLs expire and refresh signs working ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3DirectUploadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MIB = 1024 * 1024;
    private static final String BUCKET = "direct-bucket";
    private static final String SHORT_BUCKET = "direct-short";
    @TempDir
    static Path tmp;
    private S3ProxyServer s3;
    private TestPortal portal;
    private S3Client client;

    @BeforeAll
    void start() {
        s3 = S3ProxyServer.start(tmp);
        client = s3.client();
        TestPortal.Builder builder = TestPortal.builder().dataDir(tmp.resolve("data")).plugins("storage-s3").runPendingTasks(false);
        s3.storageOptions("files:s3").forEach((k, v) -> builder.option("portal.files.storage.cloud." + k, v));
        builder.option("portal.files.storage.cloud.bucket", BUCKET).option("portal.files.storage.cloud.create_bucket", "true");
        s3.storageOptions("files:s3").forEach((k, v) -> builder.option("portal.files.storage.short." + k, v));
        builder.option("portal.files.storage.short.bucket", SHORT_BUCKET).option("portal.files.storage.short.create_bucket", "true")
                .option("portal.files.storage.short.direct_url_lifetime", "3");
        portal = builder.start();
    }

    @AfterAll
    void stop() {
        if (portal != null) {
            portal.close();
        }
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> signedParts(Map<String, Object> answer) {
        return (List<Map<String, Object>>) ((Map<String, Object>) answer.get("direct")).get("parts");
    }

    /** PUTs {@code body} to a signed part as a browser would (the URL, its method and headers); the response. */
    static HttpResponse<String> put(Map<String, Object> part, byte[] body) throws IOException, InterruptedException {
        return put(part, body, false);
    }

    /**
     * {@link #put}; with {@code expectContinue}, the body waits for S3's go-ahead ({@code Expect: 100-continue}).
     * For a request S3 refuses from its headers alone (an expired URL): it answers 403 at once and closes
     * without reading the body, and a client still sending it may then see the connection fail instead of
     * the answer (it did, once, in CI).
     */
    @SuppressWarnings("unchecked")
    static HttpResponse<String> put(Map<String, Object> part, byte[] body, boolean expectContinue)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((String) part.get("url")))
                .method((String) part.get("method"), HttpRequest.BodyPublishers.ofByteArray(body))
                .expectContinue(expectContinue).timeout(java.time.Duration.ofSeconds(30));
        ((Map<String, String>) part.get("headers")).forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the parts of {@code bytes} in the upload's part size; the parts list for completion. */
    static List<Map<String, Object>> sendAll(Map<String, Object> started, byte[] bytes) throws Exception {
        List<Map<String, Object>> done = new ArrayList<>();
        int partSize = ((Number) ((Map<?, ?>) started.get("direct")).get("part_size")).intValue();
        for (Map<String, Object> part : signedParts(started)) {
            int n = (Integer) part.get("number");
            int from = (n - 1) * partSize;
            byte[] slice = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + partSize));
            HttpResponse<String> response = put(part, slice);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            done.add(Map.of("number", n, "etag", response.headers().firstValue("ETag").orElseThrow()));
        }
        return done;
    }

    private List<String> openUploads(String bucket) {
        return client.listMultipartUploads(l -> l.bucket(bucket)).uploads().stream().map(MultipartUpload::uploadId).toList();
    }

    private boolean exists(String bucket, String key) {
        try {
            client.headObject(h -> h.bucket(bucket).key(key));
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

    @SuppressWarnings("unchecked")
    private static String uploadId(Map<String, Object> upload) {
        return (String) ((Map<String, Object>) upload.get("storage_data")).get("upload_id");
    }

    private void assertGone(Map<String, Object> started, String bucket) {
        assertThat(openUploads(bucket)).as("the S3 upload is aborted").doesNotContain(uploadId(started));
        assertThat(exists(bucket, (String) started.get("location"))).as("no object").isFalse();
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id")))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void partsPutStraightToS3BecomeAVerifiedFile() throws Exception {
        byte[] bytes = content(17 * MIB + 123, 1);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "direct.bin", "size", bytes.length,
                "hash", md5(bytes), "direct", true);
        Map<?, ?> direct = (Map<?, ?>) started.get("direct");
        assertThat(direct.get("part_size")).isEqualTo(8L * MIB);
        assertThat(signedParts(started)).extracting(p -> p.get("number")).containsExactly(1, 2, 3);
        assertThat(signedParts(started)).allSatisfy(p -> assertThat(p).containsEntry("method", "PUT")
                .hasEntrySatisfying("url", url -> assertThat((String) url).startsWith(s3.endpoint() + "/" + BUCKET + "/")
                        .contains("partNumber=").contains("uploadId=").contains("X-Amz-Signature=")));
        Instant expires = OffsetDateTime.parse((String) direct.get("expires")).toInstant();
        assertThat(expires).isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        assertThat(started.get("storage_data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("portal_direct", Map.of("part_size", 8 * MIB));
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_update", "id", started.get("id"), "part", 1, "upload", "abc"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
                .hasMessageContaining("is direct");

        List<Map<String, Object>> parts = sendAll(started, bytes);
        Map<String, Object> refreshed = portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id"));
        assertThat(refreshed.get("parts")).isEqualTo(Map.of("1", 8 * MIB, "2", 8 * MIB, "3", MIB + 123));
        assertThat(signedParts(refreshed)).as("every part arrived: nothing left to sign").isEmpty();

        Map<String, Object> file = portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts);
        assertThat(file).containsEntry("storage", "cloud").containsEntry("size", (long) bytes.length).containsEntry("hash", md5(bytes));
        assertThat(md5(client.getObjectAsBytes(g -> g.bucket(BUCKET).key((String) file.get("location"))).asByteArray()))
                .isEqualTo(md5(bytes));
        assertThat(openUploads(BUCKET)).doesNotContain(uploadId(started));
        assertThat(portal.callAsSysadmin("files_file_show", "id", file.get("id"))).containsEntry("hash", md5(bytes));
    }

    @Test
    void aWrongEtagIsRefusedAndAbortsTheUpload() throws Exception {
        byte[] bytes = content(9 * MIB, 2);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "etag.bin", "size", bytes.length,
                "direct", true);
        List<Map<String, Object>> parts = new ArrayList<>(sendAll(started, bytes));
        assertThat(openUploads(BUCKET)).contains(uploadId(started));
        parts.set(0, Map.of("number", 1, "etag", "\"0123456789abcdef0123456789abcdef\""));
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("parts"))
                .hasMessageContaining("Part 1 has ETag");
        assertGone(started, BUCKET);
    }

    @Test
    void aMissingPartIsRefusedAndAbortsTheUpload() throws Exception {
        byte[] bytes = content(9 * MIB, 3);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "missing.bin", "size", bytes.length,
                "direct", true);
        Map<String, Object> first = signedParts(started).get(0);
        HttpResponse<String> sent = put(first, java.util.Arrays.copyOf(bytes, 8 * MIB));
        assertThat(sent.statusCode()).isEqualTo(200);
        // Malformed lists change nothing.
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", List.of(Map.of("number", 1),
                Map.of("number", 1)))).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("parts"));
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id")))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("parts"));
        assertThat(openUploads(BUCKET)).contains(uploadId(started));
        List<Map<String, Object>> parts = List.of(Map.of("number", 1, "etag", sent.headers().firstValue("ETag").orElseThrow()),
                Map.of("number", 2, "etag", "\"0123456789abcdef0123456789abcdef\""));
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("parts"))
                .hasMessageContaining("Part 2 did not arrive at storage cloud");
        assertGone(started, BUCKET);
    }

    @Test
    void aSizeOtherThanTheAnnouncedOneIsRefusedAndAbortsTheUpload() throws Exception {
        byte[] bytes = content(9 * MIB, 4);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "size.bin", "size", bytes.length,
                "direct", true);
        List<Map<String, Object>> parts = new ArrayList<>();
        List<Map<String, Object>> signed = signedParts(started);
        HttpResponse<String> one = put(signed.get(0), java.util.Arrays.copyOf(bytes, 8 * MIB));
        HttpResponse<String> two = put(signed.get(1), java.util.Arrays.copyOf(bytes, 2 * MIB));
        parts.add(Map.of("number", 1, "etag", one.headers().firstValue("ETag").orElseThrow()));
        parts.add(Map.of("number", 2, "etag", two.headers().firstValue("ETag").orElseThrow()));
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("size"))
                .hasMessageContaining("started with " + bytes.length + " bytes but its parts hold " + (10 * MIB));
        assertGone(started, BUCKET);
    }

    @Test
    void expiredUrlsAreRefusedByS3AndRefreshSignsWorkingOnes() throws Exception {
        byte[] bytes = content(MIB, 5);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "short", "name", "expiry.bin", "size", bytes.length,
                "direct", true);
        Instant expires = OffsetDateTime.parse((String) ((Map<?, ?>) started.get("direct")).get("expires")).toInstant();
        // Wait out the 3-second lifetime (bounded: 10 s at most).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Instant.now().isAfter(expires.plusMillis(1500)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        HttpResponse<String> late = put(signedParts(started).get(0), bytes, true);
        assertThat(late.statusCode()).as(late.body()).isEqualTo(403);

        Map<String, Object> refreshed = portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id"), "part_numbers", List.of(1));
        assertThat(signedParts(refreshed)).extracting(p -> p.get("number")).containsExactly(1);
        assertThat(signedParts(refreshed).get(0).get("url")).isNotEqualTo(signedParts(started).get(0).get("url"));
        List<Map<String, Object>> parts = sendAll(refreshed, bytes);
        assertThatThrownBy(() -> portal.callAsSysadmin("files_multipart_refresh", "id", started.get("id"), "part_numbers", List.of(2)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("part_numbers"));
        Map<String, Object> file = portal.callAsSysadmin("files_multipart_complete", "id", started.get("id"), "parts", parts);
        assertThat(file).containsEntry("storage", "short").containsEntry("hash", md5(bytes));
    }

    /**
     * Not direct: parts through files_multipart_update, then files_multipart_refresh (which reads
     * S3's part list, ETags) before completion. Refresh used to put the ETags where the record keeps
     * the parts' sizes, and the completion then found "part 1 missing".
     */
    @Test
    void aRefreshedUploadThroughThePortalStillCompletes() throws Exception {
        byte[] bytes = content(6 * MIB + 17, 31);
        Map<String, Object> started = portal.callAsSysadmin("files_multipart_start", "storage", "cloud", "name", "through.bin", "size", bytes.length);
        String id = (String) started.get("id");
        portal.callAsSysadmin("files_multipart_update", "id", id, "part", 1,
                "upload", dev.portalkit.api.files.Upload.of(java.util.Arrays.copyOf(bytes, 5 * MIB), "through.bin", null));
        portal.callAsSysadmin("files_multipart_update", "id", id, "part", 2,
                "upload", dev.portalkit.api.files.Upload.of(java.util.Arrays.copyOfRange(bytes, 5 * MIB, bytes.length), "through.bin", null));
        Map<String, Object> refreshed = portal.callAsSysadmin("files_multipart_refresh", "id", id);
        assertThat(((Number) ((Map<String, Object>) refreshed.get("parts")).get("1")).longValue()).isEqualTo(5L * MIB);
        Map<String, Object> file = portal.callAsSysadmin("files_multipart_complete", "id", id);
        assertThat(file).containsEntry("size", (long) bytes.length).containsEntry("hash", md5(bytes));
    }
}
