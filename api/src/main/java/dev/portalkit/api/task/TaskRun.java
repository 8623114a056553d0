package dev.portalkit.api.task;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/** What a {@link TaskHandler} is given when its task runs. */
public interface TaskRun {
    /** The result of the action that queued the task (as JSON-friendly data). */
    Object actionResult();

    /** The task's position in its action's queue, from 0. */
    int index();

    /** The result of the previous task of the same queue; {@code null} for the first. */
    Object previousResult();

    /** The task's payload. */
    Map<String, Object> payload();

    /** 1 for the first attempt, then 2, 3, ... */
    int attempt();

    /**
     * A context to call actions with, inside the task's own transaction. It acts for the user
     * who called the original action, with {@code ignore_auth} set: the original call was
     * authorised already.
     */
    ActionContext context();
}
