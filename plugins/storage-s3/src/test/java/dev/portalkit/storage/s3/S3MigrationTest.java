package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * {@code files transfer} from a local fs storage to an S3 storage (S3Proxy) and back, and
 * {@code files_multipart_clean} aborting a stale S3 multipart upload for real (its upload id is gone).
 */
class S3MigrationTest {
    @TempDir
    static Path tmp;
    static S3ProxyServer s3;

    @BeforeAll
    static void start() {
        s3 = S3ProxyServer.start(tmp);
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private static Map<String, String> options(Path dir, String bucket) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("portal.plugins", "storage-s3");
        o.put("portal.files.storage.local.type", "files:fs");
        o.put("portal.files.storage.local.path", dir.resolve("local").toString());
        o.put("portal.files.storage.local.create_path", "true");
        s3.storageOptions("files:s3").forEach((k, v) -> o.put("portal.files.storage.cloud." + k, v));
        o.put("portal.files.storage.cloud.bucket", bucket);
        o.put("portal.files.storage.cloud.create_bucket", "true");
        o.put("portal.files.default_storage", "local");
        return o;
    }

    private static TestPortal portal(Path dir, String bucket, MutableClock clock) {
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir.resolve("data")).clock(clock);
        options(dir, bucket).forEach(builder::option);
        return builder.start();
    }

    private static S3CliTest.Run cli(Path dir, String bucket, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        options(dir, bucket).forEach((k, v) -> {
            all.add("-o");
            all.add(k + "=" + v);
        });
        return S3CliTest.run(dir.resolve("data"), all);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(TestPortal portal, String action, Object... kv) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            data.put((String) kv[i], kv[i + 1]);
        }
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    private static String inBucket(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    @Test
    void transferFromFsToS3AndBack(@TempDir Path dir) throws Exception {
        String bucket = "transfer-bucket";
        List<Map<String, Object>> made = new ArrayList<>();
        try (TestPortal portal = portal(dir, bucket, null)) {
            for (int i = 0; i < 25; i++) {
                made.add(call(portal, "files_file_create", "storage", "local", "name", "file-" + i + ".txt", "upload", "payload " + i));
            }
        }
        S3CliTest.Run forward = cli(dir, bucket, "files", "transfer", "local", "cloud");
        assertThat(forward.code()).as(forward.err()).isZero();
        assertThat(forward.err()).contains("25 file(s) copied to cloud, 0 already done").contains("25 record(s) pointed at cloud");
        try (S3Client client = s3.client(); TestPortal portal = portal(dir, bucket, null)) {
            for (int i = 0; i < made.size(); i++) {
                Map<String, Object> f = made.get(i);
                Map<String, Object> now = call(portal, "files_file_show", "id", f.get("id"));
                assertThat(now).containsEntry("storage", "cloud").containsEntry("hash", f.get("hash"));
                assertThat(inBucket(client, bucket, (String) f.get("location"))).isEqualTo("payload " + i);
                assertThat(dir.resolve("local").resolve((String) f.get("location"))).as("the source is kept").hasContent("payload " + i);
            }
        }
        assertThat(cli(dir, bucket, "files", "transfer", "local", "cloud").err()).contains("0 file(s) copied to cloud, 0 already done");

        S3CliTest.Run revert = cli(dir, bucket, "files", "transfer", "local", "cloud", "--revert");
        assertThat(revert.code()).as(revert.err()).isZero();
        assertThat(revert.err()).contains("25 record(s) pointed back at local");
        try (TestPortal portal = portal(dir, bucket, null)) {
            assertThat(made).allSatisfy(f -> assertThat(call(portal, "files_file_show", "id", f.get("id"))).containsEntry("storage", "local"));
        }

        // Forward again: the copies are logged and still there (HEAD), so nothing is copied; then all the way back from S3.
        assertThat(cli(dir, bucket, "files", "transfer", "local", "cloud").err()).contains("0 file(s) copied to cloud, 25 already done")
                .contains("25 record(s) pointed at cloud");
        try (S3Client client = s3.client()) {
            client.putObject(p -> p.bucket(bucket).key("stray.txt"), RequestBody.fromString("not tracked"));
        }
        Files.delete(dir.resolve("local").resolve((String) made.get(0).get("location")));
        S3CliTest.Run back = cli(dir, bucket, "files", "transfer", "cloud", "local");
        assertThat(back.code()).as(back.err()).isZero();
        assertThat(back.err()).contains("25 file(s) copied to local, 0 already done").contains("25 record(s) pointed at local");
        try (TestPortal portal = portal(dir, bucket, null)) {
            for (int i = 0; i < made.size(); i++) {
                Map<String, Object> now = call(portal, "files_file_show", "id", made.get(i).get("id"));
                assertThat(now).containsEntry("storage", "local");
                assertThat(dir.resolve("local").resolve((String) now.get("location"))).hasContent("payload " + i);
            }
            assertThat(call(portal, "files_file_search", "storage", "cloud")).containsEntry("count", 0L);
        }
    }

    @Test
    void staleMultipartUploadsAreAbortedInTheBucket(@TempDir Path dir) {
        String bucket = "multipart-bucket";
        MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        try (S3Client client = s3.client(); TestPortal portal = portal(dir, bucket, clock)) {
            Map<String, Object> stale = call(portal, "files_multipart_start", "storage", "cloud", "name", "stale.bin", "size", 10);
            call(portal, "files_multipart_update", "id", stale.get("id"), "part", 1, "upload", "0123456789");
            clock.advance(Duration.ofDays(6));
            Map<String, Object> fresh = call(portal, "files_multipart_start", "storage", "cloud", "name", "fresh.bin", "size", 10);
            clock.advance(Duration.ofDays(2));
            String staleId = uploadId(stale);
            String freshId = uploadId(fresh);
            assertThat(openUploads(client, bucket)).contains(staleId, freshId);

            Map<String, Object> result = call(portal, "files_multipart_clean");
            assertThat(result).containsEntry("removed", 1);
            assertThat(openUploads(client, bucket)).doesNotContain(staleId).contains(freshId);
            // (ListMultipartUploads is the proof: S3Proxy accepts parts for any upload id, aborted or not.)
            assertThat(call(portal, "files_multipart_clean")).containsEntry("removed", 0);
            call(portal, "files_multipart_update", "id", fresh.get("id"), "part", 1, "upload", "0123456789");
            // S3 needs 5 MiB in every part but the last: a 10-byte upload has one part, so part 2 is refused before S3 sees it.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(portal, "files_multipart_update", "id", fresh.get("id"),
                            "part", 2, "upload", "x"))
                    .isInstanceOfSatisfying(dev.portalkit.api.ValidationException.class, e -> assertThat(e.errors()).containsOnlyKeys("part"))
                    .hasMessageContaining("needs at least 5242880 bytes in every part but the last");
        }
    }

    @SuppressWarnings("unchecked")
    private static String uploadId(Map<String, Object> upload) {
        return (String) ((Map<String, Object>) upload.get("storage_data")).get("upload_id");
    }

    private static List<String> openUploads(S3Client client, String bucket) {
        return client.listMultipartUploads(l -> l.bucket(bucket)).uploads().stream().map(MultipartUpload::uploadId).toList();
    }
}
