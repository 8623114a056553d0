package dev.portalkit.runtime.db;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * Tells a database that is not there (stopped, restarting, unreachable, out of connections) from
 * other failures, so that a request meeting it is answered 503 "the database is unavailable"
 * instead of 500, whichever layer (JDBC, the pool, Hibernate) reported it.
 */
public final class DatabaseFailures {
    private DatabaseFailures() {
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
     * SQLSTATE class 08 (connection exception) and PostgreSQL's 57P01-57P03 (the server shuts down, is
     * shut down by an administrator, or cannot take connections now).
     */
    private static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }
}
