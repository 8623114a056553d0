package dev.portalkit.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite, Microsoft's Azure Storage emulator (blob service only), run by the tests themselves:
 * installed from npm with {@code npm install --prefix <cache> azurite@3.35.0} when missing (a
 * fresh machine needs only Node and npm), into {@code ~/.cache/portalkit-azurite/3.35.0} (or
 * {@code -Dportalkit.azurite.dir}), and started on a free port. In memory by default; with a
 * folder, its data survives a restart (the fault tests stop and restart it).
 */
public final class Azurite implements AutoCloseable {
    public static final String VERSION = "3.35.0";
    /** Azurite's well-known development account and key (public, documented by Microsoft). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static Azurite shared;

    private final Path persistence;
    private final Path log;
    private final int port;
    private final TestCertificates certificates;
    private Process process;

    private Azurite(Path persistence, int port, Path log, TestCertificates certificates) {
        this.persistence = persistence;
        this.port = port;
        this.log = log;
        this.certificates = certificates;
    }

    /** One in-memory Azurite for the whole test run, stopped when the JVM exits. */
    public static synchronized Azurite shared() {
        if (shared == null) {
            shared = start(null);
            Azurite s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A new Azurite on a free port: in memory when {@code persistence} is null, else keeping its data there. */
    public static Azurite start(Path persistence) {
        Azurite azurite = new Azurite(persistence, LoopbackPorts.free(), Path.of("target", "azurite-" + System.nanoTime() + ".log").toAbsolutePath(),
                null);
        azurite.start();
        return azurite;
    }

    /** A new in-memory Azurite that answers HTTPS only, with the server certificate of {@code certificates}. */
    public static Azurite startHttps(TestCertificates certificates) {
        Azurite azurite = new Azurite(null, LoopbackPorts.free(), Path.of("target", "azurite-" + System.nanoTime() + ".log").toAbsolutePath(),
                certificates);
        azurite.start();
        return azurite;
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return (certificates == null ? "http" : "https") + "://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String connectionString() {
        return "DefaultEndpointsProtocol=" + (certificates == null ? "http" : "https") + ";AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint=" + endpoint() + ";";
    }

    /** Starts the server (again, on the same port and data after {@link #stop()}). */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        Path home = install();
        List<String> command = new ArrayList<>(List.of("node", home.resolve("node_modules/azurite/dist/src/blob/main.js").toString(),
                "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
                "--skipApiVersionCheck", "--disableTelemetry", "--loose"));
        if (certificates != null) {
            command.addAll(List.of("--cert", certificates.serverPem().toString(), "--key", certificates.serverKey().toString()));
        }
        if (persistence == null) {
            command.add("--inMemoryPersistence");
        } else {
            command.add("--location");
            command.add(persistence.toString());
        }
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Azurite (is Node on the PATH?)", e);
        }
        awaitReady();
    }

    /**
     * Stops the server (SIGTERM: it closes its connections at once, as a crash would look to a client,
     * and saves its data when it keeps any).
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                if (certificates != null) {
                    // HTTPS with a certificate this client does not trust: listening is ready enough.
                    return;
                }
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(endpoint() + "?comp=list")).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Azurite did not answer on port " + port + "; see " + log);
    }

    /** The npm installation, made once per machine (concurrent test runs wait for each other). */
    public static synchronized Path install() {
        Path home = Path.of(System.getProperty("portalkit.azurite.dir",
                Path.of(System.getProperty("user.home"), ".cache", "portalkit-azurite", VERSION).toString()));
        Path marker = home.resolve("node_modules/azurite/package.json");
        if (Files.exists(marker)) {
            return home;
        }
        try {
            Files.createDirectories(home.getParent());
            try (FileChannel lockFile = FileChannel.open(home.getParent().resolve(home.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                if (Files.exists(marker)) {
                    return home;
                }
                Path staging = Files.createTempDirectory(home.getParent(), home.getFileName() + ".installing-");
                Process npm = new ProcessBuilder("npm", "install", "--prefix", staging.toString(), "azurite@" + VERSION,
                        "--no-audit", "--no-fund", "--loglevel=error").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(staging.resolveSibling(home.getFileName() + ".npm.log").toFile()))
                        .start();
                if (!npm.waitFor(15, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                    npm.destroyForcibly();
                    deleteTree(staging);
                    throw new IllegalStateException("npm install azurite@" + VERSION + " failed; see "
                            + staging.resolveSibling(home.getFileName() + ".npm.log"));
                }
                deleteTree(home);
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                return home;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install Azurite into " + home, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
