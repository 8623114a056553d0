package dev.portalkit.integration.pages;

import dev.portalkit.integration.web.WebIdentity;
import dev.portalkit.runtime.Portal;

/**
 * The core's pages, at CKAN's URLs: registered on the same {@link Router} as the plugins'
 * blueprints, after them. Each area is one class: datasets and resources, organizations, groups,
 * users, files.
 */
final class CorePages {
    private final Portal portal;
    private final PageTemplates templates;
    private final WebIdentity identities;

    CorePages(Portal portal, PageTemplates templates, WebIdentity identities) {
        this.portal = portal;
        this.templates = templates;
        this.identities = identities;
    }

    void routes(Router router) {
        new DatasetPages(portal, templates).routes(router);
        new GroupPages(portal, templates, "organization").routes(router);
        new GroupPages(portal, templates, "group").routes(router);
        new UserPages(portal, templates, identities).routes(router);
        new FilePages(portal).routes(router);
    }
}
