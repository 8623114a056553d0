package dev.portalkit.integration.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Payara Micro (one jar, Jakarta EE 10 web profile: Weld, Jersey, Grizzly) as a child process
 * of the test, as an operator runs it: {@code java -jar payara-micro.jar --deploy portalkit.war}.
 * Everything it writes goes under its own root directory (domain, unpacked runtime, console log);
 * it listens only on the loopback address, on a free port, without its cluster and (from the end of
 * its boot on) without its data grid (Hazelcast), and without phoning home; a file of asadmin commands ({@code --postbootcommandfile}) runs after it
 * boots and before it deploys (e.g. the datasource). Stopped (SIGTERM, then kill) by {@link #close()}.
 */
public final class PayaraMicroServer implements AutoCloseable {
    private final Path root;
    private final int port;
    private final ServerProcessTree process;

    private PayaraMicroServer(Path root, int port, Process process) {
        this.root = root;
        this.port = port;
        // Should the test JVM itself be stopped, do not leave a Payara behind.
        this.process = new ServerProcessTree(process, "payara", () -> { });
    }

    /**
     * Starts Payara Micro from {@code jar} with {@code war} deployed under its file name as context
     * root, and waits (at most {@code timeout}) until it reports itself ready.
     *
     * @param jvmOptions options of the server's JVM (before {@code -jar})
     * @param libraries jars put on the server's class path ({@code --addlibs}), e.g. a JDBC driver
     * @param postBootCommands asadmin commands run after boot and before the deployment, one a line (may be empty)
     * @param properties system properties of the server's JVM
     * @param environment extra environment variables of the server's process
     */
    public static PayaraMicroServer start(Path jar, Path root, Path war, List<String> jvmOptions, List<Path> libraries,
                                          String postBootCommands,
                                          Map<String, String> properties, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        // --rootdir must exist (Payara Micro writes its domain there).
        Files.createDirectories(root.resolve("domain"));
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        // Only the loopback address: Payara Micro's HTTP listener binds every address unless told otherwise.
        Path preBoot = root.resolve("preboot.asadmin");
        Files.writeString(preBoot,
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1\n");
        Path postBoot = root.resolve("postboot.asadmin");
        // Payara Micro's Hazelcast data grid listens on port 6900 of every address whatever --nohazelcast or --interfaces
        // say, and cannot be turned off before boot: turned off right after it, before the deployment.
        Files.writeString(postBoot, "set-hazelcast-configuration --enabled=false --dynamic=true\n" + postBootCommands);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                "-Djava.io.tmpdir=" + tmp));
        command.addAll(jvmOptions);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString(),
                "--rootdir", root.resolve("domain").toString(),
                "--unpackdir", root.resolve("runtime").toString(),
                "--nocluster", "--disablephonehome",
                "--port", Integer.toString(port),
                "--prebootcommandfile", preBoot.toString(),
                "--postbootcommandfile", postBoot.toString()));
        if (!libraries.isEmpty()) {
            command.add("--addlibs");
            command.add(String.join(":", libraries.stream().map(Path::toString).toList()));
        }
        command.add("--deploy");
        command.add(war.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("console.log").toFile());
        pb.environment().putAll(environment);
        PayaraMicroServer server = new PayaraMicroServer(root, port, pb.start());
        try {
            server.awaitReady(timeout);
            return server;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Path root() {
        return root;
    }

    /**
     * Waits for "ready in" (Payara Micro booted and ran its deployments), failing at once when the
     * process exits or the log reports a failed deployment.
     */
    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Path log = root.resolve("console.log");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Payara Micro exited at start (" + process.exitValue() + ")\n" + logTail(120));
            }
            if (Files.exists(log)) {
                String text = Files.readString(log);
                if (text.contains("Exception while loading the app") || text.contains("Failed to deploy")) {
                    throw new AssertionError("Payara Micro failed to deploy\n" + logTail(150));
                }
                if (text.contains(") ready in ")) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Payara Micro was not ready in " + timeout + "\n" + logTail(120));
    }

    /** The last lines of the console log, for failure messages. */
    public String logTail(int lines) {
        try {
            Path log = root.resolve("console.log");
            if (!Files.exists(log)) {
                return "(no Payara Micro log)";
            }
            List<String> all = Files.readAllLines(log);
            return log + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read the Payara Micro log: " + e + ")";
        }
    }

    /** The whole console log (Payara Micro logs to its console). */
    public String serverLog() {
        try {
            Path log = root.resolve("console.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
