package dev.portalkit.runtime.db;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;
import org.hibernate.StaleStateException;

/**
 * The one place that tells what a database failure means for the caller, whichever layer (JDBC,
 * the pool, Hibernate) reported it: a database that is not there (stopped, restarting,
 * unreachable, out of connections) is TRANSIENT, 503 "try again later"; a race lost to a
 * concurrent transaction is CONFLICT, 409 "try again"; anything else stays what it is (an internal
 * error). {@link Transactions#required} translates what escapes a transaction, and
 * {@link #flush} what a flush inside one raises.
 */
public final class DatabaseFailures {
    /**
     * SQLSTATEs of concurrency failures: serialization failure and deadlock (40001, PostgreSQL's
     * 40P01), lock not available (PostgreSQL 55P03, H2's lock timeout HYT00), unique and foreign-key
     * violations (23505, 23503), H2's concurrent update (90131).
     */
    private static final Set<String> CONFLICT_STATES = Set.of("40001", "40P01", "55P03", "HYT00", "23505", "23503", "90131");

    private DatabaseFailures() {
    }

    /** {@code failure} as the caller should see it: {@link #conflict}, else {@link #unavailable}, else itself. */
    public static RuntimeException translate(RuntimeException failure) {
        PortalException conflict = conflict(failure);
        if (conflict != null) {
            return conflict;
        }
        return unavailable(failure).map(RuntimeException.class::cast).orElse(failure);
    }

    /** The TRANSIENT failure to report instead of {@code failure}, when it says the database is unavailable. */
    public static Optional<PortalException> unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortalException) {
                return Optional.empty();
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException || t instanceof org.hibernate.exception.JDBCConnectionException
                    || (t instanceof SQLException sql && connectionState(sql.getSQLState()))) {
                return Optional.of(new PortalException(ErrorKind.TRANSIENT, "The database is unavailable: try again later", failure));
            }
        }
        return Optional.empty();
    }

    /**
     * CONFLICT when {@code failure} (or one of its causes) means "another transaction changed the
     * same rows first": an optimistic lock failure (an update or delete found its row changed or
     * gone), a pessimistic lock that could not be had (timeout, deadlock victim), a serialization
     * failure, or a unique or foreign-key constraint that a concurrent insert or delete broke;
     * {@code null} for any other failure.
     */
    public static PortalException conflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortalException) {
                return null;
            }
            if (t instanceof OptimisticLockException || t instanceof PessimisticLockException || t instanceof LockTimeoutException
                    || t instanceof StaleStateException || t instanceof org.hibernate.PessimisticLockException
                    || t instanceof org.hibernate.exception.LockAcquisitionException
                    || (t instanceof SQLException sql && sql.getSQLState() != null && CONFLICT_STATES.contains(sql.getSQLState()))) {
                return new PortalException(ErrorKind.CONFLICT,
                        "The change conflicts with a concurrent change of the same data; try again", failure);
            }
        }
        return null;
    }

    /**
     * Writes {@code em}'s pending changes now, so that a race lost to a concurrent transaction (a
     * unique index, a row changed or deleted meanwhile) fails here as a CONFLICT (409) the code
     * around may still act on, not later as an internal error.
     */
    public static void flush(EntityManager em) {
        try {
            em.flush();
        } catch (RuntimeException e) {
            PortalException conflict = conflict(e);
            throw conflict != null ? conflict : e;
        }
    }

    /**
     * SQLSTATE class 08 (connection exception) and PostgreSQL's 57P01-57P03 (the server shuts down, is
     * shut down by an administrator, or cannot take connections now).
     */
    private static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }
}
