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

/**
 * Auth functions by name, each composed with its overrides (first configured plugin outermost).
 * Sysadmins pass unless some function of the chain applies to them; an action without an auth
 * function is open to sysadmins only.
 */
public final class AuthRegistry {
    private record Chain(AuthFunction function, boolean appliesToSysadmins) {
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
                    chains.put(name, new Chain(fn, forSysadmins));
                });
    }

    public boolean has(String name) {
        return chains.containsKey(name);
    }

    /** Evaluates the named auth function for the context's user; a denial is returned, not thrown. */
    public AuthResult check(String name, ActionContext context, Map<String, Object> data) {
        if (context.ignoreAuth()) {
            return AuthResult.allow();
        }
        Chain chain = chains.get(name);
        boolean sysadmin = context.user().map(u -> u.sysadmin()).orElse(false);
        if (chain == null) {
            return sysadmin ? AuthResult.allow() : AuthResult.deny("Action " + name + " is available to sysadmins only");
        }
        if (sysadmin && !chain.appliesToSysadmins()) {
            return AuthResult.allow();
        }
        AuthResult result = chain.function().check(context, data);
        return result == null ? AuthResult.deny("Not authorized to call " + name) : result;
    }
}
