package dev.portalkit.api.action;

import dev.portalkit.api.validation.Schema;
import java.util.Map;

/**
 * A named action: {@code (context, data) -> result}. Results must be JSON-friendly values
 * (maps, lists, strings, numbers, booleans, null).
 *
 * <p>Before an action runs, the host checks the auth function of the same name (unless
 * {@link ActionContext#ignoreAuth()}). Actions run inside one database transaction opened by
 * the outermost call; nested calls through {@link ActionContext#call} join it.
 *
 * <p>Three flags tell the host how an action may be called over HTTP; each is off unless the
 * action is registered wrapped with the matching method, and the wrappers combine
 * ({@code Action.sideEffectFree(Action.withTaskQueue(fn))} is not useful, but legal):
 * <ul>
 *   <li>{@link #withTaskQueue(Action)}: the action and the validators it runs may queue
 *       post-commit tasks (the seed's {@code with_task_queue});</li>
 *   <li>{@link #sideEffectFree(Action)}: the action only reads, so it may be called with
 *       {@code GET} (CKAN's {@code side_effect_free}); every other action answers {@code GET} and
 *       {@code HEAD} with 405 and runs only for {@code POST};</li>
 *   <li>{@link #acceptingUploads(Action)}: a {@code multipart/form-data} request to the action may
 *       carry file parts, handed to it as {@link dev.portalkit.api.files.Upload}s; any other
 *       action refuses a file part (400) before reading its bytes.</li>
 * </ul>
 *
 * <p>Two more wrappers describe the action, for {@code help_show} and the API description served
 * at {@code /api/openapi.json}; they change nothing in how it runs:
 * <ul>
 *   <li>{@link #documented(String, Action)}: its documentation (CKAN's docstring);</li>
 *   <li>{@link #validating(String, Action)} / {@link #validating(Schema, Action)}: the schema its
 *       data is validated against (the action still calls {@link ActionContext#validate} itself).</li>
 * </ul>
 * Wrappers keep what the wrapped action had, in any order:
 * {@code Action.documented("...", Action.validating(SCHEMA, Action.sideEffectFree(fn)))}.
 */
@FunctionalInterface
public interface Action {
    Object call(ActionContext context, Map<String, Object> data);

    /** Whether {@link ActionContext#tasks()} may be used during this action. */
    default boolean supportsTasks() {
        return false;
    }

    /** Whether the action only reads, so that the API may run it for a {@code GET} request. */
    default boolean sideEffectFree() {
        return false;
    }

    /** Whether a request to this action may carry file parts. */
    default boolean acceptsUploads() {
        return false;
    }

    /**
     * The action's documentation, as CKAN's action docstring: what it does, its parameters, what it
     * returns and who may call it. Plain text, the first line a one-line summary. {@code help_show}
     * returns it, and the API description uses it for the operation. Empty when undocumented.
     */
    default String documentation() {
        return "";
    }

    /**
     * The name of the effective schema the action validates its data with (one that plugins may
     * change, such as {@code "package_create"}: see {@link ActionContext#validate(String, Map)}),
     * or {@code null}. Takes precedence over {@link #schema()}.
     */
    default String schemaName() {
        return null;
    }

    /** The schema the action validates its data with, when it is not a named one; else {@code null}. */
    default Schema schema() {
        return null;
    }

    /**
     * Marks an action as having its own task queue: tasks added while it runs are given its
     * result and run after the outermost transaction commits.
     */
    static Action withTaskQueue(Action action) {
        return FlaggedAction.of(action, true, action.sideEffectFree(), action.acceptsUploads());
    }

    /** Marks an action as only reading (CKAN's {@code side_effect_free}): it may be called with {@code GET}. */
    static Action sideEffectFree(Action action) {
        return FlaggedAction.of(action, action.supportsTasks(), true, action.acceptsUploads());
    }

    /** Marks an action as taking file parts ({@code multipart/form-data} uploads). */
    static Action acceptingUploads(Action action) {
        return FlaggedAction.of(action, action.supportsTasks(), action.sideEffectFree(), true);
    }

    /** Gives an action its {@link #documentation()} (replacing any it had). */
    static Action documented(String documentation, Action action) {
        FlaggedAction a = FlaggedAction.of(action, action.supportsTasks(), action.sideEffectFree(), action.acceptsUploads());
        return new FlaggedAction(a.delegate(), a.supportsTasks(), a.sideEffectFree(), a.acceptsUploads(),
                documentation == null ? "" : documentation.strip(), a.schemaName(), a.schema());
    }

    /** Declares that the action validates its data with the named effective schema ({@link #schemaName()}). */
    static Action validating(String schemaName, Action action) {
        FlaggedAction a = FlaggedAction.of(action, action.supportsTasks(), action.sideEffectFree(), action.acceptsUploads());
        return new FlaggedAction(a.delegate(), a.supportsTasks(), a.sideEffectFree(), a.acceptsUploads(), a.documentation(), schemaName, null);
    }

    /** Declares that the action validates its data with {@code schema} ({@link #schema()}). */
    static Action validating(Schema schema, Action action) {
        FlaggedAction a = FlaggedAction.of(action, action.supportsTasks(), action.sideEffectFree(), action.acceptsUploads());
        return new FlaggedAction(a.delegate(), a.supportsTasks(), a.sideEffectFree(), a.acceptsUploads(), a.documentation(), null, schema);
    }
}
