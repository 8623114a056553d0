package dev.portalkit.api.auth;

/**
 * The answer of an auth function.
 *
 * @param allowed whether the call may proceed
 * @param message why not (shown to the client); {@code null} when allowed
 */
public record AuthResult(boolean allowed, String message) {
    private static final AuthResult ALLOWED = new AuthResult(true, null);

    public static AuthResult allow() {
        return ALLOWED;
    }

    public static AuthResult deny(String message) {
        return new AuthResult(false, message);
    }
}
