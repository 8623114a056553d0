package dev.portalkit.api.auth;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/**
 * A permission check, named like the action it guards. The host calls it before the action
 * (unless {@code ignore_auth}); a denial fails the call with an Authorization Error (HTTP 403).
 *
 * <p>Sysadmins pass without calling the function, unless it {@link #appliesToSysadmins()}
 * (wrap it with {@link #forSysadminsToo(AuthFunction)}). An action without any auth function is
 * open to sysadmins only.
 *
 * <p>Anonymous callers are refused without calling the function ("Action NAME requires an
 * authenticated user"), unless it {@link #allowsAnonymous()} (wrap it with
 * {@link #allowAnonymous(AuthFunction)}, CKAN's {@code auth_allow_anonymous_access}). Because
 * that needs no request data, the API refuses an anonymous request to such an action before it
 * reads the request's body.
 */
@FunctionalInterface
public interface AuthFunction {
    AuthResult check(ActionContext context, Map<String, Object> data);

    /** True when sysadmins are checked too instead of passing outright. */
    default boolean appliesToSysadmins() {
        return false;
    }

    /** True when anonymous callers are checked by the function instead of being refused outright. */
    default boolean allowsAnonymous() {
        return false;
    }

    /** Returns {@code function} marked to apply to sysadmins as well. */
    static AuthFunction forSysadminsToo(AuthFunction function) {
        return new FlaggedAuthFunction(function, true, function.allowsAnonymous());
    }

    /** Returns {@code function} marked to be asked about anonymous callers too (CKAN's {@code auth_allow_anonymous_access}). */
    static AuthFunction allowAnonymous(AuthFunction function) {
        return new FlaggedAuthFunction(function, function.appliesToSysadmins(), true);
    }
}
