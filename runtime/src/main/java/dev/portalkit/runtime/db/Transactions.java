package dev.portalkit.runtime.db;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import java.util.function.Supplier;
import org.hibernate.Session;

/**
 * One transaction per thread, opened by the outermost unit of work (an action call or a task) and
 * joined by everything it calls. The same code runs in the standalone portal and in an app server:
 * the runtime owns a resource-local {@link EntityManagerFactory} in both.
 */
public final class Transactions {
    private final EntityManagerFactory emf;
    private final DataSource dataSource;
    private final RowChanges rowChanges;
    private final RowCache.Settings cacheSettings;
    private final ThreadLocal<EntityManager> current = new ThreadLocal<>();
    /** Set while a {@link #deferred} unit runs whose entity manager is not open yet. */
    private final ThreadLocal<Pending> pending = new ThreadLocal<>();

    /**
     * A {@link #deferred} unit before its entity manager opens: the pooled connection its plain
     * reads share (one transaction for all of them, ended with the unit or when the entity manager
     * opens), once one asked.
     */
    private static final class Pending {
        Connection connection;
    }

    /**
     * @param dataSource    the pool the entity manager factory draws from: {@link #read} takes a
     *                      connection of its own there while no entity manager is open
     * @param rowChanges    the committed changes {@link #cache caches} follow
     * @param cacheSettings how long cached rows live and how many are kept ({@link RowCache.Settings#NONE}: none)
     */
    public Transactions(EntityManagerFactory emf, DataSource dataSource, RowChanges rowChanges, RowCache.Settings cacheSettings) {
        this.emf = emf;
        this.dataSource = dataSource;
        this.rowChanges = rowChanges;
        this.cacheSettings = cacheSettings;
    }

    /**
     * A cache of values read from rows by key, for {@link #cached}: a committed change to a row of
     * {@code table} forgets its key (the entity's id; null when the key is no row's id), one to any
     * row of a {@code clearedBy} table forgets all (see {@link RowChanges} for when and where a
     * cache may answer).
     */
    public <V> RowCache<V> cache(String table, String... clearedBy) {
        return new RowCache<>(rowChanges, cacheSettings, table, java.util.Set.of(clearedBy));
    }

    /** Reads one row's value by key for {@link #cached}. */
    @FunctionalInterface
    public interface KeyedRead<V> {
        /** The value of the row {@code key}, or null when there is none (not cached). */
        V read(Connection connection, String key) throws SQLException;
    }

    /**
     * The value of row {@code key} from {@code cache}, or {@link #read} by {@code read} (and kept).
     * The cache is not asked while this thread's entity manager is open: its transaction may have
     * changed the row, and a value it read is not committed.
     */
    public <V> V cached(RowCache<V> cache, String key, KeyedRead<V> read) {
        if (entityManagerOpen()) {
            return read(c -> read.read(c, key));
        }
        return cache.get(key, k -> read(c -> read.read(c, k)));
    }

    public boolean active() {
        return current.get() != null || pending.get() != null;
    }

    /**
     * Runs {@code work} in the current transaction, or in a new one that commits when it returns
     * and rolls back when it throws. What escapes a new one is translated ({@link DatabaseFailures}):
     * a lost race is a CONFLICT, a database that is not there TRANSIENT.
     */
    public <T> T required(Supplier<T> work) {
        if (active()) {
            return work.get();
        }
        EntityManager em = emf.createEntityManager();
        current.set(em);
        try {
            em.getTransaction().begin();
            return complete(em, work.get());
        } catch (RuntimeException | Error e) {
            throw rollBack(em, e);
        } finally {
            current.remove();
            em.close();
        }
    }

    /**
     * {@link #required}, except that a new unit opens its entity manager and transaction only when
     * {@link #em} is first asked for (and then commits it as {@code required} does): work that reads
     * through {@link #read} alone (a tracked download by a sysadmin: the token, the permission
     * functions' answer, the file's row) runs without one. Such reads share one pooled connection
     * and one transaction, ended with the unit (or when the entity manager opens): each sees what is
     * committed when it runs, as a statement of a read-committed transaction would.
     */
    public <T> T deferred(Supplier<T> work) {
        if (active()) {
            return work.get();
        }
        Pending unit = new Pending();
        pending.set(unit);
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | Error e) {
            endPlain(unit, e);
            EntityManager em = current.get();
            if (em != null) {
                try {
                    throw rollBack(em, e);
                } finally {
                    current.remove();
                    em.close();
                }
            }
            if (e instanceof RuntimeException failure) {
                throw DatabaseFailures.translate(failure);
            }
            throw e;
        } finally {
            pending.remove();
        }
        EntityManager em = current.get();
        if (em == null) {
            try {
                endPlain(unit, null);
            } catch (RuntimeException e) {
                throw DatabaseFailures.translate(e);
            }
            return result;
        }
        try {
            return complete(em, result);
        } catch (RuntimeException | Error e) {
            throw rollBack(em, e);
        } finally {
            current.remove();
            em.close();
        }
    }

    private static <T> T complete(EntityManager em, T result) {
        em.flush();
        try {
            em.getTransaction().commit();
        } catch (RuntimeException e) {
            if (DatabaseFailures.unavailable(e).isPresent()) {
                throw new CommitFailed(e); // the connection went while the commit ran: it may have committed
            }
            throw e; // the database refused the commit: nothing was saved
        }
        return result;
    }

    private static RuntimeException rollBack(EntityManager em, Throwable e) {
        EntityTransaction tx = em.getTransaction();
        if (tx.isActive()) {
            try {
                tx.rollback();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
        }
        if (e instanceof RuntimeException failure) {
            return DatabaseFailures.translate(failure);
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }

    /** Whether this thread's transaction has its entity manager open (a {@link #deferred} unit may not yet). */
    public boolean entityManagerOpen() {
        return current.get() != null;
    }

    /** Plain JDBC work, for {@link #read}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs read-only plain JDBC {@code work} (no entities: nothing to build, snapshot or flush): on
     * the connection of the current transaction when its entity manager is open (so it sees that
     * transaction's own changes); in a {@link #deferred} unit that has not opened it, on the unit's
     * plain connection (one for all its reads, see there); else on a pooled connection of its own,
     * in a transaction of its own ended when the work returns. Each read sees what is committed
     * when it runs. Failures are translated as {@link #required}'s.
     */
    public <T> T read(SqlWork<T> work) {
        try {
            if (current.get() != null) {
                return work.run(connection());
            }
            Pending unit = pending.get();
            if (unit != null) {
                if (unit.connection == null) {
                    unit.connection = dataSource.getConnection();
                }
                try {
                    return work.run(unit.connection);
                } catch (SQLException | RuntimeException e) {
                    // A failed statement may leave the transaction unusable (PostgreSQL): a later read starts afresh.
                    endPlain(unit, e);
                    throw e;
                }
            }
            try (Connection c = dataSource.getConnection()) {
                // The portal's pool hands out connections outside auto-commit (a server's may not): the
                // read ends its transaction, as one statement in auto-commit would.
                boolean ends = !c.getAutoCommit();
                try {
                    T result = work.run(c);
                    if (ends) {
                        c.commit();
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    if (ends) {
                        try {
                            c.rollback();
                        } catch (SQLException suppressed) {
                            e.addSuppressed(suppressed);
                        }
                    }
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw DatabaseFailures.translate(new jakarta.persistence.PersistenceException(e.getMessage(), e));
        }
    }

    /**
     * Whether {@code select} (a plain SQL query, {@code ?} for each of {@code parameters}) finds a row, by
     * {@link #read}: a cheap "is there anything to do" before the entity queries of a poller.
     */
    public boolean exists(String select, Object... parameters) {
        return read(c -> {
            try (java.sql.PreparedStatement q = c.prepareStatement(select)) {
                for (int i = 0; i < parameters.length; i++) {
                    q.setObject(i + 1, parameters[i]);
                }
                try (java.sql.ResultSet rows = q.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    /**
     * The connection went while the commit ran (not the work before it): the database may have committed before
     * the failure reached us (a connection lost while the commit was under way), so whether the
     * change was saved is unknown. Side effects outside the database are therefore kept, not
     * undone: bytes a create stored may be a committed record's; if not, they are an orphan that a
     * sweep removes, while a record without its bytes would be a broken file.
     */
    public static final class CommitFailed extends PortalException {
        CommitFailed(RuntimeException cause) {
            super(ErrorKind.TRANSIENT, "the database did not confirm the commit: whether the change was saved is unknown "
                    + "(look before you retry)", cause);
        }
    }

    /**
     * Ends and returns to the pool the plain connection of a deferred unit, if it has one: its
     * transaction read only, so it commits ({@code failure} null) or rolls back, whichever is cheaper
     * to say; a failure to end it is added to {@code failure}, or thrown when there is none.
     */
    private static void endPlain(Pending unit, Throwable failure) {
        Connection c = unit.connection;
        if (c == null) {
            return;
        }
        unit.connection = null;
        try (c) {
            if (!c.getAutoCommit()) {
                if (failure == null) {
                    c.commit();
                } else {
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw new jakarta.persistence.PersistenceException(e.getMessage(), e);
            }
        }
    }

    /** The entity manager of the current transaction. */
    public EntityManager em() {
        EntityManager em = current.get();
        if (em == null) {
            Pending unit = pending.get();
            if (unit == null) {
                throw new PortalException(ErrorKind.INTERNAL, "no transaction is active");
            }
            // What the unit read so far was committed when read; from here on it reads in the entity manager's transaction.
            try {
                endPlain(unit, null);
            } catch (RuntimeException e) {
                throw DatabaseFailures.translate(e);
            }
            // A deferred unit's first use of the entity manager: its transaction starts here.
            em = emf.createEntityManager();
            try {
                em.getTransaction().begin();
            } catch (RuntimeException e) {
                em.close();
                throw DatabaseFailures.translate(e);
            }
            current.set(em);
        }
        return em;
    }

    /** The JDBC connection of the current transaction (owned by the transaction: do not close). */
    public Connection connection() {
        return em().unwrap(Session.class).doReturningWork(c -> c);
    }

    /**
     * How many rows of {@code entity} (an entity with a {@code status} field) have each of
     * {@code statuses}, in one grouped count, in a transaction of its own or the current one;
     * a status no row has counts 0. For monitoring (the task outbox, the job queue).
     *
     * @param timeout how long the query may run (a health probe's deadline), or null for no limit
     */
    public java.util.SortedMap<String, Long> countByStatus(Class<?> entity, java.util.Collection<String> statuses,
            java.time.Duration timeout) {
        java.util.SortedMap<String, Long> counts = new java.util.TreeMap<>();
        statuses.forEach(status -> counts.put(status, 0L));
        required(() -> {
            var query = em().createQuery("select e.status, count(e) from " + entity.getSimpleName()
                    + " e where e.status in :statuses group by e.status", Object[].class).setParameter("statuses", statuses);
            if (timeout != null) {
                query.setHint("jakarta.persistence.query.timeout", (int) timeout.toMillis());
            }
            return query.getResultList();
        })
                .forEach(row -> counts.put((String) row[0], ((Number) row[1]).longValue()));
        return counts;
    }
}
