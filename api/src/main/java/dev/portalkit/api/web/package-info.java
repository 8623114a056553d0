/**
 * The web face's extension points: what a plugin adds to the portal's HTML pages.
 *
 * <ul>
 *   <li>{@link ITemplates}: a template folder and a static-asset folder in the plugin's jar. A
 *       template found in several plugins is taken from the first in {@code portal.plugins}
 *       order, then the core's; {@code {% ckan_extends %}} in a plugin's template extends the
 *       same template one layer down (CKAN's {@code IConfigurer.update_config} with
 *       {@code add_template_directory}, and {@code ckan_extends}).</li>
 *   <li>{@link ITemplateHelpers}: functions templates call by name (CKAN's {@code ITemplateHelpers},
 *       called as {@code h.name(...)} in CKAN and {@code name(...)} here).</li>
 *   <li>{@link IBlueprint}: a plugin's own pages at its own paths (CKAN's {@code IBlueprint});
 *       handlers call actions through {@link PageRequest#context()}, so pages and the API share one
 *       path for validation and auth.</li>
 *   <li>{@link IAuthenticator}: who a browser request is (CKAN's {@code IAuthenticator}): the
 *       built-in password login and API tokens come after the plugins' authenticators.</li>
 * </ul>
 * Templates are <a href="https://pebbletemplates.io/">Pebble</a> (Jinja-like, autoescaping).
 */
package dev.portalkit.api.web;
