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
     * and rolls back when it throws.
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
            tx.commit();
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
                throw DatabaseFailures.unavailable(failure).map(RuntimeException.class::cast).orElse(failure);
            }
            throw e;
        } finally {
            current.remove();
            em.close();
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
}
