package dev.portalkit.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * Real Redis servers for the tests: embedded-redis' bundled redis-server (6.2), started on free
 * loopback ports by the tests themselves. Nothing to install.
 */
public final class RedisServers {
    private static Server shared;

    private RedisServers() {
    }

    /** A server that keeps nothing on disk, or its data in {@code dir} (saved when it stops, loaded when it starts). */
    public static Server start(Path dir, String password) {
        int port = LoopbackPorts.free();
        try {
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("appendonly no")
                    .setting("protected-mode no");
            if (dir == null) {
                builder.setting("save \"\"");
            } else {
                builder.setting("dir " + dir.toAbsolutePath()).setting("save 3600 1");
            }
            if (password != null) {
                builder.setting("requirepass " + password);
            }
            RedisServer server = builder.build();
            server.start();
            return new Server(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    /**
     * A server that answers TLS (its bundled binary is built with TLS) with the server certificate of
     * {@code certificates}; clients need no certificate. {@link Server#port} is the TLS port: connect with
     * {@link Server#tlsUrl}. (embedded-redis needs a plain port too; it listens on another free port.)
     */
    public static Server startTls(TestCertificates certificates) {
        int port = LoopbackPorts.free();
        int plain = LoopbackPorts.free();
        try {
            RedisServer server = RedisServer.newRedisServer().port(plain).bind("127.0.0.1")
                    .setting("tls-port " + port)
                    .setting("tls-cert-file " + certificates.serverPem().toAbsolutePath())
                    .setting("tls-key-file " + certificates.serverKey().toAbsolutePath())
                    .setting("tls-ca-cert-file " + certificates.caPem().toAbsolutePath())
                    .setting("tls-auth-clients no")
                    .setting("appendonly no")
                    .setting("save \"\"")
                    .setting("protected-mode no")
                    .build();
            server.start();
            return new Server(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server with TLS", e);
        }
    }

    /** One server for the whole test run, stopped when the JVM exits. */
    public static synchronized Server shared() {
        if (shared == null) {
            shared = start(null, null);
            Server s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A running server. */
    public record Server(RedisServer server, int port) implements AutoCloseable {
        public String url(int db) {
            return "redis://127.0.0.1:" + port + "/" + db;
        }

        /** The URL of a server made by {@link RedisServers#startTls}. */
        public String tlsUrl(int db) {
            return "rediss://127.0.0.1:" + port + "/" + db;
        }

        public void stop() {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void start() {
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (server.isActive()) {
                stop();
            }
        }
    }
}
