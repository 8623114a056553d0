package dev.portalkit.api.web;

import java.util.List;

/**
 * A template helper: called with the template's arguments in order (strings, numbers, booleans,
 * lists, maps or null), returns what the template prints or uses. A returned string is escaped
 * when printed, like any value.
 */
@FunctionalInterface
public interface TemplateHelper {
    Object call(List<Object> arguments);
}
