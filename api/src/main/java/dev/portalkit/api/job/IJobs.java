package dev.portalkit.api.job;

import java.util.Map;

/**
 * Extension point: background job handlers by job type (like {@link dev.portalkit.api.task.ITasks}
 * for post-commit tasks). A type may be handled by one enabled plugin only. Workers run a job with
 * the handler of its type in their own process, so the plugin must be enabled there too.
 */
public interface IJobs {
    Map<String, JobHandler> jobHandlers();
}
