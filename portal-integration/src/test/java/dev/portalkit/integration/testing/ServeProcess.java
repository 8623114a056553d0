package dev.portalkit.integration.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar portalkit.jar serve ...} in its own JVM, as an operator runs it: started with
 * {@code --port 0}, ready once it prints its URL, stopped with SIGTERM. Its stdout lines are kept
 * (read on a thread of their own), its stderr goes to a file.
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("Portalkit is running at (http://127\\.0\\.0\\.1:\\d+/)");

    private final Process process;
    private final Path stderr;
    private final Thread reader;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<URI> url = new CompletableFuture<>();

    private ServeProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::readStdout, "serve-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code serve --port 0} with {@code arguments} after it and waits (two minutes at
     * most) until it serves.
     *
     * @param heap    the {@code -Xmx} of the server, e.g. {@code 128m}
     * @param workDir where its stderr is written ({@code serve-<n>.err})
     */
    public static ServeProcess start(Path jar, String heap, Path workDir, String... arguments) {
        return start(jar, List.of("-Xmx" + heap), workDir, arguments);
    }

    /**
     * {@link #start(Path, String, Path, String...)} with any JVM options, e.g. {@code -XX:TieredStopAtLevel=1}
     * for a server that is started often and must be up soon rather than fast.
     */
    public static ServeProcess start(Path jar, List<String> jvmOptions, Path workDir, String... arguments) {
        return start(jar, jvmOptions, java.util.Map.of(), workDir, arguments);
    }

    /** {@link #start(Path, List, Path, String...)} with {@code environment} added to the process's environment. */
    public static ServeProcess start(Path jar, List<String> jvmOptions, java.util.Map<String, String> environment, Path workDir,
            String... arguments) {
        List<String> command = PortalkitCli.javaCommand(jar, jvmOptions);
        command.addAll(List.of("serve", "--port", "0"));
        command.addAll(List.of(arguments));
        try {
            Path stderr = Files.createTempFile(workDir, "serve-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            ServeProcess serve = new ServeProcess(builder.start(), stderr);
            try {
                serve.url.get(2, TimeUnit.MINUTES);
                return serve;
            } catch (ExecutionException | TimeoutException e) {
                serve.close();
                throw new AssertionError("serve did not start: " + serve.lines + "\n" + serve.stderr(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The URL it printed, e.g. {@code http://127.0.0.1:40123/}. */
    public URI uri() {
        return url.join();
    }

    /** What it printed on stdout so far. */
    public List<String> lines() {
        return lines;
    }

    /** Its process id (e.g. for its CPU time). */
    public long pid() {
        return process.pid();
    }

    /** What it printed on stderr so far. */
    public String stderr() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGTERM (not {@link Process#destroy()} on the Process object, which would also close our end
     * of its stdout and lose its last lines); waits a minute for it to end, then for the reader.
     *
     * @return its exit code
     */
    public int stop() throws InterruptedException {
        process.toHandle().destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
        reader.join(10_000);
        return process.exitValue();
    }

    /** SIGTERM without waiting: the server begins its graceful stop (see {@link #stop()} to wait for it, or {@link #awaitExit()}). */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** Waits a minute at most for it to end (then for its output); returns its exit code. */
    public int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ended within 60 s").isTrue();
        reader.join(10_000);
        return process.exitValue();
    }

    /**
     * SIGKILL ({@link ProcessHandle#destroyForcibly()} on Linux): the process gets no chance to
     * flush, close or run shutdown hooks, as after {@code kill -9} or an OOM kill. Waits for it to end.
     */
    public void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("killed within 60 s").isTrue();
        reader.join(10_000);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                Matcher m = READY.matcher(line);
                if (m.matches()) {
                    url.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.completeExceptionally(new IllegalStateException("serve ended without printing its URL"));
    }
}
