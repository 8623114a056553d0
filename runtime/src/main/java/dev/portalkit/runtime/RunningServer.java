package dev.portalkit.runtime;

import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.db.Database;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A portal server running on a data directory, as other processes on the same machine see it,
 * through {@code <data-dir>/run/} (a folder {@code 0700}):
 *
 * <ul>
 *   <li>{@code serve.lock}: held (an OS file lock, released when the process ends however it
 *       ends) by the one {@code portalkit serve} of a data directory on an embedded H2 database,
 *       with its process id;</li>
 *   <li>{@code cli.sock}: the Unix domain socket (file {@code 0600}) on which a server using an
 *       embedded H2 database runs the commands of {@code portalkit} invocations on its behalf: H2
 *       lets one process open the database file, and the portal opens no network listener for it.</li>
 * </ul>
 */
public final class RunningServer {
    /** The folder of the lock and the socket, below the data directory. */
    public static final String RUN_DIRECTORY = DataDirectory.RUN_DIRECTORY;
    public static final String SOCKET = "cli.sock";
    public static final String LOCK = "serve.lock";

    private RunningServer() {
    }

    public static Path runDirectory(Path dataDir) {
        return dataDir.resolve(RUN_DIRECTORY);
    }

    public static Path socket(Path dataDir) {
        return runDirectory(dataDir).resolve(SOCKET);
    }

    /**
     * Whether the commands of a portal with {@code config} must run inside a server: its database is
     * an embedded H2 file database (which only one process may open) and a server answers on the
     * data directory's socket. A socket file left by a server that died is not answered: then the
     * command opens the database itself.
     *
     * @return the socket to send the command to, or empty
     */
    public static Optional<Path> commandSocket(PortalConfigImpl config) {
        if (!embeddedH2(config)) {
            return Optional.empty();
        }
        Path socket = socket(Portal.dataDir(config));
        return answers(socket) ? Optional.of(socket) : Optional.empty();
    }

    /** Whether a portal with {@code config} opens an embedded H2 file database (which one process only may open). */
    public static boolean embeddedH2(PortalConfigImpl config) {
        if (config.get(CoreConfig.DB_JNDI).filter(s -> !s.isBlank()).isPresent()) {
            return false;
        }
        return Database.isEmbeddedH2(config.get(CoreConfig.DB_URL).orElse(Database.defaultUrl(Portal.dataDir(config))));
    }

    /**
     * {@link #lock} when {@code config}'s database is embedded H2 (a second server could not open it,
     * and both would claim the command socket); with PostgreSQL several servers may share a data
     * directory (a rolling restart, two processes behind one proxy), so no lock is taken.
     */
    public static Lock lockIfEmbeddedH2(PortalConfigImpl config) {
        return embeddedH2(config) ? lock(Portal.dataDir(config)) : new Lock(null, null);
    }

    /** Whether something accepts connections on the Unix domain socket {@code socket}. */
    public static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // ECONNREFUSED: a socket file whose server is gone; or a path too long for a socket address
            return false;
        }
    }

    /**
     * Takes the data directory's server lock, so that a second {@code serve} on it fails at once
     * with a clear message instead of fighting over the database, the spool folder and the socket.
     *
     * @throws PortalException CONFIG_INVALID naming the process that holds it
     */
    public static Lock lock(Path dataDir) {
        Path lockFile = runDirectory(dataDir).resolve(LOCK);
        FileChannel channel = null;
        try {
            PrivateFiles.createDirectories(runDirectory(dataDir));
            PrivateFiles.createFile(lockFile);
            channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                channel.close();
                throw PortalException.config("a portalkit server" + (holder.matches("\\d+") ? " (process " + holder + ")" : "")
                        + " is running on data directory " + dataDir + " already: stop it first, or give this one another "
                        + "--data-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new Lock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw PortalException.config("portal.data_dir: cannot lock " + lockFile + ": " + e.getMessage());
        }
    }

    /** The held server lock of a data directory; closing it releases it. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            if (channel == null) {
                return; // no lock was needed
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the process ends soon: the OS drops the lock then
            }
        }
    }

    /**
     * Thrown by {@link PortalContainer#start} when a server on the same embedded H2 database must
     * run the command instead (the database file is the server's): the command line catches it
     * and sends the command to {@link #socket()}.
     */
    public static final class Found extends RuntimeException {
        private final transient Path socket;

        Found(Path socket) {
            super("a portalkit server is running on this data directory; the command is sent to it through " + socket, null,
                    false, false);
            this.socket = socket;
        }

        public Path socket() {
            return socket;
        }
    }
}
