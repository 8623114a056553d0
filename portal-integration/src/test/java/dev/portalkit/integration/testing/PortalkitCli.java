package dev.portalkit.integration.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar portalkit.jar ...} as an operator runs it, in its own JVM. */
public final class PortalkitCli {
    private final Path jar;
    private final Path workDir;

    /**
     * @param jar     portalkit.jar (with its lib/ beside it)
     * @param workDir a directory for the commands' output files
     */
    public PortalkitCli(Path jar, Path workDir) {
        this.jar = jar;
        this.workDir = workDir;
    }

    /** portalkit.jar of this build (the {@code portalkit.jar} system property the POM sets). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("portalkit.jar", "target/portalkit.jar"));
        assertThat(jar).exists();
        return jar;
    }

    /**
     * The command line that runs {@code jar} with {@code jvmOptions}: this JVM's {@code java}, and the
     * class-data sharing archive the build made beside the jar ({@code portalkit.jsa}, docs/bench-scale.md)
     * when there is one, which takes about 40 % off each start of a command or a server. A stale or
     * missing archive is ignored by the JVM (nothing is logged: the tests read the output).
     */
    public static List<String> javaCommand(Path jar, List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Path archive = jar.toAbsolutePath().resolveSibling("portalkit.jsa");
        if (Files.isRegularFile(archive)) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        return command;
    }

    /** The files in the jar's {@code lib/} whose names start with {@code prefix} (e.g. the PostgreSQL driver). */
    public Path library(String prefix) {
        try (var files = Files.list(jar.toAbsolutePath().getParent().resolve("lib"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + prefix + "* in lib/ beside " + jar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a command printed and how it ended ({@code stdoutBytes}: stdout byte for byte). */
    public record Result(int exitCode, String stdout, String stderr, byte[] stdoutBytes) {
        /** The last line of stdout (where {@code token create} prints the token). */
        public String lastLine() {
            String[] lines = stdout.strip().split("\\R");
            return lines[lines.length - 1].strip();
        }
    }

    /** Runs a command to its end (2 minutes at most) with extra environment variables. */
    public Result run(Map<String, String> environment, String... arguments) {
        return run(null, null, environment, arguments);
    }

    /**
     * Runs a command to its end (2 minutes at most) in {@code workingDir} (null: this process's),
     * with {@code stdin} as its standard input (null: an empty one).
     */
    public Result run(Path workingDir, byte[] stdin, Map<String, String> environment, String... arguments) {
        // A command runs for seconds: the C1 compiler and the serial collector spend half the CPU time of the defaults
        // on it (the machine's two cores are shared with the server under test and other builds).
        List<String> command = javaCommand(jar, List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(List.of(arguments));
        try {
            Path out = Files.createTempFile(workDir, "cli-", ".out");
            Path err = Files.createTempFile(workDir, "cli-", ".err");
            Path in = Files.write(Files.createTempFile(workDir, "cli-", ".in"), stdin == null ? new byte[0] : stdin);
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(in.toFile());
            if (workingDir != null) {
                pb.directory(workingDir.toFile());
            }
            pb.environment().putAll(environment);
            Process process = pb.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("portalkit " + String.join(" ", arguments) + " did not finish in 2 minutes: "
                        + Files.readString(err));
            }
            byte[] printed = Files.readAllBytes(out);
            return new Result(process.exitValue(), new String(printed, java.nio.charset.StandardCharsets.UTF_8), Files.readString(err),
                    printed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed; returns its result. */
    public Result ok(Map<String, String> environment, String... arguments) {
        Result result = run(environment, arguments);
        assertThat(result.exitCode()).as("portalkit %s\nstdout: %s\nstderr: %s", String.join(" ", arguments), result.stdout(),
                result.stderr()).isZero();
        return result;
    }
}
