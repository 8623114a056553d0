package dev.portalkit.api.task;

import java.util.Map;

/**
 * The post-commit task queue of the running action ({@code ActionContext.tasks()}).
 *
 * <p>Semantics:
 * <ul>
 *   <li>Tasks are written to an outbox table inside the action's transaction: if the action fails
 *       or rolls back, they vanish with it; once it commits, they are durable.</li>
 *   <li>After the outermost transaction commits, the tasks run in the order they were added,
 *       each in a transaction of its own, given the result of the action that queued them, their
 *       index in that action's queue and the previous task's result.</li>
 *   <li>A task that throws is retried ({@code portal.tasks.max_attempts}, default 3, with
 *       backoff {@code portal.tasks.retry_delay} seconds doubling each attempt); later tasks of the same
 *       queue wait for it. When the attempts are used up the task and the rest of its queue are
 *       marked {@code failed} with the error, for an operator to see ({@code portalkit tasks}).</li>
 *   <li>Tasks still pending after a crash run when the portal starts again.</li>
 * </ul>
 * The action's own response is not changed by a failing task: its transaction has committed.
 */
public interface TaskQueue {
    void add(Task task);

    default void add(String type, Map<String, Object> payload) {
        add(new Task(type, payload));
    }
}
