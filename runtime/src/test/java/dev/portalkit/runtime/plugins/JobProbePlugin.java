package dev.portalkit.runtime.plugins;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.job.IJobs;
import dev.portalkit.api.job.JobHandler;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test plugin for background jobs: actions that enqueue jobs (and one whose post-commit task
 * hands work to a job), and a job handler that records each run in memory and in a table whose
 * primary key is the job id (a second committed run of one job fails). State is static.
 */
@ApplicationScoped
public class JobProbePlugin implements PortalPlugin, IActions, IAuthFunctions, IJobs, ITasks, IMigrations {
    /** Labels of job runs, in the order they ran ("label|attempt|user"). */
    public static final List<String> RAN = new CopyOnWriteArrayList<>();
    /** Remaining failures per label. */
    public static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();
    /** Runs inside probe_enqueue after it enqueued (e.g. a look from another connection); null: nothing. */
    public static volatile Runnable duringEnqueue;
    /** Runs at the start of a job with the label "block" (e.g. waits on a latch); null: nothing. */
    public static volatile Runnable whenBlocking;
    /** Runs at the start of a probe_handoff_task with the label "block"; null: nothing. */
    public static volatile Runnable whenTaskBlocking;

    public static void reset() {
        RAN.clear();
        FAILURES.clear();
        duringEnqueue = null;
        whenBlocking = null;
        whenTaskBlocking = null;
    }

    @Override
    public String name() {
        return "jobprobe";
    }

    @Override
    public String migrationLocation() {
        return "db/migration/jobprobe";
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Action> actions() {
        return Map.of(
                // Enqueues one job per label (on "queue", default "default"); fails afterwards when asked.
                "probe_enqueue", (ctx, data) -> {
                    List<String> ids = new ArrayList<>();
                    String queue = (String) data.getOrDefault("queue", "default");
                    for (Object label : (List<Object>) data.getOrDefault("labels", List.of())) {
                        ids.add(ctx.jobs().enqueue(queue, "probe", "probe " + label, Map.of("label", label)));
                    }
                    Runnable during = duringEnqueue;
                    if (during != null) {
                        during.run();
                    }
                    if (Boolean.TRUE.equals(data.get("fail"))) {
                        throw PortalException.badRequest("failing on purpose after enqueueing");
                    }
                    return ids;
                },
                // Queues a post-commit task that hands work to a job.
                "probe_handoff", Action.withTaskQueue((ctx, data) -> {
                    ctx.tasks().add("probe_handoff_task", Map.of("label", data.getOrDefault("label", "handed")));
                    return Map.of("queued", true);
                }));
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        return Map.of(
                "probe_enqueue", (ctx, data) -> AuthResult.allow(),
                "probe_handoff", (ctx, data) -> AuthResult.allow());
    }

    @Override
    public Map<String, TaskHandler> taskHandlers() {
        return Map.of("probe_handoff_task", run -> {
            Runnable blocking = whenTaskBlocking;
            if ("block".equals(run.payload().get("label")) && blocking != null) {
                blocking.run();
            }
            return run.context().jobs().enqueue("probe", Map.of("label", run.payload().get("label")));
        });
    }

    @Override
    public Map<String, JobHandler> jobHandlers() {
        return Map.of("probe", run -> {
            String label = String.valueOf(run.payload().get("label"));
            if ("block".equals(label) && whenBlocking != null) {
                whenBlocking.run();
            }
            AtomicInteger failures = FAILURES.get(label);
            if (failures != null && failures.getAndDecrement() > 0) {
                throw new IllegalStateException("job " + label + " fails on purpose");
            }
            try (PreparedStatement ps = run.context().jdbc().prepareStatement(
                    "INSERT INTO jobprobe_run (job_id, label, attempt) VALUES (?, ?, ?)")) {
                ps.setString(1, run.jobId());
                ps.setString(2, label);
                ps.setInt(3, run.attempt());
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot record the run of job " + run.jobId() + ": " + e.getMessage(), e);
            }
            RAN.add(label + "|" + run.attempt() + "|" + run.context().user().map(u -> u.name()).orElse("-"));
            return Map.of("label", label, "attempt", run.attempt(), "queue", run.queue());
        });
    }
}
