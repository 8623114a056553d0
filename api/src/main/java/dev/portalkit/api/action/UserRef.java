package dev.portalkit.api.action;

/**
 * The user an action runs for.
 *
 * @param id       the user's id
 * @param name     the user's unique name
 * @param sysadmin whether the user is a sysadmin (passes auth checks unless a check applies to sysadmins)
 */
public record UserRef(String id, String name, boolean sysadmin) {
}
