package dev.portalkit.api.event;

import dev.portalkit.api.action.ActionContext;

/**
 * Extension point: lifecycle hooks, called around every change of a dataset, resource,
 * organization, group or tracked file that the host's actions make (CKAN's
 * {@code IPackageController}, {@code IResourceController}, {@code IGroupController},
 * {@code IOrganizationController}, and ckanext-files' file events). Hooks of enabled plugins run in
 * plugin order ({@code portal.plugins} order, built-ins last); both methods do nothing unless
 * overridden. See {@link EntityEvent} for which change gives which event and what it carries.
 *
 * <h2>{@link #before}: inside the transaction, may refuse</h2>
 * Called inside the action, in its transaction, after the input was validated and before the
 * change is written. Throwing refuses the change: the action fails with that exception and its
 * transaction rolls back, so nothing changes (no row, no stored bytes) and no {@link #after} hook
 * runs for it. Throw a {@link dev.portalkit.api.ValidationException} naming the field to refuse
 * with CKAN's validation error (HTTP 409 with the field's message), or another
 * {@link dev.portalkit.api.PortalException} for its kind's status. The first plugin that throws stops
 * the chain. A before hook cannot change the data: the event is immutable. To change what is
 * written, modify the schema ({@code IDatasetForm}, validators) or chain the action
 * ({@code IActions#chainedActions}): one path for changes and their validation.
 * {@link ActionContext#jdbc()} writes of a before hook commit or roll back with the change.
 *
 * <h2>{@link #after}: after commit, never for a rolled-back change</h2>
 * Called once the transaction of the outermost call that made the change committed; never when it
 * rolled back (a failed action, or an outer call that failed after this action succeeded), so an
 * after hook only ever sees changes that are saved (nor when the database did not confirm the
 * commit: the change may then be saved without its event). Each plugin's hook runs in a new transaction of
 * its own ({@link ActionContext#jdbc()} works; its writes commit when the hook returns, roll back
 * when it throws; actions it calls through {@link ActionContext#call} join it, and their own after
 * events come when it committed). The context is the changing action's (its user and
 * {@code ignore_auth}). A failing after hook cannot undo the change and does not turn the action
 * into an error: the host logs the failure (WARNING, with the plugin, event and stack trace) and
 * calls the next plugin's hook. Delivery is at most once and in the calling thread, before the
 * post-commit tasks of the call run: the event is lost if the process stops between the commit
 * and the hook, and a failed hook is not retried. For work that must happen at least once, queue a
 * post-commit task ({@code ITasks}) from a chained action instead.
 */
public interface IEntityHooks {
    /** Before the change is written; throw to refuse it. */
    default void before(ActionContext context, EntityEvent event) {
    }

    /** After the change committed; failures are logged, not reported to the caller. */
    default void after(ActionContext context, EntityEvent event) {
    }
}
