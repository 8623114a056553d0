package dev.portalkit.api.web;

/**
 * Extension point: the plugin's own pages (CKAN's {@code IBlueprint}). Paths are matched before
 * the core's pages, so a plugin may also replace a core page. {@code GET} handlers must not
 * change state; every {@code POST} is checked for the CSRF token before the handler runs (a form
 * carries it as the hidden field {@code _csrf_token}, which {@code {{ csrf_field() }}} prints).
 */
public interface IBlueprint {
    /** Adds this plugin's routes. */
    void routes(Routes routes);
}
