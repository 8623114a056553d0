package dev.portalkit.runtime.testing;

import dev.portalkit.runtime.cli.PortalCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * One run of the {@code portalkit} command line in this JVM, as a user would type it: its exit
 * code and what it printed on standard output and standard error.
 *
 * @param code the exit code
 */
public record CliRun(int code, String out, String err) {
    /** {@code portalkit ARGS}. */
    public static CliRun of(String... args) {
        return of(List.of(args));
    }

    /** {@code portalkit ARGS}. */
    public static CliRun of(List<String> args) {
        CommandLine cli = PortalCli.commandLineFor(args.toArray(new String[0]));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(new String[0]));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** {@code portalkit ARGS --data-dir DIR}. */
    public static CliRun in(Path dataDir, String... args) {
        return in(dataDir, List.of(args));
    }

    /** {@code portalkit ARGS --data-dir DIR}. */
    public static CliRun in(Path dataDir, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.add("--data-dir");
        all.add(dataDir.toString());
        return of(all);
    }

    /** {@code portalkit ARGS -o KEY=VALUE... --data-dir DIR}: the options after the arguments. */
    public static CliRun in(Path dataDir, Map<String, String> options, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        options.forEach((k, v) -> {
            all.add("-o");
            all.add(k + "=" + v);
        });
        return in(dataDir, all);
    }

    /** Standard output, line by line. */
    public List<String> outLines() {
        return out.lines().toList();
    }

    /** Standard error, line by line. */
    public List<String> errLines() {
        return err.lines().toList();
    }
}
