package dev.portalkit.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line built for the arguments builds only the command they name, and prints what the whole one prints. */
class CommandLineForTest {
    @Test
    void onlyTheNamedCommandIsBuilt() {
        assertThat(PortalCli.commandLineFor(new String[] {"-v", "files", "adapters"}).getSubcommands()).containsOnlyKeys("files");
        assertThat(PortalCli.commandLineFor(new String[] {"plugins"}).getSubcommands()).containsOnlyKeys("plugins");
        assertThat(PortalCli.commandLineFor(new String[] {"--help"}).getSubcommands()).containsKeys("plugins", "files", "config", "db");
        assertThat(PortalCli.commandLineFor(new String[] {"nosuch"}).getSubcommands()).hasSameSizeAs(PortalCli.commandLine().getSubcommands());
    }

    @Test
    void whatItPrintsIsWhatTheWholeCommandLinePrints(@TempDir Path dir) {
        List<String[]> cases = List.of(new String[] {}, new String[] {"--help"}, new String[] {"-V"}, new String[] {"nosuch"},
                new String[] {"plugns"}, new String[] {"-v"}, new String[] {"plugins", "--help"}, new String[] {"plugins", "--nosuch"},
                new String[] {"plugins", "extra"}, new String[] {"-v", "files", "adapters", "--help"}, new String[] {"files"},
                new String[] {"files", "nosuch"}, new String[] {"config"}, new String[] {"config", "declaration", "-h"},
                new String[] {"db", "upgrade", "--help"}, new String[] {"plugins", "--data-dir", dir.toString()},
                new String[] {"files", "adapters", "-v", "--data-dir", dir.toString()});
        for (String[] args : cases) {
            assertThat(run(PortalCli.commandLineFor(args), args)).as(String.join(" ", args)).isEqualTo(run(PortalCli.commandLine(), args));
        }
    }

    private static String run(CommandLine cli, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return code + "\n" + out + "\n--- stderr\n" + err;
    }
}
