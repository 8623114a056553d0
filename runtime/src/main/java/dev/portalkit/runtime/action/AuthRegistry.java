package dev.portalkit.runtime.action;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.ChainedAuthFunction;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Auth functions by name, each composed with its overrides (first configured plugin outermost).
 * Sysadmins pass unless some function of the chain applies to them; an action without an auth
 * function is open to sysadmins only.
 */
public final class AuthRegistry {
    private record Chain(AuthFunction function, boolean appliesToSysadmins, boolean allowsAnonymous) {
    }

    private final Map<String, Chain> chains = new LinkedHashMap<>();

    public AuthRegistry(PluginSet plugins) {
        Contributions.collect(plugins.implementing(IAuthFunctions.class), IAuthFunctions::authFunctions,
                IAuthFunctions::chainedAuthFunctions, "auth function").forEach((name, entry) -> {
                    AuthFunction fn = entry.base();
                    List<ChainedAuthFunction> wrappers = entry.wrappers();
                    for (int i = wrappers.size() - 1; i >= 0; i--) {
                        ChainedAuthFunction wrapper = wrappers.get(i);
                        AuthFunction next = fn;
                        fn = (ctx, data) -> wrapper.check(next, ctx, data);
                    }
                    boolean forSysadmins = entry.base().appliesToSysadmins()
                            || wrappers.stream().anyMatch(ChainedAuthFunction::appliesToSysadmins);
                    boolean forAnonymous = entry.base().allowsAnonymous()
                            || wrappers.stream().anyMatch(ChainedAuthFunction::allowsAnonymous);
                    chains.put(name, new Chain(fn, forSysadmins, forAnonymous));
                });
    }

    /**
     * What the check of {@code name} answers whatever the data: allowed when auth is ignored or a
     * sysadmin passes outright; refused for a caller who is not a sysadmin when no function guards
     * the action, and for an anonymous caller when the chain does not allow anonymous callers. Empty
     * when the answer depends on the data. The API asks this before it reads a request's body.
     */
    public Optional<AuthResult> decidedWithoutData(String name, ActionContext context) {
        if (context.ignoreAuth()) {
            return Optional.of(AuthResult.allow());
        }
        Chain chain = chains.get(name);
        boolean sysadmin = context.user().map(u -> u.sysadmin()).orElse(false);
        if (chain == null) {
            return Optional.of(sysadmin ? AuthResult.allow() : AuthResult.deny("Action " + name + " is available to sysadmins only"));
        }
        if (sysadmin && !chain.appliesToSysadmins()) {
            return Optional.of(AuthResult.allow());
        }
        if (context.user().isEmpty() && !chain.allowsAnonymous()) {
            return Optional.of(AuthResult.deny("Anonymous user is not authorized to call " + name
                    + ": it requires an authenticated user (send an API token)"));
        }
        return Optional.empty();
    }

    /**
     * {@code function} behind a check that lets sysadmins pass by itself (so that a plugin chaining it
     * {@code forSysadminsToo} still lets them through when it defers), with the function's flags.
     */
    public static AuthFunction sysadminsPass(AuthFunction function) {
        AuthFunction aware = (ctx, data) -> ctx.user().map(u -> u.sysadmin()).orElse(false) ? AuthResult.allow()
                : function.check(ctx, data);
        return function.allowsAnonymous() ? AuthFunction.allowAnonymous(aware) : aware;
    }

    /**
     * Whether the chain of {@code name} is {@code function} itself: registered by its owner and neither
     * chained nor overridden by a plugin. A subsystem that asks its own permission functions may then
     * decide from what it already holds instead of dispatching (same answer, less work).
     */
    public boolean isOnly(String name, AuthFunction function) {
        Chain chain = chains.get(name);
        return chain != null && chain.function() == function;
    }

    public boolean has(String name) {
        return chains.containsKey(name);
    }

    /** Evaluates the named auth function for the context's user; a denial is returned, not thrown. */
    public AuthResult check(String name, ActionContext context, Map<String, Object> data) {
        Optional<AuthResult> early = decidedWithoutData(name, context);
        if (early.isPresent()) {
            return early.get();
        }
        AuthResult result = chains.get(name).function().check(context, data);
        return result == null ? AuthResult.deny("Not authorized to call " + name) : result;
    }
}
