package dev.portalkit.runtime.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Committed changes to the rows that {@link RowCache}s hold, as every process on the database learns
 * of them. A cache may answer only while this says so ({@link #serving}): while every change that
 * commits, on any node, reaches it.
 *
 * <ul>
 *   <li><b>H2 in this process</b> (the embedded file database, or {@code mem:}): only this JVM can
 *       write it, so a change is told to every portal on the same URL in the JVM right after its
 *       commit, before the call that made it returns.</li>
 *   <li><b>PostgreSQL</b>: the writing transaction sends {@code pg_notify('portalkit_rows', ...)}, which
 *       PostgreSQL delivers when, and only if, it commits; each process listens on one connection
 *       of its own (taken from the pool when a cache is first used). The node that made a change
 *       also forgets it right after the commit; the other nodes when the notification arrives
 *       (milliseconds). While the listening connection is lost, caches do not answer (every read
 *       goes to the database) and are emptied; they answer again once it listens again.</li>
 *   <li><b>Anything else</b> (H2 over TCP, a server's DataSource of another database): no cache
 *       answers. Nor on PostgreSQL through a server's DataSource whose connections do not unwrap to
 *       the PostgreSQL driver's: that node cannot listen, but still sends its own changes.</li>
 * </ul>
 *
 * Changes are told by the Hibernate listeners of {@link RowChangeEvents} for the entities of the
 * {@link #TABLES} (updates and deletes; a row inserted holds nothing a cache has). Every process
 * tells them, whether it caches anything or not: another node may. A write to one of these tables
 * that bypasses the entities (plain SQL, a bulk JPQL update) must tell it itself, or touch no
 * column a cache holds.
 */
public final class RowChanges implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RowChanges.class.getName());
    /** The PostgreSQL channel the changes are sent on. */
    public static final String CHANNEL = "portalkit_rows";
    /** How long the listener waits before it connects again after losing its connection. */
    private static final long RETRY_MILLIS = 1_000;
    /** How often the listening connection is checked while no notification comes. */
    private static final long CHECK_MILLIS = 10_000;

    /**
     * The tables whose rows are cached somewhere, so whose changes every process tells: API tokens
     * and users (the token cache of the portal model), files (a download's record, of the File API).
     */
    public static final Set<String> TABLES = Set.of("portal_api_token", "portal_user", "files_file");

    /** The portals on each in-process H2 database of this JVM, by URL. */
    private static final Map<String, Set<RowChanges>> IN_PROCESS = new ConcurrentHashMap<>();

    /** Told of changes: a row of {@code table} whose key is {@code key}, or every row ({@code key} null). */
    public interface Listener {
        void changed(String table, String key);
    }

    private enum Mode { IN_PROCESS, POSTGRES, OFF, UNKNOWN }

    private final DataSource dataSource;
    private final String url;
    private volatile Mode mode;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong generation = new AtomicLong();
    /** PostgreSQL: whether the listener listens (else caches do not answer). */
    private volatile boolean listening;
    /**
     * PostgreSQL: the DataSource's connections cannot listen (not PostgreSQL's own, as a server's pool may
     * hand out): caches stay off here, while this process still sends its changes to the nodes that can.
     */
    private volatile boolean cannotListen;
    private volatile boolean closed;
    private Thread listener;

    /**
     * @param url the JDBC URL the pool opens, or {@code jndi:NAME} for a server's DataSource (the
     *            database product is then read from a connection when first needed)
     */
    RowChanges(DataSource dataSource, String url) {
        this.dataSource = dataSource;
        this.url = url;
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            mode = Mode.POSTGRES;
        } else if (lower.startsWith("jdbc:h2:")) {
            mode = Database.isEmbeddedH2(url) || lower.startsWith("jdbc:h2:mem:") ? Mode.IN_PROCESS : Mode.OFF;
        } else {
            mode = Mode.UNKNOWN;
        }
        if (mode == Mode.IN_PROCESS) {
            IN_PROCESS.computeIfAbsent(url, u -> ConcurrentHashMap.newKeySet()).add(this);
        }
    }

    /** Whether changes to {@code table} are told (it is one of the {@link #TABLES}). */
    public static boolean watches(String table) {
        return TABLES.contains(table.toLowerCase(Locale.ROOT));
    }

    /** Adds a listener told of every change this process learns of, and of every loss of listening (table null). */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Whether a cache may answer now: every committed change reaches this process. On PostgreSQL
     * the first call starts listening (and answers false until it listens).
     */
    public boolean serving() {
        Mode m = mode();
        if (m == Mode.IN_PROCESS) {
            return !closed;
        }
        if (m == Mode.POSTGRES && !cannotListen) {
            startListening();
            return listening && !closed;
        }
        return false;
    }

    /**
     * Counts every change told here and every loss of listening: a value read from the database
     * may be cached only when this did not move while it was read (else a change may have come
     * between the read and the cache).
     */
    public long generation() {
        return generation.get();
    }

    /**
     * In the writing transaction, on its connection (from a flush): sends the change to the other
     * processes when the database does that (PostgreSQL, delivered at commit). Nothing elsewhere.
     */
    void sendInTransaction(Connection connection, String table, String key) throws SQLException {
        if (mode() != Mode.POSTGRES) {
            return;
        }
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, table + ":" + (key == null ? "" : key));
            notify.execute();
        }
    }

    /** After the commit of a change: this process forgets it now (and, on H2 in process, every portal on the database). */
    void committed(String table, String key) {
        if (mode() == Mode.IN_PROCESS) {
            for (RowChanges portal : IN_PROCESS.getOrDefault(url, Set.of())) {
                portal.deliver(table, key);
            }
        } else {
            deliver(table, key);
        }
    }

    private void deliver(String table, String key) {
        generation.incrementAndGet();
        for (Listener l : listeners) {
            l.changed(table, key);
        }
        generation.incrementAndGet();
    }

    /** Forgets everything: a change may have been missed. */
    private void resetAll() {
        generation.incrementAndGet();
        for (Listener l : listeners) {
            l.changed(null, null);
        }
        generation.incrementAndGet();
    }

    private Mode mode() {
        Mode m = mode;
        if (m != Mode.UNKNOWN) {
            return m;
        }
        synchronized (this) {
            if (mode == Mode.UNKNOWN) {
                try (Connection c = dataSource.getConnection()) {
                    mode = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")
                            ? Mode.POSTGRES : Mode.OFF;
                } catch (SQLException e) {
                    return Mode.OFF; // asked again next time
                }
            }
            return mode;
        }
    }

    private synchronized void startListening() {
        if (listener != null || closed) {
            return;
        }
        listener = new Thread(this::listenLoop, "portal-row-changes");
        listener.setDaemon(true);
        listener.start();
    }

    private void listenLoop() {
        boolean warned = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                if (!c.isWrapperFor(org.postgresql.PGConnection.class)) {
                    cannotListen = true;
                    LOG.warning("the DataSource's connections are not PostgreSQL driver connections, so this node cannot listen for "
                            + "row changes: its caches stay off (it still tells the other nodes of its own changes)");
                    return;
                }
                org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                // Changes made before LISTEN took effect may have been missed: forget all, then answer.
                resetAll();
                listening = true;
                if (warned) {
                    LOG.info("listening for row changes again: caches answer again");
                    warned = false;
                }
                long checked = System.nanoTime();
                while (!closed) {
                    org.postgresql.PGNotification[] notes = pg.getNotifications((int) CHECK_MILLIS);
                    if (notes != null) {
                        for (org.postgresql.PGNotification note : notes) {
                            String payload = note.getParameter();
                            int colon = payload.indexOf(':');
                            if (colon > 0) {
                                String key = payload.substring(colon + 1);
                                deliver(payload.substring(0, colon), key.isEmpty() ? null : key);
                            }
                        }
                    }
                    if (System.nanoTime() - checked > TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS)) {
                        if (!c.isValid(5)) {
                            throw new SQLException("the listening connection is no longer valid");
                        }
                        checked = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException | LinkageError e) {
                listening = false;
                resetAll();
                if (closed) {
                    return;
                }
                if (e instanceof LinkageError) {
                    cannotListen = true;
                    LOG.log(Level.WARNING, "cannot listen for row changes on this DataSource (" + e + "): caches stay off");
                    return;
                }
                if (!warned) {
                    LOG.warning("lost the connection that listens for row changes (" + e.getMessage()
                            + "): caches do not answer until it is back");
                    warned = true;
                }
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listening = false;
        Thread t;
        synchronized (this) {
            t = listener;
        }
        if (t != null) {
            t.interrupt();
        }
        IN_PROCESS.computeIfPresent(url, (u, portals) -> {
            portals.remove(this);
            return portals.isEmpty() ? null : portals;
        });
    }
}
