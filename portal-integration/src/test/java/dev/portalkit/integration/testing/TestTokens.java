package dev.portalkit.integration.testing;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.testing.TestPortal;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.Optional;

/**
 * Fixed API tokens for the in-process HTTP tests. An enabled alternative, so it also wins over
 * the portal model's real authenticator once that is on the class path.
 */
@Alternative
@Priority(1000)
@ApplicationScoped
public class TestTokens implements ApiTokenAuthenticator {
    public static final String ALICE = "alice-token";
    public static final String SYSADMIN = "sysadmin-token";

    private static final Map<String, UserRef> USERS = Map.of(
            ALICE, TestPortal.ALICE.orElseThrow(),
            SYSADMIN, TestPortal.SYSADMIN.orElseThrow());

    @Override
    public Optional<UserRef> authenticate(String token) {
        return Optional.ofNullable(USERS.get(token));
    }
}
