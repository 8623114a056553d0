package dev.portalkit.integration.health;

import dev.portalkit.runtime.job.JobRecord;
import dev.portalkit.runtime.task.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the post-commit task outbox and the job queue can be read. Data: how many tasks are
 * pending and failed (the count {@code /metrics} shows too, {@link dev.portalkit.runtime.task.TaskRunner#countByStatus}, within the probe deadline),
 * how many jobs are queued and failed ({@link dev.portalkit.runtime.job.JobRunner#countByStatus}; counts, not a verdict: failed tasks wait for an operator and
 * do not turn the node DOWN).
 */
@Readiness
@ApplicationScoped
public class TaskQueueHealthCheck extends ProbedCheck {
    @Override
    String name() {
        return "tasks";
    }

    @Override
    Map<String, Object> measure() {
        Map<String, Object> data = new LinkedHashMap<>();
        if (portal.transactions() == null) {
            data.put("database", "none");
            return data;
        }
        Map<String, Long> tasks = portal.tasks().countByStatus(PortalHealth.PROBE_TIMEOUT);
        Map<String, Long> jobs = portal.jobs().countByStatus(PortalHealth.PROBE_TIMEOUT);
        data.put("tasks_pending", tasks.getOrDefault(TaskRecord.PENDING, 0L));
        data.put("tasks_failed", tasks.getOrDefault(TaskRecord.FAILED, 0L));
        data.put("jobs_queued", jobs.getOrDefault(JobRecord.QUEUED, 0L));
        data.put("jobs_failed", jobs.getOrDefault(JobRecord.FAILED, 0L));
        return data;
    }
}
