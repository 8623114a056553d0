package dev.portalkit.runtime;

import dev.portalkit.api.action.UserRef;
import java.util.Optional;

/**
 * Runtime-internal seam between the web pages and the portal model: server-side login sessions.
 * A session is a random token (the cookie's value; only its hash is stored) bound to a user and to
 * a CSRF token that the session's forms carry. Closing a session deletes it, so a copied cookie
 * stops working at once. Implemented by one CDI bean of the portal model.
 */
public interface WebSessions {
    /**
     * The {@code ActionContext.attributes()} key a web registration form sets (to {@code true}) on
     * its {@code user_create} call: {@code portal.auth.create_user_via_web} then decides.
     */
    String VIA_WEB_ATTRIBUTE = "portal.via_web";

    /** A live session: the cookie's value, its user and its CSRF token. */
    record Session(String token, UserRef user, String csrfToken) {
    }

    /** A new session for {@code user}, lasting {@code portal.auth.session_lifetime} from its last use. */
    Session open(UserRef user);

    /** The session of a cookie's value while it lives and its user is active; its last use is recorded. */
    Optional<Session> find(String token);

    /** Ends the session (nothing happens for an unknown token). */
    void close(String token);

    /**
     * The active user with this name (or email) and password, throttled and logged like every
     * credential check; empty for a wrong one.
     *
     * @throws dev.portalkit.api.PortalException TOO_MANY_REQUESTS without checking, after too many failures
     */
    Optional<UserRef> checkPassword(String login, String password, String clientAddress);

    /** The active user with this name, for an authenticator that names its user (a trusted header, SSO). */
    Optional<UserRef> activeUser(String name);
}
