package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portalkit files verify [-s STORAGE] [--hashes] [--repair]} on the default layout (a
 * files:fs default storage in {@code <data-dir>/storage}, the implicit {@code resources} storage
 * inside it): planted orphans (old and young), missing bytes, a truncated and an altered file, a
 * stale spool and an old multipart upload are each named on a line; exit 1 while anything is
 * wrong; {@code --repair} removes what may go, marks broken records, and leaves a clean verify.
 */
class FilesVerifyCliTest {
    static final String CSV = "river,length_km\nDanube,2850\nRhine,1230\n";

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(TestPortal portal, String action, Map<String, Object> data) {
        return (Map<String, Object>) portal.call(action, TestPortal.SYSADMIN, data);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, Object> upload(TestPortal portal, String name, String content) {
        return call(portal, "files_file_create", map("name", name, "upload",
                Upload.of(content.getBytes(StandardCharsets.UTF_8), name, "text/plain")));
    }

    static void age(Path file, Duration by) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(by)));
    }

    static List<String> problems(CliRun run) {
        return run.out().lines().filter(l -> !l.startsWith("bytes without record, younger") && !l.startsWith("known broken")).toList();
    }

    /**
     * A recursive default storage lists the files of the implicit storages in its sub-folders: they
     * are theirs, not its orphans, and a repair with no grace period at all leaves them alone.
     */
    @Test
    void filesOfStoragesNestedInAnotherAreNotItsOrphans(@TempDir Path dir) throws IOException {
        Path storage = dir.resolve("files");
        Map<String, String> options = Map.of("portal.files.storage.default.type", "files:fs",
                "portal.files.storage.default.path", storage.toString(), "portal.files.storage.default.create_path", "true",
                "portal.files.storage.default.recursive", "true", "portal.files.orphan_grace_period", "0");
        Map<String, Object> resourceFile;
        try (TestPortal portal = start(dir, options)) {
            upload(portal, "top.csv", CSV);
            String org = (String) call(portal, "organization_create", map("name", "nest-org")).get("id");
            String dataset = (String) call(portal, "package_create", map("name", "nest-ds", "owner_org", org)).get("id");
            Map<String, Object> resource = call(portal, "resource_create", map("package_id", dataset, "upload",
                    Upload.of(CSV.getBytes(StandardCharsets.UTF_8), "lengths.csv", "text/csv")));
            resourceFile = call(portal, "files_file_show", map("id", resource.get("file_id")));
        }
        Path resourceBytes = storage.resolve("resources").resolve((String) resourceFile.get("location"));
        assertThat(resourceBytes).exists();
        Files.createDirectories(storage.resolve("deep"));
        Files.writeString(storage.resolve("deep/orphan.bin"), "no record");
        CliRun found = CliRun.in(dir, options, "files", "verify");
        assertThat(found.code()).isEqualTo(1);
        assertThat(problems(found)).singleElement().asString().startsWith("bytes without record: default:deep/orphan.bin (9 bytes, written ");
        CliRun repaired = CliRun.in(dir, options, "files", "verify", "--repair");
        assertThat(repaired.code()).as(repaired.out() + repaired.err()).isZero();
        assertThat(storage.resolve("deep/orphan.bin")).doesNotExist();
        assertThat(resourceBytes).exists();
        assertThat(CliRun.in(dir, options, "files", "verify", "--hashes").code()).isZero();
    }

    static TestPortal start(Path dir, Map<String, String> options) {
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir);
        options.forEach(builder::option);
        return builder.start();
    }

    @Test
    @SuppressWarnings("unchecked")
    void findsEachProblemByNameAndRepairLeavesACleanVerify(@TempDir Path dir) throws IOException {
        Path storage = dir.resolve("storage");
        Map<String, Object> missing;
        Map<String, Object> truncated;
        Map<String, Object> altered;
        Map<String, Object> resource;
        try (TestPortal portal = TestPortal.builder().dataDir(dir).start()) {
            missing = upload(portal, "missing.csv", CSV);
            truncated = upload(portal, "truncated.csv", CSV);
            altered = upload(portal, "altered.csv", CSV);
            upload(portal, "sound.csv", CSV);
            String org = (String) call(portal, "organization_create", map("name", "verify-org")).get("id");
            String dataset = (String) call(portal, "package_create", map("name", "verify-ds", "owner_org", org)).get("id");
            resource = call(portal, "resource_create", map("package_id", dataset, "upload",
                    Upload.of(CSV.getBytes(StandardCharsets.UTF_8), "lengths.csv", "text/csv")));
        }
        // A multipart upload started nine days ago (the portal's clock), never finished.
        try (TestPortal past = TestPortal.builder().dataDir(dir).clock(new MutableClock(Instant.now().minus(Duration.ofDays(9))))
                .start()) {
            call(past, "files_multipart_start", map("name", "abandoned.bin", "size", 10));
        }

        // Only the old upload is wrong: the resource file inside the default storage's folder is not an orphan of it.
        CliRun first = CliRun.in(dir, "files", "verify");
        assertThat(first.code()).as(first.out() + first.err()).isEqualTo(1);
        // The default storage puts a random prefix before a name (uuid_prefix): default:<uuid>abandoned.bin.
        assertThat(problems(first)).singleElement().asString().startsWith("old multipart upload: default:")
                .contains("abandoned.bin (upload ");
        assertThat(first.err()).contains("5 file(s)").contains("1 problem(s)");

        // Plant the problems.
        Files.delete(storage.resolve((String) missing.get("location")));
        Files.writeString(storage.resolve((String) truncated.get("location")), CSV.substring(0, 10));
        Files.writeString(storage.resolve((String) altered.get("location")), CSV.replace("Danube", "DANUBE"));
        Path oldOrphan = storage.resolve("forgotten.bin");
        Files.writeString(oldOrphan, "left by a crash");
        age(oldOrphan, Duration.ofHours(2));
        Path youngOrphan = storage.resolve("in-flight.bin");
        Files.writeString(youngOrphan, "an upload whose record is not committed yet");
        Path resourceOrphan = storage.resolve("resources/old-resource.bin");
        Files.writeString(resourceOrphan, "an orphan of the resources storage");
        age(resourceOrphan, Duration.ofHours(2));
        Path staleSpool = dir.resolve("tmp/upload-1.part");
        Files.createDirectories(staleSpool.getParent());
        Files.writeString(staleSpool, "a spool of a killed process");
        age(staleSpool, Duration.ofHours(3));
        Path youngSpool = dir.resolve("tmp/upload-2.part");
        Files.writeString(youngSpool, "a spool of a request being received");

        CliRun found = CliRun.in(dir, "files", "verify");
        assertThat(found.code()).as(found.out() + found.err()).isEqualTo(1);
        assertThat(found.out()).contains("record without bytes: default:" + missing.get("location") + " (file " + missing.get("id")
                        + ": no bytes in the storage)")
                .contains("size mismatch: default:" + truncated.get("location") + " (file " + truncated.get("id") + ": "
                        + CSV.length() + " bytes recorded, 10 stored)")
                .contains("bytes without record: default:forgotten.bin (15 bytes, written ")
                .contains("bytes without record: resources:old-resource.bin (")
                .contains("bytes without record, younger than the grace period (an upload may be in flight): default:in-flight.bin")
                .contains("stale spool: " + staleSpool + " (27 bytes, written ")
                .containsPattern("old multipart upload: default:[0-9a-f-]{36}abandoned.bin")
                .doesNotContain("hash mismatch").doesNotContain("upload-2.part").doesNotContain("default:resources/");
        assertThat(problems(found)).hasSize(6);

        // --hashes reads the files: the altered one (same size) differs.
        CliRun hashed = CliRun.in(dir, "files", "verify", "--hashes");
        assertThat(hashed.out()).contains("hash mismatch: default:" + altered.get("location") + " (file " + altered.get("id") + ": md5 ");
        assertThat(problems(hashed)).hasSize(7);

        // -s limits the check to one storage (and spools and multipart uploads, which are the portal's).
        CliRun resources = CliRun.in(dir, "files", "verify", "-s", "resources");
        assertThat(resources.out()).contains("resources:old-resource.bin").doesNotContain("default:");
        assertThat(resources.err()).contains("1 file(s)");
        CliRun unknown = CliRun.in(dir, "files", "verify", "-s", "nowhere");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("-s/--storage: unknown storage 'nowhere'");

        // --repair: orphans past the grace period, the stale spool and the old upload go; broken records are marked.
        CliRun repaired = CliRun.in(dir, "files", "verify", "--hashes", "--repair");
        assertThat(repaired.code()).as(repaired.out() + repaired.err()).isZero();
        assertThat(repaired.out()).contains("bytes without record: default:forgotten.bin (15 bytes, written ")
                .contains("): removed").contains("): marked broken").contains("): aborted");
        assertThat(oldOrphan).doesNotExist();
        assertThat(resourceOrphan).doesNotExist();
        assertThat(staleSpool).doesNotExist();
        assertThat(youngOrphan).exists();
        assertThat(youngSpool).exists();

        // A clean verify: the marked records are known, nothing else is wrong.
        CliRun after = CliRun.in(dir, "files", "verify", "--hashes");
        assertThat(after.code()).as(after.out() + after.err()).isZero();
        assertThat(problems(after)).isEmpty();
        assertThat(after.out()).contains("known broken record: default:" + missing.get("location"))
                .contains("known broken record: default:" + truncated.get("location"))
                .contains("known broken record: default:" + altered.get("location"));
        try (TestPortal portal = TestPortal.builder().dataDir(dir).start()) {
            assertThat(call(portal, "files_file_show", map("id", missing.get("id"))))
                    .containsEntry("broken", "record without bytes: no bytes in the storage");
            assertThat((String) call(portal, "files_file_show", map("id", altered.get("id"))).get("broken")).startsWith("hash mismatch: md5 ");
            Map<String, Object> resourceFile = call(portal, "files_file_show", map("id", resource.get("file_id")));
            assertThat(resourceFile).containsEntry("broken", null);
            assertThat(storage.resolve("resources").resolve((String) resourceFile.get("location"))).exists();
        }

        // Bytes restored: the mark is reported until a repair clears it.
        Files.writeString(storage.resolve((String) missing.get("location")), CSV);
        CliRun healed = CliRun.in(dir, "files", "verify");
        assertThat(healed.code()).isEqualTo(1);
        assertThat(healed.out()).contains("marked broken but sound: default:" + missing.get("location"));
        assertThat(CliRun.in(dir, "files", "verify", "--repair").code()).isZero();
        CliRun sound = CliRun.in(dir, "files", "verify");
        assertThat(sound.code()).isZero();
        assertThat(sound.out()).doesNotContain(":" + missing.get("location"));
    }
}
