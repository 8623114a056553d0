package dev.portalkit.runtime.action;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.sql.SQLException;
import java.util.Set;
import org.hibernate.StaleStateException;

/**
 * Failures that mean "another transaction changed the same rows first", whatever layer raised
 * them: an optimistic lock failure (an update or delete found its row changed or gone), a
 * pessimistic lock that could not be had (timeout, deadlock victim), a serialization failure, or a
 * unique or foreign-key constraint that a concurrent insert or delete broke. The losing call gets
 * a 409 CONFLICT ("try again"), never an internal error. The one place that recognises them: the
 * dispatcher translates what escapes an action's transaction, and code that flushes inside an
 * action may ask {@link #conflict} itself.
 */
public final class ConcurrentChange {
    /**
     * SQLSTATEs of concurrency failures: serialization failure and deadlock (40001, PostgreSQL's
     * 40P01), lock not available (PostgreSQL 55P03, H2's lock timeout HYT00), unique and foreign-key
     * violations (23505, 23503), H2's concurrent update (90131).
     */
    private static final Set<String> SQL_STATES = Set.of("40001", "40P01", "55P03", "HYT00", "23505", "23503", "90131");

    private ConcurrentChange() {
    }

    /** CONFLICT for a concurrency failure anywhere in {@code failure}'s causes; {@code null} for any other failure. */
    public static PortalException conflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortalException) {
                return null;
            }
            if (t instanceof OptimisticLockException || t instanceof PessimisticLockException || t instanceof LockTimeoutException
                    || t instanceof StaleStateException || t instanceof org.hibernate.PessimisticLockException
                    || t instanceof org.hibernate.exception.LockAcquisitionException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && SQL_STATES.contains(sql.getSQLState()))) {
                return new PortalException(ErrorKind.CONFLICT,
                        "The change conflicts with a concurrent change of the same data; try again", failure);
            }
        }
        return null;
    }
}
