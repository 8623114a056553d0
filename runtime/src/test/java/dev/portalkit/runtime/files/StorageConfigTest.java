package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.files.registry.Storages;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.BootOptions;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storages from configuration: validation with the key named, the default storage, what is opened. */
class StorageConfigTest {
    private static TestPortal.Builder noDb() {
        return TestPortal.builder().database(BootOptions.Database.NONE).runPendingTasks(false);
    }

    private static void assertConfigError(TestPortal.Builder builder, String... fragments) {
        assertThatThrownBy(builder::start)
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .message().contains(fragments);
    }

    @Test
    void theLongestLinkDurationIsAPositiveNumberOfSeconds() {
        assertConfigError(noDb().option("portal.files.max_link_duration", "0"), "portal.files.max_link_duration: must be at least 1 second");
        assertConfigError(noDb().option("portal.files.max_link_duration", "3000000000000000"), "portal.files.max_link_duration");
        assertConfigError(noDb().option("portal.files.max_link_duration", "a week"), "portal.files.max_link_duration");
    }

    /** Found by the config fuzzer: a size of 39 digits threw NumberFormatException at start instead of naming the key. */
    @Test
    void theUploadSizeLimitsAreNonNegativeNumbersOfAnyLength() {
        assertConfigError(noDb().option("portal.max_resource_size", "888888888888888888888888888888888888888"), "portal.max_resource_size");
        assertConfigError(noDb().option("portal.max_image_size", "-888888888888888888888888888888888888888"), "portal.max_image_size");
        assertConfigError(noDb().option("portal.max_image_size", "-1"), "portal.max_image_size: must be 0 (no limit) or a positive number of MiB");
    }

    @Test
    void anUnknownAdapterListsTheAvailableOnes() {
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:nope").option("portal.files.storage.x.path", "/tmp"),
                "portal.files.storage.x.type: unknown adapter 'files:nope' (available: files:ckan_resource_fs, files:db, files:fs, files:memory, files:public_fs)");
        // The other options of that storage are not reported as well: one clear error.
        assertThatThrownBy(noDb().option("portal.files.storage.x.type", "files:nope").option("portal.files.storage.x.path", "/tmp")::start)
                .message().doesNotContain("portal.files.storage.x.path");
        // A plugin's adapter is available once the plugin is enabled.
        assertConfigError(noDb().plugins("minimal-files").option("portal.files.storage.x.type", "files:nope"),
                "(available: files:ckan_resource_fs, files:db, files:fs, files:memory, files:public_fs, test:minimal)");
    }

    @Test
    void adapterOptionsAreDeclaredPerStorageByItsType() {
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:fs"), "portal.files.storage.x.path: missing value");
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:fs").option("portal.files.storage.x.path", "/tmp")
                .option("portal.files.storage.x.colour", "red"), "portal.files.storage.x.colour: unknown option in portal.files.*");
        // public_root belongs to files:public_fs, not to files:fs.
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:fs").option("portal.files.storage.x.path", "/tmp")
                .option("portal.files.storage.x.public_root", "http://x"), "portal.files.storage.x.public_root: unknown option");
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:public_fs").option("portal.files.storage.x.path", "/tmp"),
                "portal.files.storage.x.public_root: missing value");
        assertConfigError(noDb().option("portal.files.storage.x.path", "/tmp"), "portal.files.storage.x.type: missing value");
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:memory").option("portal.files.storage.x.recursive", "true"),
                "portal.files.storage.x.recursive: unknown option");
        assertConfigError(noDb().option("portal.files.storage.x.type", "files:fs").option("portal.files.storage.x.path", "/tmp")
                .option("portal.files.storage.x.create_path", "sure"), "portal.files.storage.x.create_path: value must be a boolean");
    }

    @Test
    void commonOptionsAreValidatedWithTheKeyNamed() {
        TestPortal.Builder memory = noDb().option("portal.files.storage.m.type", "files:memory");
        assertConfigError(memory.option("portal.files.storage.m.max_size", "lots"), "portal.files.storage.m.max_size: value must be a size");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.storage.m.location_transformers", "uuid nope"),
                "portal.files.storage.m.location_transformers: unknown transformer 'nope' (available: datetime_prefix, ");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.storage.m.disabled_capabilities", "FLY"),
                "portal.files.storage.m.disabled_capabilities: unknown capability 'FLY'");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.storage.m.hashing_algorithm", "crc64"),
                "portal.files.storage.m.hashing_algorithm: unknown hashing algorithm 'crc64'");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.storage.m.retries", "11"),
                "portal.files.storage.m.retries: value must be between 0 and 10 (got '11')");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.storage.m.retry_delay_ms", "soon"),
                "portal.files.storage.m.retry_delay_ms: ");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.default_storage", "other"),
                "portal.files.default_storage: no storage is called 'other' (configured: m)");
        assertConfigError(noDb().option("portal.files.storage.m.type", "files:memory").option("portal.files.open_storages", "m other"),
                "portal.files.open_storages: no storage is called 'other'");
        assertConfigError(noDb().option("portal.files.storge.m.type", "files:memory"), "portal.files.storge.m.type: unknown option");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertConfigError(noDb().option("portal.files.storage.a.type", "files:nope").option("portal.files.storage.b.type", "files:fs")
                        .option("portal.files.storage.c.type", "files:memory").option("portal.files.storage.c.max_size", "x"),
                "portal.files.storage.a.type: unknown adapter", "portal.files.storage.b.path: missing value",
                "portal.files.storage.c.max_size: value must be a size");
    }

    @Test
    void theAdapterNamesTheKeyWhenItCannotOpenTheStorage(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertConfigError(TestPortal.builder().dataDir(dir.resolve("data")).option("portal.files.storage.x.type", "files:fs")
                .option("portal.files.storage.x.path", missing.toString()),
                "portal.files.storage.x.path: folder " + missing + " does not exist (set create_path = true to create it)");
        assertConfigError(TestPortal.builder().dataDir(dir.resolve("data")).option("portal.files.storage.p.type", "files:public_fs")
                .option("portal.files.storage.p.path", dir.toString()).option("portal.files.storage.p.public_root", "not a url"),
                "portal.files.storage.p.public_root: not a URL");
    }

    @Test
    void aConfiguredDefaultStorageWithoutTransformersGetsUnguessableLocationsAndSoIsPiped(@TempDir Path dir) throws Exception {
        try (TestPortal portal = TestPortal.builder().runPendingTasks(false)
                .option("portal.files.storage.default.type", "files:memory")
                .option("portal.files.storage.plain.type", "files:memory")
                .option("portal.files.storage.named.type", "files:memory")
                .option("portal.files.storage.named.location_transformers", "safe_relative_path").start()) {
            Storages storages = FilesPlugin.of(portal.portal()).storages();
            assertThat(storages.get("default").settings().locationTransformers()).containsExactly("uuid_prefix");
            assertThat(storages.get("plain").settings().locationTransformers()).as("only the default storage").isEmpty();
            assertThat(storages.get("named").settings().locationTransformers()).as("configured: kept").containsExactly("safe_relative_path");
            assertThat(storages.get("resources").settings().locationTransformers()).as("derived before").isEmpty();
            // A large file part is piped into the default storage while it arrives: its location is the upload's alone.
            Path spool = Files.write(dir.resolve("spool"), new byte[0]);
            long expected = 9L << 20;
            var pipe = ((ManagedStorageImpl) storages.get("default")).pipe("big.bin", "big.bin", null, spool, expected);
            assertThat(pipe).isPresent();
            assertThat(pipe.get().toString()).matches("pipe of big\\.bin into .* at [0-9a-f-]{36}big\\.bin");
            pipe.get().abort();
            assertThat(((ManagedStorageImpl) storages.get("named")).pipe("big.bin", "big.bin", null, spool, expected))
                    .as("a storage at the names is never piped: a piped file must not replace another").isEmpty();
        }
    }

    @Test
    void withoutConfiguredStoragesADefaultFsStorageLivesInTheDataDirectory() throws Exception {
        try (TestPortal portal = TestPortal.builder().runPendingTasks(false).start()) {
            Storages storages = FilesPlugin.of(portal.portal()).storages();
            assertThat(storages.names()).containsExactly("admin", "default", "groups", "resources", "users");
            ManagedStorage storage = storages.defaultStorage();
            assertThat(storage.settings().type()).isEqualTo("files:fs");
            assertThat(storage.settings().option("path")).isEqualTo(portal.dataDir().resolve("storage").toString());
            assertThat(portal.dataDir().resolve("storage")).isDirectory();
            // Unguessable locations: a random prefix in front of the name (location_transformers = uuid_prefix).
            assertThat(storage.settings().locationTransformers()).containsExactly("uuid_prefix");
            Location location = storage.prepareLocation("hello.txt", null);
            assertThat(location.value()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}hello\\.txt");
            assertThat(storage.prepareLocation("hello.txt", null)).isNotEqualTo(location);
            FileData data = storage.uploader().upload(location,
                    Upload.of("hello".getBytes(StandardCharsets.UTF_8), "hello.txt", "text/plain"), false);
            assertThat(Files.readString(portal.dataDir().resolve("storage").resolve(location.value()))).isEqualTo("hello");
            assertThat(data.hash()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
            // The same storages by CDI injection.
            assertThat(portal.container().bean(Storages.class).defaultStorage()).isSameAs(storage);
        }
    }

    @Test
    void configuredStoragesAreOpenedByNameAndClosedOnStop(@TempDir Path dir) {
        TestPortal.Builder builder = TestPortal.builder().runPendingTasks(false)
                .option("portal.files.storage.main.type", "files:fs").option("portal.files.storage.main.path", dir.resolve("main").toString())
                .option("portal.files.storage.main.create_path", "true").option("portal.files.storage.main.max_size", "2M")
                .option("portal.files.storage.main.supported_types", "image text/csv").option("portal.files.storage.main.name", "Main files")
                .option("portal.files.storage.mem.type", "files:memory").option("portal.files.storage.mem.disabled_capabilities", "scan remove")
                .option("portal.files.storage.mem.hashing_algorithm", "sha256")
                .option("portal.files.default_storage", "mem");
        try (TestPortal portal = builder.start()) {
            Storages storages = FilesPlugin.of(portal.portal()).storages();
            assertThat(storages.names()).containsExactly("admin", "groups", "main", "mem", "resources", "users");
            StorageSettings main = storages.get("main").settings();
            assertThat(main.maxSize()).isEqualTo(2_000_000);
            assertThat(main.supportedTypes()).containsExactly("image", "text/csv");
            assertThat(main.label()).isEqualTo("Main files");
            assertThat(main.options()).containsEntry("path", dir.resolve("main").toString()).containsEntry("recursive", "false");
            ManagedStorage mem = storages.defaultStorage();
            assertThat(mem.name()).isEqualTo("mem");
            assertThat(mem.capabilities()).doesNotContain(Capability.SCAN, Capability.REMOVE).contains(Capability.CREATE, Capability.MOVE);
            FileData hashed = mem.uploader().upload(new Location("a.txt"), Upload.of("hello".getBytes(StandardCharsets.UTF_8), "a.txt", null), false);
            assertThat(hashed.hashAlgorithm()).isEqualTo("sha256");
            assertThat(hashed.hash()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
            assertThatThrownBy(() -> storages.get("nosuch")).isInstanceOfSatisfying(FilesException.class,
                    e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND)).hasMessage("storage nosuch is not configured (configured: admin, groups, main, mem, resources, users)");
        }
    }

    @Test
    void onlyTheStoragesToOpenAreOpened(@TempDir Path dir) {
        TestPortal.Builder builder = TestPortal.builder().runPendingTasks(false)
                .option("portal.files.storage.a.type", "files:fs").option("portal.files.storage.a.path", dir.resolve("a").toString())
                .option("portal.files.storage.a.create_path", "true")
                .option("portal.files.storage.b.type", "files:fs").option("portal.files.storage.b.path", dir.resolve("b").toString())
                .option("portal.files.storage.b.create_path", "true")
                .option("portal.files.open_storages", "a");
        try (TestPortal portal = builder.start()) {
            Storages storages = FilesPlugin.of(portal.portal()).storages();
            assertThat(storages.all()).containsOnlyKeys("a");
            assertThat(storages.configured()).containsOnlyKeys("a", "b");
            assertThat(dir.resolve("a")).isDirectory();
            assertThat(dir.resolve("b")).doesNotExist();
            assertThatThrownBy(() -> storages.get("b")).hasMessageContaining("storage b is not open: this process opened only a");
        }
    }

    @Test
    void withoutADatabaseStoragesAreValidatedButNotOpened(@TempDir Path dir) {
        try (TestPortal portal = noDb().option("portal.files.storage.d.type", "files:db").start()) {
            Storages storages = FilesPlugin.of(portal.portal()).storages();
            assertThat(storages.configured()).containsOnlyKeys("d");
            assertThatThrownBy(storages::defaultStorage).hasMessageContaining("storage default is not configured");
            assertThatThrownBy(() -> storages.get("d")).hasMessageContaining("started without its database");
        }
    }

    @Test
    void storagesOpenedByCodeAreValidatedLikeConfiguredOnes() {
        try (TestPortal portal = noDb().start()) {
            FilesPlugin files = FilesPlugin.of(portal.portal());
            assertThatThrownBy(() -> files.openStorage("adhoc", Map.of("type", "files:fs", "colour", "red", "max_size", "big")))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                    .message().contains("portal.files.storage.adhoc.path: missing value", "portal.files.storage.adhoc.colour: unknown option",
                            "portal.files.storage.adhoc.max_size: value must be a size");
            try (ManagedStorage memory = files.openStorage("adhoc", Map.of("type", "files:memory"))) {
                assertThat(memory.settings().inefficientOperationCap()).isEqualTo(10 * 1024 * 1024);
                assertThat(memory.settings().hashingAlgorithm()).isEqualTo("md5");
                assertThat(memory.settings().overwriteExisting()).isFalse();
                assertThat(memory.settings().locationTransformers()).isEqualTo(List.of());
            }
        }
    }

    @Test
    void configDeclarationPrintsTheOptionsOfEachConfiguredStorage(@TempDir Path dir) {
        var cli = dev.portalkit.runtime.cli.PortalCli.commandLine();
        var out = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        int code = cli.execute("config", "declaration", "files", "-d", "--data-dir", dir.toString(),
                "-o", "portal.files.storage.pub.type=files:public_fs", "-o", "portal.files.storage.pub.path=" + dir,
                "-o", "portal.files.storage.pub.public_root=http://x");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("## files ####", "portal.files.default_storage = default",
                "portal.files.storage.pub.type = ", "portal.files.storage.pub.max_size = 0",
                "portal.files.storage.pub.inefficient_operation_cap = 10MiB", "portal.files.storage.pub.hashing_algorithm = md5",
                "## URL at which the folder is served", "portal.files.storage.pub.public_root = ",
                "portal.files.storage.pub.recursive = false");
    }
}
