package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.CliRun;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portalkit files stream} and {@code files scan -u / -t / -a}, run against a data directory
 * whose portal is running (the CLI works beside a server).
 */
class FilesCliTrackingTest {
    private static Map<String, String> options(Path dir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("portal.files.storage.a.type", "files:fs");
        o.put("portal.files.storage.a.path", dir.resolve("a").toString());
        o.put("portal.files.storage.a.create_path", "true");
        o.put("portal.files.storage.b.type", "files:fs");
        o.put("portal.files.storage.b.path", dir.resolve("b").toString());
        o.put("portal.files.storage.b.create_path", "true");
        o.put("portal.files.storage.blind.type", "files:fs");
        o.put("portal.files.storage.blind.path", dir.resolve("a").toString());
        o.put("portal.files.storage.blind.disabled_capabilities", "ANALYZE");
        o.put("portal.files.default_storage", "a");
        o.put("portal.auth.password_iterations", "1000");
        return o;
    }

    private static TestPortal portal(Path dir) {
        TestPortal.Builder builder = TestPortal.builder().dataDir(dir.resolve("data"));
        options(dir).forEach(builder::option);
        return builder.start();
    }

    /** A CLI run with the same configuration as the portal, with the options after {@code args}. */
    private static CliRun cli(Path dir, String... args) {
        return CliRun.in(dir.resolve("data"), options(dir), args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> create(TestPortal portal, String storage, String name, String content) {
        return (Map<String, Object>) portal.call("files_file_create", TestPortal.SYSADMIN,
                Map.of("storage", storage, "name", name, "upload", content));
    }

    @Test
    void streamWritesAFileOrARangeAndOpensOnlyItsStorage(@TempDir Path dir) throws Exception {
        try (TestPortal portal = portal(dir)) {
            String id = (String) create(portal, "a", "hello.txt", "hello world").get("id");
            deleteTree(dir.resolve("b"));
            Path out = dir.resolve("out.bin");
            CliRun whole = cli(dir, "files", "stream", id, "--output", out.toString());
            assertThat(whole.code()).as(whole.err()).isZero();
            assertThat(out).hasContent("hello world");
            assertThat(whole.err()).isEqualTo("11 byte(s) written to " + out + "\n");
            assertThat(dir.resolve("b")).as("storage b was not opened").doesNotExist();

            CliRun range = cli(dir, "files", "stream", id, "--start", "6", "--end", "11", "--output", out.toString());
            assertThat(range.code()).as(range.err()).isZero();
            assertThat(out).hasContent("world");
            cli(dir, "files", "stream", id, "--start", "4", "--output", out.toString());
            assertThat(out).hasContent("o world");

            PrintStream stdout = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CliRun toStdout;
            try {
                toStdout = cli(dir, "files", "stream", id, "--end", "5");
            } finally {
                System.setOut(stdout);
            }
            assertThat(toStdout.code()).as(toStdout.err()).isZero();
            assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("hello");

            CliRun missing = cli(dir, "files", "stream", "no-such-id");
            assertThat(missing.code()).isNotZero();
            assertThat(missing.err()).isEqualTo("error: File not found: no-such-id\n");
            CliRun badRange = cli(dir, "files", "stream", id, "--start", "9", "--end", "3");
            assertThat(badRange.err()).isEqualTo("error: --start 9 --end 3 is not a byte range of this 11-byte file\n");
        }
    }

    @Test
    void scanListsUntrackedFilesAndTracksThem(@TempDir Path dir) throws Exception {
        try (TestPortal portal = portal(dir)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> alice = (Map<String, Object>) portal.call("user_create", TestPortal.SYSADMIN,
                    Map.of("name", "alice", "email", "alice@example.org", "password", "correct horse battery"));
            // The default storage (a) stores uploads at a random prefix + the name (uuid_prefix).
            String trackedAt = (String) create(portal, "a", "tracked.txt", "t").get("location");
            assertThat(trackedAt).matches("[0-9a-f-]{36}tracked\\.txt");
            Files.writeString(dir.resolve("a/left-1.txt"), "one");
            Files.writeString(dir.resolve("a/left-2.csv"), "a,b\n");

            CliRun all = cli(dir, "files", "scan");
            assertThat(all.out().lines()).containsExactlyInAnyOrder("left-1.txt", "left-2.csv", trackedAt);
            CliRun untracked = cli(dir, "files", "scan", "-u");
            assertThat(untracked.code()).as(untracked.err()).isZero();
            assertThat(untracked.out().lines().sorted()).containsExactly("left-1.txt", "left-2.csv");
            assertThat(untracked.err()).isEqualTo("2 untracked file(s) in storage a\n");

            CliRun track = cli(dir, "files", "scan", "-s", "a", "-t", "-a", "alice");
            assertThat(track.code()).as(track.err()).isZero();
            assertThat(track.out().lines().sorted()).containsExactly("left-1.txt", "left-2.csv");
            assertThat(track.err()).isEqualTo("2 file(s) tracked in storage a\n");
            @SuppressWarnings("unchecked")
            Map<String, Object> search = (Map<String, Object>) portal.call("files_file_search", TestPortal.SYSADMIN,
                    Map.of("storage", "a", "owner_type", "user", "owner_id", alice.get("id"), "sort", "name"));
            assertThat(search).containsEntry("count", 2L);
            assertThat(cli(dir, "files", "scan", "-u").out()).isEmpty();
            assertThat(cli(dir, "files", "scan", "-t").err()).isEqualTo("0 file(s) tracked in storage a\n");

            Files.writeString(dir.resolve("a/orphan.txt"), "nobody's");
            CliRun unowned = cli(dir, "files", "scan", "-t");
            assertThat(unowned.out()).isEqualTo("orphan.txt\n");
            @SuppressWarnings("unchecked")
            Map<String, Object> orphans = (Map<String, Object>) portal.call("files_file_search", TestPortal.SYSADMIN,
                    Map.of("storage", "a", "name", "orphan.txt"));
            assertThat(orphans).containsEntry("count", 1L);
            @SuppressWarnings("unchecked")
            Map<String, Object> orphan = ((List<Map<String, Object>>) orphans.get("results")).get(0);
            assertThat(orphan).containsEntry("owner_type", null).containsEntry("size", 8L);

            // Bytes left at a uuid_prefix location (a lost record): tracked again under the name without the prefix.
            String lost = "0b7c2a9e-4f1e-4a61-9d3c-2b8e7f6a5d4clost report.csv";
            Files.writeString(dir.resolve("a").resolve(lost), "x,y\n");
            assertThat(cli(dir, "files", "scan", "-t").out()).isEqualTo(lost + "\n");
            @SuppressWarnings("unchecked")
            Map<String, Object> found = (Map<String, Object>) portal.call("files_file_search", TestPortal.SYSADMIN,
                    Map.of("storage", "a", "location", lost));
            assertThat(found).containsEntry("count", 1L);
            assertThat(((List<Map<String, Object>>) found.get("results")).get(0)).containsEntry("name", "lost report.csv");

            assertThat(cli(dir, "files", "scan", "-a", "alice").err()).isEqualTo("error: -a/--adopt-by needs -t/--track\n");
            assertThat(cli(dir, "files", "scan", "-t", "-a", "nobody").err())
                    .isEqualTo("error: -a nobody: Owner not found: user nobody\n");
            assertThat(cli(dir, "files", "scan", "-t", "-a", "spaceship:1").err())
                    .startsWith("error: -a spaceship:1: Unknown owner type spaceship");
            assertThat(cli(dir, "files", "scan", "-s", "blind", "-t").err())
                    .isEqualTo("error: storage blind cannot describe its files (no ANALYZE capability), so -t cannot track them\n");
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
