package dev.portalkit.runtime.model;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * The {@link ApiTokenAuthenticator} of the portal model: looks the token's hash up in
 * {@code portal_api_token} and returns its user while that user is active. Also checks
 * passwords, for a web login form. Both go through the portal's {@link AuthenticationThrottle}:
 * refused (TOO_MANY_REQUESTS) without a look at the credential after too many failures, every
 * failure logged.
 */
@ApplicationScoped
public class DatabaseApiTokenAuthenticator implements ApiTokenAuthenticator {
    @Inject
    Portal portal;

    @Override
    public Optional<UserRef> authenticate(String authorizationHeader, String clientAddress) {
        Optional<String> token = ApiTokens.fromHeader(authorizationHeader);
        if (token.isEmpty() || !portal.isStarted() || portal.transactions() == null) {
            return Optional.empty();
        }
        AuthenticationThrottle throttle = ModelPlugin.of(portal).throttle();
        throttle.check(clientAddress, null);
        String hash = ApiTokens.hash(token.get());
        // The columns the answer needs, not the user entity: no entity to build, snapshot and flush-check
        // on every API request (the join of entities was a quarter of a small download's time).
        Optional<UserRef> user = portal.inTransaction(() -> {
            List<Object[]> users = portal.transactions().em().createQuery(
                            "SELECT u.id, u.name, u.sysadmin FROM ApiTokenRecord t, UserRecord u"
                                    + " WHERE u.id = t.userId AND t.tokenHash = :h AND u.state = :active", Object[].class)
                    .setParameter("h", hash).setParameter("active", ModelStore.ACTIVE).setMaxResults(1).getResultList();
            return users.stream().findFirst().map(r -> new UserRef((String) r[0], (String) r[1], Boolean.TRUE.equals(r[2])));
        });
        if (user.isEmpty()) {
            throttle.failed(AuthenticationThrottle.Credential.API_TOKEN, clientAddress, null);
        }
        return user;
    }

    /**
     * The active user with this name (or email) and password; empty otherwise (the failure is
     * counted against the address and the account).
     *
     * @param clientAddress where the attempt came from, or null when unknown
     * @throws AuthenticationThrottle.Throttled without checking the password, when the address or
     *                                          the account failed too often lately
     */
    public Optional<UserRef> authenticatePassword(String nameOrEmail, String password, String clientAddress) {
        if (nameOrEmail == null || password == null || !portal.isStarted() || portal.transactions() == null) {
            return Optional.empty();
        }
        AuthenticationThrottle throttle = ModelPlugin.of(portal).throttle();
        throttle.check(clientAddress, nameOrEmail);
        Optional<UserRef> user = portal.inTransaction(() -> {
            List<UserRecord> users = portal.transactions().em().createQuery(
                            "SELECT u FROM UserRecord u WHERE u.name = :n OR LOWER(u.email) = LOWER(:n)", UserRecord.class)
                    .setParameter("n", nameOrEmail.strip()).getResultList();
            return users.stream()
                    .filter(u -> ModelStore.ACTIVE.equals(u.state) && PasswordHasher.verify(password, u.passwordHash))
                    .findFirst().map(DatabaseApiTokenAuthenticator::ref);
        });
        if (user.isEmpty()) {
            throttle.failed(AuthenticationThrottle.Credential.PASSWORD, clientAddress, nameOrEmail);
        }
        return user;
    }

    private static UserRef ref(UserRecord u) {
        return new UserRef(u.id, u.name, u.sysadmin);
    }
}
