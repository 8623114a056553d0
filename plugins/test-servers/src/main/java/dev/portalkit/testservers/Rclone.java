package dev.portalkit.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real WebDAV and SFTP servers for the tests: Debian's {@code rclone serve webdav|sftp} over a
 * folder, on a free loopback port, started by the tests themselves (.ci/run installs the
 * {@code rclone} package). Without rclone the tests that need it fail, saying so; they never skip.
 */
public final class Rclone {
    /** How long a server may take to listen. */
    private static final long START_MILLIS = 20_000;

    private Rclone() {
    }

    /** The rclone binary: {@code $RCLONE}, or {@code rclone} on the PATH. */
    static String binary() {
        String given = System.getenv("RCLONE");
        if (given != null && !given.isBlank()) {
            return given;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "rclone");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("rclone is not installed: these tests serve WebDAV and SFTP with Debian's rclone "
                + "(apt-get install -y rclone; .ci/run installs it), or set RCLONE to its path");
    }

    /** {@code rclone serve webdav dir} on a loopback port, without authentication. */
    public static Server webdav(Path dir) {
        return start("webdav", dir, List.of());
    }

    /**
     * {@code rclone serve sftp dir} on a loopback port, accepting the public key of a key pair made
     * here with {@code ssh-keygen} ({@link Server#privateKey()}), for any user name.
     */
    public static Server sftp(Path dir) {
        try {
            Path keys = Files.createTempDirectory("portalkit-sftp-keys");
            Path client = keys.resolve("client");
            Path host = keys.resolve("host");
            keygen(client);
            keygen(host);
            // OpenDAL 0.48.2's sftp writer closes its file handle in the background, so its rename can reach
            // rclone while the handle is still open; rclone's VFS then renames its own view at once and the
            // file on disk only when the handle closes, and a read in between finds nothing (seen once in CI).
            // With the VFS cache in "full" mode rclone serves that read from its cache, as an SFTP server on a
            // POSIX file system would (docs/storage-opendal.md, "SFTP notes"); it writes a closed file back to
            // dir at once (--vfs-write-back 0s), in the background: a test that looks into dir waits for it.
            return start("sftp", dir, List.of("--authorized-keys", client + ".pub", "--key", host.toString(),
                    "--vfs-cache-mode", "full", "--vfs-write-back", "0s"), client, keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keygen(Path key) throws IOException {
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "portalkit-test", "-f", key.toString()));
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Server start(String protocol, Path dir, List<String> extra) {
        try {
            return start(protocol, dir, extra, null, Files.createTempDirectory("portalkit-rclone"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Server start(String protocol, Path dir, List<String> extra, Path privateKey, Path workDir) {
        String rclone = binary();
        int port = LoopbackPorts.free();
        try {
            Path config = workDir.resolve("rclone.conf");
            Files.writeString(config, "");
            Path log = workDir.resolve("rclone-" + protocol + ".log");
            List<String> command = new ArrayList<>(List.of(rclone, "serve", protocol, dir.toAbsolutePath().toString(),
                    "--addr", "127.0.0.1:" + port, "--config", config.toString(), "--cache-dir", workDir.resolve("cache").toString()));
            command.addAll(extra);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.currentTimeMillis() + START_MILLIS;
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("rclone serve " + protocol + " exited with " + process.exitValue() + ": "
                            + Files.readString(log));
                }
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return new Server(process, port, privateKey);
                } catch (IOException notYet) {
                    if (System.currentTimeMillis() > deadline) {
                        process.destroyForcibly();
                        throw new IllegalStateException("rclone serve " + protocol + " does not listen on port " + port + " after "
                                + START_MILLIS / 1000 + " s: " + Files.readString(log));
                    }
                    Thread.sleep(50);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start rclone serve " + protocol, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rclone serve " + protocol + " started", e);
        }
    }

    /** A running rclone server; {@link #close()} kills it. */
    public record Server(Process process, int port, Path privateKey) implements AutoCloseable {
        /** {@code http://127.0.0.1:<port>} (WebDAV). */
        public String url() {
            return "http://127.0.0.1:" + port;
        }

        /** {@code ssh://<user>@127.0.0.1:<port>} (SFTP). */
        public String sshEndpoint(String user) {
            return "ssh://" + user + "@127.0.0.1:" + port;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
