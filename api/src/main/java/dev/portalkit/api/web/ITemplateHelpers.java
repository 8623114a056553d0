package dev.portalkit.api.web;

import java.util.Map;

/**
 * Extension point: helper functions for templates (CKAN's {@code ITemplateHelpers}). A helper
 * named {@code greeting} is called in a template as {@code {{ greeting("world") }}}. A later
 * plugin's helper of the same name replaces an earlier one only if the name is not taken: two
 * plugins giving one name fail start, naming both (like two plain actions).
 */
public interface ITemplateHelpers {
    /** Helpers by name (letters, digits and underscores; starting with a letter). */
    Map<String, TemplateHelper> templateHelpers();
}
