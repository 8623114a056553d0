package dev.portalkit.runtime.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.PessimisticLockException;
import java.sql.SQLException;
import java.util.List;
import org.hibernate.StaleObjectStateException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

/** Which failures mean "a concurrent transaction won" (409) and which stay what they are. */
class DatabaseFailuresTest {
    @Test
    void lostRacesAreConflicts() {
        List<Throwable> raced = List.of(
                // what Hibernate throws when a row to update or delete is gone (the files_owner 500s of issue 11)
                new OptimisticLockException("Unexpected row count", new StaleObjectStateException("FileOwnerRecord", "id")),
                new PessimisticLockException("lock"),
                new LockTimeoutException("timeout"),
                new PersistenceException("flush", new ConstraintViolationException("duplicate",
                        new SQLException("duplicate key", "23505"), "files_file_location")),
                new PersistenceException("deadlock", new SQLException("deadlock detected", "40P01")),
                new PersistenceException("serialization", new SQLException("could not serialize access", "40001")),
                new PersistenceException("lock timeout (H2)", new SQLException("Timeout trying to lock table", "HYT00")),
                new PersistenceException("lock not available", new SQLException("canceling statement due to lock timeout", "55P03")),
                new PersistenceException("H2 concurrent update", new SQLException("Concurrent update", "90131")),
                new RuntimeException("wrapped", new PersistenceException("fk", new SQLException("violates foreign key", "23503"))));
        for (Throwable failure : raced) {
            PortalException conflict = DatabaseFailures.conflict(failure);
            assertThat(conflict).as("%s", failure).isNotNull();
            assertThat(conflict.kind()).isEqualTo(ErrorKind.CONFLICT);
            assertThat(conflict.getMessage()).isEqualTo("The change conflicts with a concurrent change of the same data; try again")
                    .doesNotContain("Exception").doesNotContain("files_");
            assertThat(conflict.getCause()).isSameAs(failure);
        }
    }

    @Test
    void otherFailuresStayWhatTheyAre() {
        for (Throwable failure : List.of(new PersistenceException("syntax", new SQLException("syntax error", "42601")),
                new PersistenceException("not null", new SQLException("null value", "23502")),
                new IllegalStateException("bug"), PortalException.notFound("gone"),
                new SQLException("no state"))) {
            assertThat(DatabaseFailures.conflict(failure)).as("%s", failure).isNull();
        }
    }
}
