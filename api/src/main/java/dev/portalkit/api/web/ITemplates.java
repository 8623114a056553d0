package dev.portalkit.api.web;

/**
 * Extension point: the plugin's templates and static assets, folders on its own class path (in
 * its jar). A page's template is looked up in the enabled plugins in {@code portal.plugins} order,
 * then in the core; the first found wins. A plugin's template may start with
 * {@code {% ckan_extends %}} to extend the same template one layer down (the next plugin that has
 * it, else the core's) and override only some of its blocks.
 *
 * <p>Assets are served at {@code /assets/<path>}, looked up in the same order (a plugin may
 * replace a core asset, such as {@code portal.css}).
 */
public interface ITemplates {
    /** The class-path folder of this plugin's templates ({@code templates} by default). */
    default String templateDirectory() {
        return "templates";
    }

    /** The class-path folder of this plugin's static assets ({@code public} by default). */
    default String publicDirectory() {
        return "public";
    }
}
