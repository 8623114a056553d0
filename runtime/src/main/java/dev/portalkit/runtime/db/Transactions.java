package dev.portalkit.runtime.db;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import java.sql.Connection;
import java.util.function.Supplier;
import org.hibernate.Session;

/**
 * One transaction per thread, opened by the outermost unit of work (an action call or a task) and
 * joined by everything it calls. The same code runs in the standalone portal and in an app server:
 * the runtime owns a resource-local {@link EntityManagerFactory} in both.
 */
public final class Transactions {
    private final EntityManagerFactory emf;
    private final ThreadLocal<EntityManager> current = new ThreadLocal<>();

    public Transactions(EntityManagerFactory emf) {
        this.emf = emf;
    }

    public boolean active() {
        return current.get() != null;
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
        EntityTransaction tx = em.getTransaction();
        current.set(em);
        try {
            tx.begin();
            T result = work.get();
            em.flush();
            try {
                tx.commit();
            } catch (RuntimeException e) {
                if (DatabaseFailures.unavailable(e).isPresent()) {
                    throw new CommitFailed(e); // the connection went while the commit ran: it may have committed
                }
                throw e; // the database refused the commit: nothing was saved
            }
            return result;
        } catch (RuntimeException | Error e) {
            if (tx.isActive()) {
                try {
                    tx.rollback();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof RuntimeException failure) {
                throw DatabaseFailures.translate(failure);
            }
            throw e;
        } finally {
            current.remove();
            em.close();
        }
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

    /** The entity manager of the current transaction. */
    public EntityManager em() {
        EntityManager em = current.get();
        if (em == null) {
            throw new PortalException(ErrorKind.INTERNAL, "no transaction is active");
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
