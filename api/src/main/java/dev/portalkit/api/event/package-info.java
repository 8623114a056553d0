/**
 * The event API: lifecycle hooks around the changes of the portal's entities (datasets, resources,
 * organizations, groups, tracked files), CKAN's {@code IPackageController} / {@code IResourceController}
 * / {@code IGroupController} / {@code IOrganizationController} and ckanext-files' file events. Plugins
 * implement {@link dev.portalkit.api.event.IEntityHooks}; each change is described by one
 * {@link dev.portalkit.api.event.EntityEvent}.
 */
package dev.portalkit.api.event;
