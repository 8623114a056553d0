package dev.portalkit.runtime;

import dev.portalkit.api.action.UserRef;
import java.util.Optional;

/**
 * Runtime-internal seam between the web layer and the portal model: turns the value of an
 * {@code Authorization} header (a raw API token, or {@code Bearer <token>}) into the user it
 * belongs to. Implemented by one CDI bean of the portal model.
 */
public interface ApiTokenAuthenticator {
    /** The token's user; empty when the token is unknown, revoked or its user is not active. */
    Optional<UserRef> authenticate(String token);
}
