package dev.portalkit.api.auth;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/**
 * Overrides an existing auth function of the same name, with the rest of the chain as
 * {@code next}. Order as for chained actions: the plugin listed first in {@code portal.plugins}
 * is called first.
 *
 * <p>If any function of a chain {@link #appliesToSysadmins()}, sysadmins are checked by the
 * whole chain; if any {@link #allowsAnonymous()}, so are anonymous callers.
 */
@FunctionalInterface
public interface ChainedAuthFunction {
    AuthResult check(AuthFunction next, ActionContext context, Map<String, Object> data);

    default boolean appliesToSysadmins() {
        return false;
    }

    /** True when anonymous callers reach the chain instead of being refused outright (see {@link AuthFunction}). */
    default boolean allowsAnonymous() {
        return false;
    }

    /** Returns {@code function} marked to apply to sysadmins as well. */
    static ChainedAuthFunction forSysadminsToo(ChainedAuthFunction function) {
        return new FlaggedChainedAuthFunction(function, true, function.allowsAnonymous());
    }

    /** Returns {@code function} marked to be asked about anonymous callers too. */
    static ChainedAuthFunction allowAnonymous(ChainedAuthFunction function) {
        return new FlaggedChainedAuthFunction(function, function.appliesToSysadmins(), true);
    }
}
