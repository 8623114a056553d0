package dev.portalkit.api.auth;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/** An auth function with the flags set by {@link AuthFunction}'s wrappers. */
record FlaggedAuthFunction(AuthFunction delegate, boolean appliesToSysadmins, boolean allowsAnonymous) implements AuthFunction {
    FlaggedAuthFunction {
        while (delegate instanceof FlaggedAuthFunction flagged) {
            delegate = flagged.delegate();
        }
    }

    @Override
    public AuthResult check(ActionContext context, Map<String, Object> data) {
        return delegate.check(context, data);
    }
}
