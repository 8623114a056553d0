package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import dev.portalkit.runtime.testing.TestPortal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portalkit files adapters | storages | scan}. */
class FilesCliTest {

    @Test
    void adaptersAreListedWithTheirOptionsWhenVerbose(@TempDir Path dir) {
        CliRun plain = CliRun.in(dir, "files", "adapters", "-o", "portal.plugins=minimal-files");
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out().lines()).hasSize(6);
        assertThat(plain.out()).contains("files:ckan_resource_fs files      files:fs over CKAN's classic storage_path/resources folder")
                .contains("files:db           files      File content in the portal database")
                .contains("files:fs           files      Files in a local folder")
                .contains("files:memory       files").contains("files:public_fs    files")
                .contains("test:minimal       minimal-files A file per location in a temporary folder; creates")
                .doesNotContain("create_path");
        CliRun verbose = CliRun.in(dir, "files", "adapters", "-v", "-o", "portal.plugins=minimal-files");
        assertThat(verbose.code()).isZero();
        assertThat(verbose.out()).contains("    path               (path, required)\n                       Folder where the files are stored.")
                .contains("    create_path        (boolean, optional, default false)")
                .contains("    public_root        (string, required)")
                .contains("    token              (string, optional, secret)")
                .contains("    (no options of its own)");
    }

    @Test
    void storagesAreListedWithCapabilitiesAndSettingsButNeverSecrets(@TempDir Path dir) {
        String[] config = {"-o", "portal.plugins=minimal-files",
                "-o", "portal.files.storage.main.type=files:fs", "-o", "portal.files.storage.main.path=" + dir.resolve("main"),
                "-o", "portal.files.storage.main.create_path=true", "-o", "portal.files.storage.main.max_size=1MiB",
                "-o", "portal.files.storage.cloud.type=test:minimal", "-o", "portal.files.storage.cloud.token=hunter2",
                "-o", "portal.files.default_storage=main"};
        CliRun plain = CliRun.in(dir, concat(new String[] {"files", "storages"}, config));
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("cloud: test:minimal\n    capabilities: CREATE, STREAM, COPY (emulated), REMOVE, MULTIPART, MOVE (emulated), "
                        + "EXISTS, SCAN, COMPOSE (emulated), RANGE (emulated)\n")
                .contains("main: files:fs (default)\n    capabilities: CREATE, STREAM, COPY, REMOVE, MULTIPART, MOVE, EXISTS, SCAN, "
                        + "APPEND, COMPOSE, RANGE, ANALYZE\n")
                .doesNotContain("max_size");
        CliRun verbose = CliRun.in(dir, concat(new String[] {"files", "storages", "-v"}, config));
        assertThat(verbose.code()).isZero();
        assertThat(verbose.out()).contains("    max_size                   1048576 bytes")
                .contains("    hashing_algorithm          md5")
                .contains("    path                       " + dir.resolve("main"))
                .contains("    token                      (secret, not shown)")
                .contains("    region                     local")
                .doesNotContain("hunter2");
        assertThat(verbose.err()).doesNotContain("hunter2");
    }

    @Test
    void scanListsTheFilesOfOneStorageAndTouchesNoOther(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.writeString(dir.resolve("a/one.txt"), "1");
        Files.writeString(dir.resolve("a/two.txt"), "2");
        String[] config = {"-o", "portal.files.storage.a.type=files:fs", "-o", "portal.files.storage.a.path=" + dir.resolve("a"),
                "-o", "portal.files.storage.b.type=files:fs", "-o", "portal.files.storage.b.path=" + dir.resolve("b"),
                "-o", "portal.files.storage.b.create_path=true", "-o", "portal.files.default_storage=a"};
        CliRun scan = CliRun.in(dir, concat(new String[] {"files", "scan", "-s", "a"}, config));
        assertThat(scan.code()).as(scan.err()).isZero();
        assertThat(scan.out().lines().sorted()).containsExactly("one.txt", "two.txt");
        assertThat(scan.err()).isEqualTo("2 file(s) in storage a\n");
        assertThat(dir.resolve("b")).as("storage b was not opened, so its folder was not created").doesNotExist();

        CliRun byDefault = CliRun.in(dir, concat(new String[] {"files", "scan", "--progress"}, config));
        assertThat(byDefault.code()).as(byDefault.err()).isZero();
        assertThat(byDefault.out().lines().sorted()).containsExactly("one.txt", "two.txt");
        assertThat(byDefault.err()).contains("scan a").endsWith("2 file(s) in storage a\n");

        CliRun unknown = CliRun.in(dir, concat(new String[] {"files", "scan", "-s", "nosuch"}, config));
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).isEqualTo("error: -s/--storage: unknown storage 'nosuch' (configured: a, admin, b, groups, resources, users)\n");
    }

    @Test
    void statsPrintsCountAndBytesInTotalAndPerGroup(@TempDir Path dir) {
        try (TestPortal portal = TestPortal.builder().dataDir(dir).start()) {
            portal.call("files_file_create", TestPortal.SYSADMIN, Map.of("name", "a.txt", "upload", "hello"));
            portal.call("files_file_create", TestPortal.SYSADMIN, Map.of("name", "b.txt", "upload", "hi"));
            portal.call("files_file_create", TestPortal.SYSADMIN, Map.of("name", "c.csv", "upload", "x,y\n1,2\n"));
        }
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        CliRun run = CliRun.in(dir, "files", "stats");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(String.join("\n",
                row("total", "3", "15"), "",
                row("storage", "files", "bytes"), row("default", "3", "15"), "",
                row("owner_type", "files", "bytes"), row("user", "3", "15"), "",
                row("content_type", "files", "bytes"), row("text/csv", "1", "8"), row("text/plain", "2", "7"), "",
                row("month", "files", "bytes"), row(month, "3", "15"), ""));
        CliRun json = CliRun.in(dir, "files", "stats", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).startsWith("{\"count\":3,\"bytes\":15,\"storages\":[{\"storage\":\"default\",\"count\":3,\"bytes\":15}]");
    }

    private static String row(String key, String count, String bytes) {
        return String.format("%-40s %10s %16s", key, count, bytes);
    }

    @Test
    void scanRefusesAStorageThatCannotList(@TempDir Path dir) {
        CliRun run = CliRun.in(dir, "files", "scan", "-o", "portal.files.storage.default.type=files:memory",
                "-o", "portal.files.storage.default.disabled_capabilities=SCAN");
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).isEqualTo("error: storage default cannot list its files (no SCAN capability)\n");
    }

    @Test
    void containerCommandsNameAStorageWithoutContainersInOneLine(@TempDir Path dir) {
        String[] config = {"-o", "portal.files.storage.main.type=files:fs", "-o", "portal.files.storage.main.path=" + dir.resolve("main"),
                "-o", "portal.files.storage.main.create_path=true", "-o", "portal.files.default_storage=main"};
        CliRun create = CliRun.in(dir, concat(new String[] {"files", "create-container", "-s", "main"}, config));
        assertThat(create.code()).isNotZero();
        assertThat(create.err()).isEqualTo("error: storage main (files:fs) has no container to manage: create-container works with "
                + "adapters such as files:s3 whose storages keep files in a bucket\n");
        CliRun cors = CliRun.in(dir, concat(new String[] {"files", "fix-cors", "-s", "main", "https://portal.example.org"}, config));
        assertThat(cors.code()).isNotZero();
        assertThat(cors.err()).startsWith("error: storage main (files:fs) has no container to manage: fix-cors works").hasLineCount(1);
        CliRun unknown = CliRun.in(dir, concat(new String[] {"files", "create-container", "-s", "nosuch"}, config));
        assertThat(unknown.err()).isEqualTo("error: -s/--storage: unknown storage 'nosuch' (configured: admin, groups, main, resources, users)\n");
        CliRun badOrigin = CliRun.in(dir, concat(new String[] {"files", "fix-cors", "-s", "main", "portal.example.org/x"}, config));
        assertThat(badOrigin.err()).startsWith("error: 'portal.example.org/x' is not an origin");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
