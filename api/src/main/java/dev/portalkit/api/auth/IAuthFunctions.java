package dev.portalkit.api.auth;

import java.util.Map;

/**
 * Extension point: contribute auth functions ({@link #authFunctions()}, replacing core ones of
 * the same name) and overrides that wrap existing ones ({@link #chainedAuthFunctions()}).
 */
public interface IAuthFunctions {
    default Map<String, AuthFunction> authFunctions() {
        return Map.of();
    }

    default Map<String, ChainedAuthFunction> chainedAuthFunctions() {
        return Map.of();
    }
}
