package dev.portalkit.integration.web;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Authorization} header of an API request: absent or blank means anonymous; a raw API
 * token or {@code Bearer <token>} must belong to a user, else the request is refused (403) before
 * anything runs. Without an {@link ApiTokenAuthenticator} bean every token is invalid. The
 * authenticator throttles and logs failures by the client's address (429 with {@code Retry-After}
 * after too many).
 */
public final class ApiTokens {
    private ApiTokens() {
    }

    /** What a request presents: its {@code Authorization} header (or null) and the client's address (or null). */
    public record Credentials(String authorization, String clientAddress) {
    }

    public static Optional<UserRef> user(Credentials credentials, Optional<ApiTokenAuthenticator> authenticator) {
        String authorization = credentials.authorization();
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        String token = authorization.trim();
        if (token.length() >= 7 && token.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            token = token.substring(7).trim();
        }
        if (token.isEmpty() || authenticator.isEmpty()) {
            throw invalid();
        }
        return authenticator.get().authenticate(token, credentials.clientAddress()).map(Optional::of).orElseThrow(ApiTokens::invalid);
    }

    private static PortalException invalid() {
        return PortalException.denied("Invalid API token");
    }
}
