package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.config.ConfigValues;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declared options validated at start, with the key named in every message. */
class ConfigTest {
    private static TestPortal.Builder recording() {
        return TestPortal.builder().plugins("recording").database(BootOptions.Database.NONE).runPendingTasks(false);
    }

    private static void assertConfigError(TestPortal.Builder builder, String... fragments) {
        assertThatThrownBy(builder::start)
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .message().contains(fragments);
    }

    @Test
    void badTypesAndChoicesNameTheKey() {
        assertConfigError(recording().option("portal.recording.limit", "many"),
                "portal.recording.limit: value must be a whole number (got 'many')");
        assertConfigError(recording().option("portal.recording.mode", "medium"),
                "portal.recording.mode: value must be one of [fast, slow]");
        assertConfigError(recording().option("portal.db.auto_upgrade", "perhaps"), "portal.db.auto_upgrade: value must be a boolean");
    }

    @Test
    void anEntryWithAnEmptyKeyIsRefusedAsAConfigurationError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // Found by ConfigFuzzTest: SmallRye failed on it with an IllegalArgumentException naming nothing.
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("portal.properties"), "portal.site_title = A\n= orphan\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.portalkit.runtime.config.PortalConfigImpl.load(file, java.util.Map.of()))
                .isInstanceOfSatisfying(dev.portalkit.api.PortalException.class,
                        e -> assertThat(e.kind()).isEqualTo(dev.portalkit.api.ErrorKind.CONFIG_INVALID))
                .hasMessage("config file " + file + ": an entry has an empty key (value 'orphan')");
    }

    @Test
    void unknownKeysInsideADeclaredNamespaceAreErrors() {
        assertConfigError(recording().option("portal.recording.limt", "3"), "portal.recording.limt: unknown option in portal.recording.*");
        assertConfigError(recording().option("portal.db.ulr", "x"), "portal.db.ulr: unknown option in portal.db.*");
        assertConfigError(recording().option("portal.plugin", "x"), "portal.plugin: unknown option");
        // The namespace of a plugin that is not enabled is not claimed.
        try (TestPortal portal = TestPortal.builder().database(BootOptions.Database.NONE).option("portal.recording.limt", "3").start()) {
            assertThat(portal.portal().isStarted()).isTrue();
        }
    }

    @Test
    void templatedFamiliesAreValidatedPerInstance() {
        assertConfigError(recording().option("portal.recording.store.main.size", "1MiB"), "portal.recording.store.main.path: missing value");
        assertConfigError(recording().option("portal.recording.store.x.path", "/tmp").option("portal.recording.store.x.size", "lots"),
                "portal.recording.store.x.size: value must be a size");
        assertConfigError(recording().option("portal.recording.store.x.path", "/tmp").option("portal.recording.store.x.colour", "red"),
                "portal.recording.store.x.colour: unknown option");
        try (TestPortal portal = recording().option("portal.recording.store.a.path", "/tmp").start()) {
            assertThat(portal.portal().config().size("portal.recording.store.a.size")).isEqualTo(1024 * 1024);
            assertThat(portal.portal().config().familyInstances("portal.recording.store.<name>.path")).containsExactly("a");
        }
    }

    @Test
    void everyProblemIsReportedAtOnceAndSecretsAreNotEchoed() {
        assertThatThrownBy(recording().option("portal.recording.limit", "x").option("portal.recording.mode", "y")::start)
                .hasMessageContaining("portal.recording.limit").hasMessageContaining("portal.recording.mode");
        assertThatThrownBy(recording().option("portal.db.pool_size", "x").option("portal.db.password", "hunter2")
                .option("portal.db.nope", "hunter2")::start).message().doesNotContain("hunter2");
    }

    @Test
    void aConfigFileIsReadAndCommandLineValuesWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("portal.ini");
        Files.writeString(file, "portal.site_title = From file\nportal.site_url = http://file.example\n");
        try (TestPortal portal = TestPortal.builder().database(BootOptions.Database.NONE).configFile(file)
                .option("portal.site_url", "http://cli.example").start()) {
            assertThat(portal.portal().config().string("portal.site_title")).isEqualTo("From file");
            assertThat(portal.portal().config().string("portal.site_url")).isEqualTo("http://cli.example");
        }
        assertConfigError(TestPortal.builder().database(BootOptions.Database.NONE).configFile(dir.resolve("missing.ini")),
                "missing.ini does not exist");
        Files.writeString(file, "portal.site_titel = typo\n");
        assertConfigError(TestPortal.builder().database(BootOptions.Database.NONE).configFile(file), "portal.site_titel: unknown option");
    }

    @Test
    void sizesAndBooleansParseLikeTheSeed() {
        assertThat(ConfigValues.parseSize("42B")).isEqualTo(42);
        assertThat(ConfigValues.parseSize("2M")).isEqualTo(2_000_000);
        assertThat(ConfigValues.parseSize("24KiB")).isEqualTo(24 * 1024);
        assertThat(ConfigValues.parseSize("1GB")).isEqualTo(1_000_000_000L);
        assertThat(ConfigValues.parseSize("0")).isZero();
        assertThatThrownBy(() -> ConfigValues.parseSize("1XB")).hasMessageContaining("unknown size unit 'XB'");
        assertThat(ConfigValues.parseList("a, b  c,,d")).containsExactly("a", "b", "c", "d");
        assertThat(ConfigValues.parseBoolean("Yes")).isTrue();
        assertThat(ConfigValues.parseBoolean("off")).isFalse();
    }
}
