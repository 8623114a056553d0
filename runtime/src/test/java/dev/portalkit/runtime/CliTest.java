package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: output, exit codes, one clear line on bad input. */
class CliTest {
    @Test
    void pluginsListsDiscoveredPluginsWithTheirExtensionPoints(@TempDir Path dir) {
        CliRun run = CliRun.of("plugins", "--data-dir", dir.toString(), "-o", "portal.plugins=recording");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("core             built-in").contains("recording        enabled")
                .contains("alpha            disabled")
                .contains("IActions, IAuthFunctions, ITasks, IValidators, IConfigDeclarations");
    }

    @Test
    void configDeclarationPrintsOptionsWithDocsAndWithoutSecrets(@TempDir Path dir) {
        CliRun run = CliRun.of("config", "declaration", "recording", "-d", "--data-dir", dir.toString(),
                "-o", "portal.plugins=recording", "-o", "portal.recording.token=s3cr3t",
                "-o", "portal.recording.store.main.path=/srv/main");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("## recording ####")
                .contains("## A number.\n## (int, optional)\nportal.recording.limit = 5")
                .contains("## (string, optional, one of [fast, slow])")
                .contains("portal.recording.store.main.path = ")
                .contains("portal.recording.token = \n")
                .doesNotContain("s3cr3t");
        CliRun plain = CliRun.of("config", "declaration", "--data-dir", dir.toString());
        assertThat(plain.out()).contains("## core ####").contains("portal.db.auto_upgrade = true").doesNotContain("## Apply");
    }

    @Test
    void dbUpgradeReportsAppliedMigrations(@TempDir Path dir) {
        CliRun first = CliRun.of("db", "upgrade", "--data-dir", dir.toString(), "-o", "portal.plugins=migrating");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("core: 3 migration(s) applied").contains("migrating: 2 migration(s) applied");
        CliRun again = CliRun.of("db", "upgrade", "-p", "migrating", "--data-dir", dir.toString(), "-o", "portal.plugins=migrating");
        assertThat(again.out()).isEqualTo("migrating: 0 migration(s) applied\n");
    }

    @Test
    void badInputExitsNonZeroWithOneClearLine(@TempDir Path dir) {
        CliRun unknown = CliRun.of("plugins", "--data-dir", dir.toString(), "-o", "portal.plugins=nosuch");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("error: portal.plugins: unknown plugin 'nosuch' "
                + "(available plugins: alpha, archive-uploader, beta, files-test, hooks-a, hooks-b, image-archive-uploader, jobprobe, migrating, minimal-files, no-name-check, purge-probe, recording, task-probe, user-form-probe)\n");

        CliRun badValue = CliRun.of("plugins", "--data-dir", dir.toString(), "-o", "portal.db.pool_size=lots");
        assertThat(badValue.err().lines()).singleElement().asString()
                .isEqualTo("error: invalid configuration: portal.db.pool_size: value must be a whole number (got 'lots')");

        CliRun badOption = CliRun.of("plugins", "--option", "novalue");
        assertThat(badOption.code()).isNotZero();
        assertThat(badOption.err()).isEqualTo("error: --option expects KEY=VALUE, got 'novalue'\n");

        CliRun badCommand = CliRun.of("nosuch");
        assertThat(badCommand.code()).isEqualTo(2);
        assertThat(badCommand.err()).contains("Unmatched argument").doesNotContain("Exception");
    }
}
