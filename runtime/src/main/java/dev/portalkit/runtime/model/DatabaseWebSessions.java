package dev.portalkit.runtime.model;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.WebSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The {@link WebSessions} of the portal model, in {@code portal_web_session}. A session lives
 * {@code portal.auth.session_lifetime} seconds from its last use (recorded at most once a minute,
 * so a page view rarely writes); expired rows are deleted when the next session opens.
 */
@ApplicationScoped
public class DatabaseWebSessions implements WebSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TOUCH_AFTER = Duration.ofMinutes(1);

    @Inject
    Portal portal;

    @Inject
    DatabaseApiTokenAuthenticator passwords;

    @Override
    public Session open(UserRef user) {
        String token = random();
        String csrf = random();
        Instant now = Instant.now();
        portal.inTransaction(() -> {
            portal.transactions().em().createQuery("DELETE FROM WebSessionRecord s WHERE s.expiresAt < :now")
                    .setParameter("now", now).executeUpdate();
            WebSessionRecord r = new WebSessionRecord();
            r.id = ApiTokens.hash(token);
            r.userId = user.id();
            r.csrfToken = csrf;
            r.createdAt = now;
            r.lastSeenAt = now;
            r.expiresAt = now.plus(lifetime());
            portal.transactions().em().persist(r);
            return null;
        });
        return new Session(token, user, csrf);
    }

    @Override
    public Optional<Session> find(String token) {
        if (token == null || token.isBlank() || token.length() > 100 || !portal.isStarted()) {
            return Optional.empty();
        }
        String hash = ApiTokens.hash(token);
        Instant now = Instant.now();
        return portal.inTransaction(() -> {
            WebSessionRecord r = portal.transactions().em().find(WebSessionRecord.class, hash);
            if (r == null || !r.expiresAt.isAfter(now)) {
                return Optional.<Session>empty();
            }
            UserRecord u = portal.transactions().em().find(UserRecord.class, r.userId);
            if (u == null || !ModelStore.ACTIVE.equals(u.state)) {
                return Optional.<Session>empty();
            }
            if (r.lastSeenAt.plus(TOUCH_AFTER).isBefore(now)) {
                r.lastSeenAt = now;
                r.expiresAt = now.plus(lifetime());
            }
            return Optional.of(new Session(token, ref(u), r.csrfToken));
        });
    }

    @Override
    public void close(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return;
        }
        String hash = ApiTokens.hash(token);
        portal.inTransaction(() -> portal.transactions().em().createQuery("DELETE FROM WebSessionRecord s WHERE s.id = :id")
                .setParameter("id", hash).executeUpdate());
    }

    @Override
    public Optional<UserRef> checkPassword(String login, String password, String clientAddress) {
        return passwords.authenticatePassword(login, password, clientAddress);
    }

    @Override
    public Optional<UserRef> activeUser(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        return portal.inTransaction(() -> {
            List<UserRecord> users = portal.transactions().em()
                    .createQuery("SELECT u FROM UserRecord u WHERE u.name = :n", UserRecord.class)
                    .setParameter("n", name.strip()).getResultList();
            return users.stream().filter(u -> ModelStore.ACTIVE.equals(u.state)).findFirst().map(DatabaseWebSessions::ref);
        });
    }

    private Duration lifetime() {
        return Duration.ofSeconds(portal.config().integer(ModelConfig.SESSION_LIFETIME));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static UserRef ref(UserRecord u) {
        return new UserRef(u.id, u.name, u.sysadmin);
    }
}
