package dev.portalkit.api.action;

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
     * Marks an action as having its own task queue: tasks added while it runs are given its
     * result and run after the outermost transaction commits.
     */
    static Action withTaskQueue(Action action) {
        return new FlaggedAction(action, true, action.sideEffectFree(), action.acceptsUploads());
    }

    /** Marks an action as only reading (CKAN's {@code side_effect_free}): it may be called with {@code GET}. */
    static Action sideEffectFree(Action action) {
        return new FlaggedAction(action, action.supportsTasks(), true, action.acceptsUploads());
    }

    /** Marks an action as taking file parts ({@code multipart/form-data} uploads). */
    static Action acceptingUploads(Action action) {
        return new FlaggedAction(action, action.supportsTasks(), action.sideEffectFree(), true);
    }
}
