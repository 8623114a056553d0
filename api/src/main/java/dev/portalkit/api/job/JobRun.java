package dev.portalkit.api.job;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/** What a {@link JobHandler} is given when its job runs. */
public interface JobRun {
    /** The job's id (as returned by {@link JobQueue#enqueue}). */
    String jobId();

    /** The queue the job was taken from. */
    String queue();

    /** The job's payload. */
    Map<String, Object> payload();

    /** 1 for the first attempt, then 2, 3, ... */
    int attempt();

    /**
     * A context to call actions with, inside the job's own transaction: it acts for the user who
     * enqueued the job (anonymous when none), with {@code ignore_auth} set, since the enqueuing
     * call was authorised already. It may enqueue further jobs ({@link ActionContext#jobs()}).
     */
    ActionContext context();
}
