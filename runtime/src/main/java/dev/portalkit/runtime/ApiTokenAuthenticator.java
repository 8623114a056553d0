package dev.portalkit.runtime;

import dev.portalkit.api.action.UserRef;
import java.util.Optional;

/**
 * Runtime-internal seam between the web layer and the portal model: turns the value of an
 * {@code Authorization} header (a raw API token, or {@code Bearer <token>}) into the user it
 * belongs to. Implemented by one CDI bean of the portal model.
 */
public interface ApiTokenAuthenticator {
    /**
     * The {@code ActionContext.attributes()} key under which the web layer puts the client's address
     * (a String), so that actions checking a password (user_update's {@code old_password}) throttle
     * and log by it.
     */
    String CLIENT_ADDRESS_ATTRIBUTE = "portal.client_address";

    /**
     * The token's user; empty when the token is unknown, revoked or its user is not active.
     *
     * @param clientAddress the address the token came from (for throttling and the log of
     *                      failures), or null when unknown
     * @throws dev.portalkit.api.PortalException TOO_MANY_REQUESTS, without checking the token, when
     *                                           that address failed too often lately
     */
    Optional<UserRef> authenticate(String token, String clientAddress);

    /** {@link #authenticate(String, String)} from an unknown address. */
    default Optional<UserRef> authenticate(String token) {
        return authenticate(token, null);
    }
}
