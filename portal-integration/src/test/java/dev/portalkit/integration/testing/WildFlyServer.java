package dev.portalkit.integration.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real WildFly for tests: runs the unpacked distribution with a server base directory of its
 * own (a copy of {@code standalone/configuration}, empty deployments, logs), a port offset whose
 * ports are all free, and {@code -D} system properties as the portal's configuration. Deploys by
 * dropping files into the deployment scanner's directory and waiting for its markers.
 * {@link #close()} stops the server (SIGTERM, then kill) whatever state it is in.
 */
public final class WildFlyServer implements AutoCloseable {
    /** Base ports of standalone.xml's socket bindings (http, https, management, ajp, transactions). */
    private static final int[] BASE_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    private final Path home;
    private final Path baseDir;
    private final int offset;
    private final ServerProcessTree process;

    private WildFlyServer(Path home, Path baseDir, int offset, Process process) {
        this.home = home;
        this.baseDir = baseDir;
        this.offset = offset;
        // Should the test JVM itself be stopped, do not leave a WildFly behind.
        this.process = new ServerProcessTree(process, "wildfly", this::killByPidFile);
    }

    /**
     * Starts WildFly and waits until it is up (its management interface answers).
     *
     * @param home       the unpacked distribution
     * @param baseDir    an empty directory for configuration, deployments, data and logs
     * @param properties system properties for the server (the portal reads {@code portal.*} ones)
     */
    public static WildFlyServer start(Path home, Path baseDir, Map<String, String> properties, Duration timeout)
            throws IOException, InterruptedException {
        return start(home, baseDir, properties, Map.of(), timeout);
    }

    /** {@link #start(Path, Path, Map, Duration)} with extra environment variables for the server process. */
    public static WildFlyServer start(Path home, Path baseDir, Map<String, String> properties, Map<String, String> environment,
                                      Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(baseDir.resolve("deployments"));
        copyTree(home.resolve("standalone/configuration"), baseDir.resolve("configuration"));
        // The deployment scanner looks every 5 s by default; every 250 ms makes deploying quick.
        Path config = baseDir.resolve("configuration/standalone.xml");
        Files.writeString(config, Files.readString(config).replace("scan-interval=\"5000\"", "scan-interval=\"250\""));
        int offset = freeOffset();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + baseDir,
                "-Djboss.socket.binding.port-offset=" + offset));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(baseDir.resolve("console.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(environment);
        // standalone.sh then runs the JVM in the background and forwards SIGTERM to it.
        pb.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        pb.environment().put("JBOSS_PIDFILE", baseDir.resolve("wildfly.pid").toString());
        pb.environment().put("JAVA_OPTS", "-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true");
        WildFlyServer server = new WildFlyServer(home, baseDir, offset, pb.start());
        try {
            server.awaitStarted(timeout);
            return server;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<8080 + offset>/}. */
    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + (8080 + offset) + "/");
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Runs a jboss-cli script against the running server (as an operator would); fails on errors. */
    public String cli(String script, Duration timeout) throws IOException, InterruptedException {
        Path file = Files.createTempFile(baseDir, "commands-", ".cli");
        Files.writeString(file, script);
        Path output = baseDir.resolve(file.getFileName() + ".out");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=remote+http://127.0.0.1:" + (9990 + offset), "--file=" + file)
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process cli = pb.start();
        if (!cli.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            cli.destroyForcibly();
            throw new AssertionError("jboss-cli did not finish in " + timeout + ": " + Files.readString(output));
        }
        String text = Files.readString(output);
        if (cli.exitValue() != 0) {
            throw new AssertionError("jboss-cli failed (" + cli.exitValue() + "): " + text + "\n" + logTail(40));
        }
        return text;
    }

    /** Copies {@code file} into the deployments directory and waits for {@code .deployed} (or fails on {@code .failed}). */
    public void deploy(Path file, Duration timeout) throws IOException, InterruptedException {
        Path deployments = baseDir.resolve("deployments");
        String name = file.getFileName().toString();
        Path deployed = deployments.resolve(name + ".deployed");
        Path failed = deployments.resolve(name + ".failed");
        Files.copy(file, deployments.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(deployed)) {
                return;
            }
            if (Files.exists(failed)) {
                throw new AssertionError("deployment of " + name + " failed: " + Files.readString(failed) + "\n" + logTail(80));
            }
            if (!process.isAlive()) {
                throw new AssertionError("WildFly exited while deploying " + name + "\n" + logTail(80));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("deployment of " + name + " did not finish in " + timeout + "\n" + logTail(80));
    }

    private void awaitStarted(Duration timeout) throws IOException, InterruptedException {
        Path log = baseDir.resolve("console.log");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("WildFly exited at start\n" + logTail(80));
            }
            if (Files.exists(log)) {
                String text = Files.readString(log);
                if (text.contains("WFLYSRV0025") || text.contains("WFLYSRV0026")) { // started (with or without errors)
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("WildFly did not start in " + timeout + "\n" + logTail(80));
    }

    /** The last lines of the server log (or the console output), for failure messages. */
    public String logTail(int lines) {
        for (Path log : List.of(baseDir.resolve("log/server.log"), baseDir.resolve("console.log"))) {
            try {
                if (Files.exists(log)) {
                    List<String> all = Files.readAllLines(log);
                    return log + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
                }
            } catch (IOException e) {
                // try the next one
            }
        }
        return "(no WildFly log)";
    }

    /** The whole server log. */
    public String serverLog() {
        try {
            Path log = baseDir.resolve("log/server.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.stop();
    }

    /** The JVM standalone.sh ran in the background, should it have outlived its script. */
    private void killByPidFile() {
        try {
            Path pidFile = baseDir.resolve("wildfly.pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | NumberFormatException e) {
            // nothing more to stop
        }
    }

    private static int freeOffset() {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int offset = 10_000 + random.nextInt(40_000);
            if (allFree(offset)) {
                return offset;
            }
        }
        throw new IllegalStateException("no port offset with all WildFly ports free");
    }

    private static boolean allFree(int offset) {
        for (int port : BASE_PORTS) {
            try (ServerSocket socket = new ServerSocket(port + offset, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
