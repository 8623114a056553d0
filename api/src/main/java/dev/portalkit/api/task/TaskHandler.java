package dev.portalkit.api.task;

/**
 * Runs tasks of one type. Return a JSON-friendly result (handed to the next task as its
 * {@link TaskRun#previousResult()}); throw to have the task retried.
 * Handlers should be idempotent: a crash after the task's work but before its completion was
 * recorded runs it again.
 */
@FunctionalInterface
public interface TaskHandler {
    Object run(TaskRun run);
}
