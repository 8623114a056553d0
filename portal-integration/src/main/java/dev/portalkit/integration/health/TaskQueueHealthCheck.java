package dev.portalkit.integration.health;

import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.job.JobRecord;
import dev.portalkit.runtime.task.TaskRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the post-commit task outbox and the job queue can be read. Data: how many tasks are
 * pending and failed, how many jobs are queued and failed (counts, not a verdict: failed tasks
 * wait for an operator and do not turn the node DOWN).
 */
@Readiness
@ApplicationScoped
public class TaskQueueHealthCheck implements HealthCheck {
    @Inject
    Portal portal;

    @Inject
    PortalHealth health;

    private TimedProbe probe;

    @Override
    public HealthCheckResponse call() {
        return probe().call();
    }

    private synchronized TimedProbe probe() {
        if (probe == null) {
            probe = new TimedProbe("tasks", PortalHealth.PROBE_TIMEOUT, PortalHealth.PROBE_CACHE, this::count, health.probeThreads());
        }
        return probe;
    }

    private Map<String, Object> count() {
        if (!portal.isStarted()) {
            throw new IllegalStateException("the portal is not started");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (portal.transactions() == null) {
            data.put("database", "none");
            return data;
        }
        Map<String, Long> tasks = counts("select t.status, count(t) from TaskRecord t where t.status in :s group by t.status",
                List.of(TaskRecord.PENDING, TaskRecord.FAILED));
        Map<String, Long> jobs = counts("select j.status, count(j) from JobRecord j where j.status in :s group by j.status",
                List.of(JobRecord.QUEUED, JobRecord.FAILED));
        data.put("tasks_pending", tasks.getOrDefault(TaskRecord.PENDING, 0L));
        data.put("tasks_failed", tasks.getOrDefault(TaskRecord.FAILED, 0L));
        data.put("jobs_queued", jobs.getOrDefault(JobRecord.QUEUED, 0L));
        data.put("jobs_failed", jobs.getOrDefault(JobRecord.FAILED, 0L));
        return data;
    }

    private Map<String, Long> counts(String query, List<String> statuses) {
        return portal.transactions().required(() -> {
            Map<String, Long> out = new LinkedHashMap<>();
            for (Object[] row : portal.transactions().em().createQuery(query, Object[].class).setParameter("s", statuses)
                    .setHint("jakarta.persistence.query.timeout", (int) PortalHealth.PROBE_TIMEOUT.toMillis()).getResultList()) {
                out.put((String) row[0], ((Number) row[1]).longValue());
            }
            return out;
        });
    }
}
