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
 */
@FunctionalInterface
public interface AuthFunction {
    AuthResult check(ActionContext context, Map<String, Object> data);

    /** True when sysadmins are checked too instead of passing outright. */
    default boolean appliesToSysadmins() {
        return false;
    }

    /** Returns {@code function} marked to apply to sysadmins as well. */
    static AuthFunction forSysadminsToo(AuthFunction function) {
        return new AuthFunction() {
            @Override
            public AuthResult check(ActionContext context, Map<String, Object> data) {
                return function.check(context, data);
            }

            @Override
            public boolean appliesToSysadmins() {
                return true;
            }
        };
    }
}
