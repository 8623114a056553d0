package dev.portalkit.api.files;

/** The answer of an {@link IFiles#isAllowed} hook. */
public enum FilePermission {
    ALLOW,
    DENY,
    /** Let the next hook, then the default rules, decide. */
    NO_OPINION
}
