package dev.portalkit.runtime.action;

import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.task.Task;
import java.util.List;
import java.util.Optional;

/**
 * What the dispatcher needs of the post-commit task queue (the task runner implements it): the
 * tasks an action queued are written inside its transaction, and their batches run after the
 * outermost commit.
 */
public interface TaskOutbox {
    /** Writes one action's queued tasks inside the current transaction; returns the batch id. */
    String enqueue(String actionName, Object actionResult, Optional<UserRef> user, List<Task> tasks);

    /** Runs the given batches, just committed, in order. */
    void runBatches(List<String> batchIds);
}
