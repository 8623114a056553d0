package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.cli.PortalCli;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.testservers.S3ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@code portalkit files verify} on a files:s3 default storage (S3Proxy over a folder; the implicit
 * resources storage is a key prefix of the same bucket): objects deleted, truncated and altered
 * behind the portal's back, orphan objects old and young, an old multipart upload at S3; each named,
 * exit 1; {@code --repair} removes the old orphans and the upload, marks the broken records, and a
 * verify afterwards exits 0. An orphan is made old by the mtime of S3Proxy's file, which is its
 * Last-Modified.
 */
class S3VerifyCliTest {
    static final String CSV = "river,length_km\nDanube,2850\nRhine,1230\n";
    static final String BUCKET = "verify";

    @TempDir
    static Path tmp;
    static S3ProxyServer s3;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void start() {
        s3 = S3ProxyServer.start(tmp);
        try (S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket(BUCKET));
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    static Map<String, String> options() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("portal.plugins", "storage-s3");
        s3.storageOptions("files:s3").forEach((k, v) -> options.put("portal.files.storage.default." + k, v));
        options.put("portal.files.storage.default.bucket", BUCKET);
        return options;
    }

    /** {@code portalkit ARGS -o ... --data-dir DIR} in process, with its output. */
    static Run run(Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        options().forEach((k, v) -> {
            all.add("-o");
            all.add(k + "=" + v);
        });
        all.add("--data-dir");
        all.add(dir.toString());
        picocli.CommandLine cli = PortalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    static TestPortal portal(Path dir, MutableClock clock) {
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir).clock(clock);
        options().forEach(builder::option);
        return builder.start();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(TestPortal portal, String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    static Map<String, Object> upload(TestPortal portal, String name, String content) {
        return call(portal, "files_file_create", Map.of("name", name, "upload",
                Upload.of(content.getBytes(StandardCharsets.UTF_8), name, "text/plain")));
    }

    static void put(S3Client client, String key, String content) {
        client.putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromString(content));
    }

    /** Ages an object: S3Proxy's filesystem store answers Last-Modified from its file's mtime. */
    static void age(String key, Duration by) throws IOException {
        Files.setLastModifiedTime(s3.root().resolve(BUCKET).resolve(key), FileTime.from(Instant.now().minus(by)));
    }

    static boolean exists(S3Client client, String key) {
        try {
            client.headObject(h -> h.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    static List<String> problems(Run run) {
        return run.out().lines().filter(l -> !l.startsWith("bytes without record, younger") && !l.startsWith("known broken")).toList();
    }

    @Test
    void findsEachProblemByNameAndRepairLeavesACleanVerify(@TempDir Path dir) throws IOException {
        Map<String, Object> missing;
        Map<String, Object> truncated;
        Map<String, Object> altered;
        String resourceKey;
        try (TestPortal portal = portal(dir, null)) {
            missing = upload(portal, "missing.csv", CSV);
            truncated = upload(portal, "truncated.csv", CSV);
            altered = upload(portal, "altered.csv", CSV);
            upload(portal, "sound.csv", CSV);
            String org = (String) call(portal, "organization_create", Map.of("name", "s3-verify-org")).get("id");
            String dataset = (String) call(portal, "package_create", Map.of("name", "s3-verify-ds", "owner_org", org)).get("id");
            Map<String, Object> resource = call(portal, "resource_create", Map.of("package_id", dataset, "upload",
                    Upload.of(CSV.getBytes(StandardCharsets.UTF_8), "lengths.csv", "text/csv")));
            resourceKey = "resources/" + call(portal, "files_file_show", Map.of("id", resource.get("file_id"))).get("location");
        }
        try (TestPortal past = portal(dir, new MutableClock(Instant.now().minus(Duration.ofDays(8))))) {
            call(past, "files_multipart_start", Map.of("name", "abandoned.bin", "size", 6 * 1024 * 1024));
        }
        try (S3Client client = s3.client()) {
            assertThat(exists(client, resourceKey)).isTrue();
            client.deleteObject(d -> d.bucket(BUCKET).key((String) missing.get("location")));
            put(client, (String) truncated.get("location"), CSV.substring(0, 10));
            put(client, (String) altered.get("location"), CSV.replace("Rhine", "RHINE"));
            put(client, "forgotten.bin", "left by a crash");
            age("forgotten.bin", Duration.ofHours(2));
            put(client, "resources/forgotten-resource.bin", "left by a crash too");
            age("resources/forgotten-resource.bin", Duration.ofHours(2));
            put(client, "in-flight.bin", "an upload whose record is not committed yet");

            Run found = run(dir, "files", "verify");
            assertThat(found.code()).as(found.out() + found.err()).isEqualTo(1);
            assertThat(found.out()).contains("record without bytes: default:" + missing.get("location") + " (file " + missing.get("id"))
                    .contains("size mismatch: default:" + truncated.get("location") + " (file " + truncated.get("id") + ": "
                            + CSV.length() + " bytes recorded, 10 stored)")
                    .contains("bytes without record: default:forgotten.bin (15 bytes, written ")
                    .contains("bytes without record: resources:forgotten-resource.bin (19 bytes, written ")
                    .contains("bytes without record, younger than the grace period (an upload may be in flight): default:in-flight.bin")
                    .containsPattern("old multipart upload: default:[0-9a-f-]{36}abandoned.bin")
                    .doesNotContain("default:resources/").doesNotContain("hash mismatch");
            assertThat(problems(found)).hasSize(5);

            Run hashed = run(dir, "files", "verify", "--hashes");
            assertThat(hashed.out()).contains("hash mismatch: default:" + altered.get("location") + " (file " + altered.get("id") + ": md5 ");
            assertThat(problems(hashed)).hasSize(6);

            Run repaired = run(dir, "files", "verify", "--hashes", "--repair");
            assertThat(repaired.code()).as(repaired.out() + repaired.err()).isZero();
            assertThat(exists(client, "forgotten.bin")).isFalse();
            assertThat(exists(client, "resources/forgotten-resource.bin")).isFalse();
            assertThat(exists(client, "in-flight.bin")).isTrue();
            assertThat(exists(client, resourceKey)).isTrue();
            assertThat(client.listMultipartUploads(l -> l.bucket(BUCKET)).uploads()).isEmpty();

            Run after = run(dir, "files", "verify", "--hashes");
            assertThat(after.code()).as(after.out() + after.err()).isZero();
            assertThat(problems(after)).isEmpty();
            assertThat(after.out()).contains("known broken record: default:" + missing.get("location"))
                    .contains("known broken record: default:" + altered.get("location"));
        }
    }
}
