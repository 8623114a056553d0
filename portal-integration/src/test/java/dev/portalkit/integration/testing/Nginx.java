package dev.portalkit.integration.testing;

import dev.portalkit.testservers.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}, which {@code .ci/run} installs) as a load balancer in
 * front of portal nodes, on a free loopback port, in the foreground of a child process with its
 * own prefix folder. Upstream connections are not kept alive, and a request that cannot reach a node
 * (refused, reset before an answer) is passed to the next one, as an operator's balancer is set up
 * for rolling restarts (docs/cluster.md).
 */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final URI uri;
    private final Path prefix;

    private Nginx(Process process, URI uri, Path prefix) {
        this.process = process;
        this.uri = uri;
        this.prefix = prefix;
    }

    public static boolean present() {
        return Files.isExecutable(BINARY);
    }

    /** Starts nginx balancing over {@code nodes} (base URLs); waits (30 s at most) until it accepts connections. */
    public static Nginx start(Path workDir, List<URI> nodes) {
        try {
            Path prefix = Files.createTempDirectory(workDir, "nginx-");
            int port = LoopbackPorts.free();
            StringBuilder upstream = new StringBuilder();
            for (URI node : nodes) {
                upstream.append("    server ").append(node.getHost()).append(':').append(node.getPort()).append(" max_fails=1 fail_timeout=5s;\n");
            }
            Path conf = prefix.resolve("nginx.conf");
            Files.writeString(conf, String.join("\n",
                    "worker_processes 1;",
                    "error_log " + prefix.resolve("error.log") + " warn;",
                    "pid " + prefix.resolve("nginx.pid") + ";",
                    "events { worker_connections 512; }",
                    "http {",
                    "  access_log " + prefix.resolve("access.log") + ";",
                    "  client_body_temp_path " + prefix.resolve("body") + ";",
                    "  proxy_temp_path " + prefix.resolve("proxy") + ";",
                    "  fastcgi_temp_path " + prefix.resolve("fastcgi") + ";",
                    "  uwsgi_temp_path " + prefix.resolve("uwsgi") + ";",
                    "  scgi_temp_path " + prefix.resolve("scgi") + ";",
                    "  client_max_body_size 0;",
                    "  upstream portal {",
                    upstream.toString(),
                    "  }",
                    "  server {",
                    "    listen 127.0.0.1:" + port + ";",
                    "    location / {",
                    "      proxy_pass http://portal;",
                    "      proxy_set_header Host $http_host;",
                    "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;",
                    "      proxy_next_upstream_tries 3;",
                    "      proxy_request_buffering off;",
                    "      proxy_buffering off;",
                    "    }",
                    "  }",
                    "}", ""));
            Process process = new ProcessBuilder(BINARY.toString(), "-p", prefix.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
            Nginx nginx = new Nginx(process, URI.create("http://127.0.0.1:" + port + "/"), prefix);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return nginx;
                } catch (IOException notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        nginx.close();
                        throw new AssertionError("nginx did not start: " + nginx.log());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri() {
        return uri;
    }

    /** Its error log and output (for failure messages). */
    public String log() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("stdout.log", "error.log")) {
            try {
                out.append(Files.readString(prefix.resolve(name)));
            } catch (IOException e) {
                out.append("(no ").append(name).append(")");
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
