package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.cli.PortalCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: output, exit codes, one clear line on bad input. */
class CliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = PortalCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void pluginsListsDiscoveredPluginsWithTheirExtensionPoints(@TempDir Path dir) {
        Run run = run("plugins", "--data-dir", dir.toString(), "-o", "portal.plugins=recording");
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("core             built-in").contains("recording        enabled")
                .contains("alpha            disabled")
                .contains("IActions, IAuthFunctions, ITasks, IValidators, IConfigDeclarations");
    }

    @Test
    void configDeclarationPrintsOptionsWithDocsAndWithoutSecrets(@TempDir Path dir) {
        Run run = run("config", "declaration", "recording", "-d", "--data-dir", dir.toString(),
                "-o", "portal.plugins=recording", "-o", "portal.recording.token=s3cr3t",
                "-o", "portal.recording.store.main.path=/srv/main");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("## recording ####")
                .contains("## A number.\n## (int, optional)\nportal.recording.limit = 5")
                .contains("## (string, optional, one of [fast, slow])")
                .contains("portal.recording.store.main.path = ")
                .contains("portal.recording.token = \n")
                .doesNotContain("s3cr3t");
        Run plain = run("config", "declaration", "--data-dir", dir.toString());
        assertThat(plain.out()).contains("## core ####").contains("portal.db.auto_upgrade = true").doesNotContain("## Apply");
    }

    @Test
    void dbUpgradeReportsAppliedMigrations(@TempDir Path dir) {
        Run first = run("db", "upgrade", "--data-dir", dir.toString(), "-o", "portal.plugins=migrating");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("core: 1 migration(s) applied").contains("migrating: 2 migration(s) applied");
        Run again = run("db", "upgrade", "-p", "migrating", "--data-dir", dir.toString(), "-o", "portal.plugins=migrating");
        assertThat(again.out()).isEqualTo("migrating: 0 migration(s) applied\n");
    }

    @Test
    void badInputExitsNonZeroWithOneClearLine(@TempDir Path dir) {
        Run unknown = run("plugins", "--data-dir", dir.toString(), "-o", "portal.plugins=nosuch");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).isEqualTo("error: portal.plugins: unknown plugin 'nosuch' "
                + "(available plugins: alpha, archive-uploader, beta, files-test, migrating, minimal-files, no-name-check, recording, task-probe)\n");

        Run badValue = run("plugins", "--data-dir", dir.toString(), "-o", "portal.db.pool_size=lots");
        assertThat(badValue.err().lines()).singleElement().asString()
                .isEqualTo("error: invalid configuration: portal.db.pool_size: value must be a whole number (got 'lots')");

        Run badOption = run("plugins", "--option", "novalue");
        assertThat(badOption.code()).isNotZero();
        assertThat(badOption.err()).isEqualTo("error: --option expects KEY=VALUE, got 'novalue'\n");

        Run badCommand = run("nosuch");
        assertThat(badCommand.code()).isEqualTo(2);
        assertThat(badCommand.err()).contains("Unmatched argument").doesNotContain("Exception");
    }
}
