package dev.portalkit.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.ContainerManagement;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.storage.s3.testing.S3Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/** files:s3-dynamic: a bucket per period, files that keep their bucket, buckets created ahead of time. */
class S3DynamicStorageTest extends S3Fixture {
    private static Upload text(String content, String name) {
        return Upload.of(content.getBytes(StandardCharsets.UTF_8), name, "text/plain");
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Map<String, String> dynamicOptions(String template, String... keyValues) {
        Map<String, String> options = s3.storageOptions("files:s3-dynamic");
        options.put("bucket_template", template);
        options.put("bucket_secret", "a secret of the test");
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return options;
    }

    private List<String> buckets(String prefix) {
        try (S3Client client = s3.client()) {
            return client.listBuckets().buckets().stream().map(Bucket::name).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }

    @Test
    void filesKeepTheirBucketAcrossAPeriodBoundary() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-31T21:00:00Z"));
        String base = fresh("roll");
        ManagedStorage storage = open(new S3DynamicStorageFactory(clock), dynamicOptions(base + "-<year>-<month>", "create_ahead", "1"));
        FileData january = storage.uploader().upload(new Location("report.txt"), text("january", "report.txt"), false);
        String januaryBucket = (String) january.storageData().get("bucket");
        assertThat(januaryBucket).startsWith(base + "-2026-01-").hasSizeLessThanOrEqualTo(63).matches("[a-z0-9.-]+");
        assertThat(buckets(base)).containsExactly(januaryBucket);

        clock.advance(Duration.ofHours(4)); // 2026-02-01T01:00Z: a new period
        FileData february = storage.uploader().upload(new Location("report.txt"), text("february", "report.txt"), false);
        String februaryBucket = (String) february.storageData().get("bucket");
        assertThat(februaryBucket).startsWith(base + "-2026-02-").isNotEqualTo(januaryBucket);
        assertThat(read(storage.reader().stream(january))).as("the old file, by its recorded bucket").isEqualTo("january");
        assertThat(read(storage.reader().stream(february))).isEqualTo("february");
        assertThat(read(storage.reader().stream(FileData.of(new Location("report.txt"))))).as("a location alone: the current bucket")
                .isEqualTo("february");
        FileData copied = storage.manager().copy(new Location("copy-of-january.txt"), january, false);
        assertThat(copied.storageData()).containsEntry("bucket", februaryBucket);
        assertThat(read(storage.reader().stream(copied))).isEqualTo("january");
        try (Stream<Location> all = storage.manager().scan()) {
            assertThat(all.map(Location::value)).as("every bucket of the storage").containsExactly("report.txt", "copy-of-january.txt",
                    "report.txt");
        }
        assertThat(storage.manager().remove(january)).isTrue();
        assertThat(read(storage.reader().stream(february))).isEqualTo("february");
    }

    @Test
    void theStoragesTaskCreatesTheNextBucketAheadOfTime() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-29T10:00:00Z")); // a Sunday: ISO week 13 of 2026
        String base = fresh("weekly");
        ManagedStorage storage = open(new S3DynamicStorageFactory(clock), dynamicOptions(base + "-<year>-w<week>",
                "create_ahead", "6", "check_interval", "1"));
        assertThat(buckets(base)).as("the current week's bucket, at start").singleElement()
                .satisfies(b -> assertThat(b).startsWith(base + "-2026-w13-"));
        clock.advance(Duration.ofHours(9)); // 19:00, five hours before Monday: week 14 is due
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (buckets(base).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(buckets(base)).hasSize(2).anySatisfy(b -> assertThat(b).startsWith(base + "-2026-w14-"));
        storage.close();
        Thread.sleep(200);
        clock.advance(Duration.ofDays(7));
        Thread.sleep(1_500);
        assertThat(buckets(base)).as("the task stopped with the storage").hasSize(2);
    }

    @Test
    void newBucketsGetTheCorsRulesOfTheBucketBefore() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-31T12:00:00Z"));
        String base = fresh("yearly");
        ManagedStorage storage = open(new S3DynamicStorageFactory(clock), dynamicOptions(base + "-<year>", "create_ahead", "1"));
        ContainerManagement management = ((ManagedStorageImpl) storage).adapterAs(ContainerManagement.class).orElseThrow();
        management.configureCors(List.of("https://portal.example.org"));
        String current = buckets(base).get(0);
        assertThat(s3.subresources().cors(current)).hasValueSatisfying(x -> assertThat(x).contains("https://portal.example.org"));
        clock.advance(Duration.ofHours(12).plusMinutes(1));
        assertThat(management.createContainer()).as("the 2027 bucket is created").isTrue();
        String next = buckets(base + "-2027").get(0);
        assertThat(s3.subresources().cors(next)).isEqualTo(s3.subresources().cors(current));
        assertThat(management.createContainer()).isFalse();
    }

    @Test
    void bucketNamesAreUnguessableAndTemplatesAreChecked() {
        Instant moment = Instant.parse("2026-06-15T00:00:00Z");
        BucketTemplate a = BucketTemplate.parse("files-<year>-<month>", "first secret").template();
        BucketTemplate b = BucketTemplate.parse("files-<year>-<month>", "other secret").template();
        assertThat(a.bucketAt(moment)).startsWith("files-2026-06-").hasSize(63).isNotEqualTo(b.bucketAt(moment));
        assertThat(a.owns(a.bucketAt(moment))).isTrue();
        assertThat(a.owns(b.bucketAt(moment))).as("another secret's bucket").isFalse();
        assertThat(a.owns("files-2026-06-0123456789abcdef0123456789abcdef0123456789abcdef0")).isFalse();
        assertThat(BucketTemplate.parse("files-<year>-w<week>", "first secret").template().bucketAt(Instant.parse("2027-01-01T00:00:00Z")))
                .as("1 January 2027 is in ISO week 53 of 2026").startsWith("files-2026-w53-");
        for (String[] bad : new String[][] {{"files-<month>", "no year"}, {"files-<year>-<month>-<week>", "both"},
                {"Files_<year>", "characters"}, {"f-<year>-<day>", "placeholder"}, {"x".repeat(50) + "<year>", "room"}}) {
            Map<String, String> options = dynamicOptions(bad[0]);
            assertThatThrownBy(() -> open(options)).as(bad[1]).isInstanceOfSatisfying(PortalException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID)).hasMessageContaining("bucket_template: ");
        }
        Map<String, String> weak = dynamicOptions("files-<year>", "bucket_secret", "short");
        assertThatThrownBy(() -> open(weak)).hasMessageContaining("bucket_secret: ").hasMessageNotContaining("short'");
    }
}
