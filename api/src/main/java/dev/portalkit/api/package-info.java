/**
 * The Portalkit plugin API: everything a plugin author compiles against.
 *
 * <p>A plugin is a jar holding one CDI bean that implements {@link dev.portalkit.api.plugin.PortalPlugin}
 * and any of the extension-point interfaces ({@code I*}) of the sub-packages:
 * <ul>
 *   <li>{@link dev.portalkit.api.action.IActions} – new and chained actions;</li>
 *   <li>{@link dev.portalkit.api.auth.IAuthFunctions} – new and chained auth functions;</li>
 *   <li>{@link dev.portalkit.api.validation.IValidators} – named validators and validator factories;</li>
 *   <li>{@link dev.portalkit.api.validation.IDatasetForm}, {@link dev.portalkit.api.validation.IGroupForm},
 *       {@link dev.portalkit.api.validation.IUserForm} – schema modifiers;</li>
 *   <li>{@link dev.portalkit.api.task.ITasks} – post-commit task handlers;</li>
 *   <li>{@link dev.portalkit.api.job.IJobs} – background job handlers (jobs enqueued with
 *       {@code ActionContext.jobs()}, run later by workers);</li>
 *   <li>{@link dev.portalkit.api.search.ISearchIndex} – a dataset search index replacing the built-in one;</li>
 *   <li>{@link dev.portalkit.api.event.IEntityHooks} – lifecycle hooks before and after (commit of) the
 *       changes of datasets, resources, organizations, groups and files: the event API;</li>
 *   <li>{@link dev.portalkit.api.config.IConfigDeclarations} – declared, validated config options;</li>
 *   <li>{@link dev.portalkit.api.plugin.IMigrations} – the plugin's own database migrations.</li>
 * </ul>
 * Failures are reported with the single exception family {@link dev.portalkit.api.PortalException}.
 */
package dev.portalkit.api;
