package dev.portalkit.api.auth;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/** A chained auth function with the flags set by {@link ChainedAuthFunction}'s wrappers. */
record FlaggedChainedAuthFunction(ChainedAuthFunction delegate, boolean appliesToSysadmins, boolean allowsAnonymous)
        implements ChainedAuthFunction {
    FlaggedChainedAuthFunction {
        while (delegate instanceof FlaggedChainedAuthFunction flagged) {
            delegate = flagged.delegate();
        }
    }

    @Override
    public AuthResult check(AuthFunction next, ActionContext context, Map<String, Object> data) {
        return delegate.check(next, context, data);
    }
}
