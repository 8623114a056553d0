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
 * <p>To let the action and the validators it runs queue post-commit tasks, register it wrapped
 * with {@link #withTaskQueue(Action)} (the seed's {@code with_task_queue}).
 */
@FunctionalInterface
public interface Action {
    Object call(ActionContext context, Map<String, Object> data);

    /** Whether {@link ActionContext#tasks()} may be used during this action. */
    default boolean supportsTasks() {
        return false;
    }

    /**
     * Marks an action as having its own task queue: tasks added while it runs are given its
     * result and run after the outermost transaction commits.
     */
    static Action withTaskQueue(Action action) {
        return new Action() {
            @Override
            public Object call(ActionContext context, Map<String, Object> data) {
                return action.call(context, data);
            }

            @Override
            public boolean supportsTasks() {
                return true;
            }
        };
    }
}
