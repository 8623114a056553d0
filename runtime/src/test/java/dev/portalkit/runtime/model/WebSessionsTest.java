package dev.portalkit.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.WebSessions;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pages' login sessions in the database: a session names its user and CSRF token, only the hash
 * of its token is stored, closing it ends it, a deactivated user's session no longer signs anyone
 * in, and a lifetime under a minute is refused at start naming the key.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class WebSessionsTest extends ModelTestBase {
    @Test
    void aSessionLivesUntilItIsClosedOrItsUserIsDeleted() {
        WebSessions sessions = portal.container().bean(WebSessions.class);
        Optional<UserRef> user = newUser("session-user");
        WebSessions.Session session = sessions.open(user.get());
        assertThat(session.token()).hasSizeGreaterThan(40).isNotEqualTo(session.csrfToken());
        assertThat(sessions.find(session.token())).hasValueSatisfying(s -> {
            assertThat(s.user().name()).isEqualTo(user.get().name());
            assertThat(s.csrfToken()).isEqualTo(session.csrfToken());
        });
        Long clear = portal.portal().inTransaction(() -> portal.portal().transactions().em()
                .createQuery("SELECT COUNT(s) FROM WebSessionRecord s WHERE s.id = :t", Long.class)
                .setParameter("t", session.token()).getSingleResult());
        assertThat(clear).as("the token itself is never stored").isZero();
        assertThat(sessions.find("not-a-session")).isEmpty();
        assertThat(sessions.find("x".repeat(500))).isEmpty();

        sessions.close(session.token());
        assertThat(sessions.find(session.token())).isEmpty();

        WebSessions.Session second = sessions.open(user.get());
        dict("user_delete", SYSADMIN, map("id", user.get().id()));
        assertThat(sessions.find(second.token())).isEmpty();
    }

    @Test
    void aLifetimeUnderAMinuteIsRefusedAtStart() {
        assertThatThrownBy(() -> TestPortal.builder().db(db).option(ModelConfig.SESSION_LIFETIME, "59").start().close())
                .hasMessageContaining("portal.auth.session_lifetime").hasMessageContaining("at least 60");
        assertThatThrownBy(() -> TestPortal.builder().db(db).option(ModelConfig.SESSION_LIFETIME, "6".repeat(30)).start().close())
                .hasMessageContaining("portal.auth.session_lifetime");
    }
}
