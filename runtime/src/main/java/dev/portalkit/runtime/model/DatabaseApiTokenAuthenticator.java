package dev.portalkit.runtime.model;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.db.RowCache;
import dev.portalkit.runtime.db.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    /** The columns the answer needs (not the user entity, which would be built, snapshotted and flush-checked). */
    private static final String TOKEN_USER = "SELECT u.id, u.name, u.sysadmin FROM portal_api_token t"
            + " JOIN portal_user u ON u.id = t.user_id WHERE t.token_hash = ? AND u.state = ?";

    @Inject
    Portal portal;

    /** The users of token hashes, and the transactions they were made for (a portal started again makes another). */
    private volatile TokenCache cache;

    private record TokenCache(Transactions transactions, RowCache<UserRef> users) {
    }

    private RowCache<UserRef> tokens() {
        Transactions transactions = portal.transactions();
        TokenCache c = cache;
        if (c == null || c.transactions() != transactions) {
            c = new TokenCache(transactions, transactions.cache(null, "portal_api_token", "portal_user"));
            cache = c;
        }
        return c.users();
    }

    @Override
    public Optional<UserRef> authenticate(String authorizationHeader, String clientAddress) {
        Optional<String> token = ApiTokens.fromHeader(authorizationHeader);
        if (token.isEmpty() || !portal.isStarted() || portal.transactions() == null) {
            return Optional.empty();
        }
        AuthenticationThrottle throttle = ModelPlugin.of(portal).throttle();
        throttle.check(clientAddress, null);
        String hash = ApiTokens.hash(token.get());
        // Plain JDBC, no entity manager: on the download route this runs before the deferred transaction
        // opens one (Transactions#deferred). Kept by hash while no token or user changes (a token revoked or a
        // user blocked, demoted or renamed forgets them all: see RowChanges for when other nodes learn of it).
        Optional<UserRef> user = Optional.ofNullable(portal.transactions().cached(tokens(), hash, (c, h) -> {
            try (PreparedStatement q = c.prepareStatement(TOKEN_USER)) {
                q.setString(1, h);
                q.setString(2, ModelStore.ACTIVE);
                try (ResultSet r = q.executeQuery()) {
                    return r.next() ? new UserRef(r.getString(1), r.getString(2), r.getBoolean(3)) : null;
                }
            }
        }));
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
