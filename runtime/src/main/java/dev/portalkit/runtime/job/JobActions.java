package dev.portalkit.runtime.job;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The job actions, sysadmins only, as CKAN has them: {@code job_list}, {@code job_show},
 * {@code job_cancel}, {@code job_clear}.
 */
public final class JobActions {
    /** Largest {@code limit} of job_list. */
    public static final int MAX_LIST = 1000;
    private static final int DEFAULT_LIST = 100;

    private final Supplier<JobRunner> jobs;

    /** @param jobs the started portal's job queue (looked up per call: the core plugin exists before the portal starts) */
    public JobActions(Supplier<JobRunner> jobs) {
        this.jobs = jobs;
    }

    public Map<String, Action> actions() {
        Map<String, Action> actions = new LinkedHashMap<>();
        actions.put("job_list", Action.sideEffectFree((ctx, data) -> {
            List<String> queues = queues(data.get("queues"));
            Object status = data.get("status");
            List<String> statuses;
            if (status == null || "".equals(status)) {
                statuses = List.of(JobRecord.QUEUED, JobRecord.RUNNING);
            } else if (status instanceof String s && JobRecord.STATUSES.contains(s)) {
                statuses = List.of(s);
            } else {
                throw ValidationException.of("status", "Must be one of " + String.join(", ", JobRecord.STATUSES));
            }
            int limit = limit(data.get("limit"));
            List<Map<String, Object>> out = new ArrayList<>();
            for (JobRecord job : jobs.get().list(queues, statuses, limit)) {
                out.add(JobRunner.dictize(job, false));
            }
            return out;
        }));
        actions.put("job_show", Action.sideEffectFree((ctx, data) -> JobRunner.dictize(jobs.get().show(id(data)), true)));
        actions.put("job_cancel", (ctx, data) -> JobRunner.dictize(jobs.get().cancel(id(data)), true));
        actions.put("job_clear", (ctx, data) -> jobs.get().clear(queues(data.get("queues"))));
        return actions;
    }

    public static Map<String, AuthFunction> authFunctions() {
        Map<String, AuthFunction> auth = new LinkedHashMap<>();
        for (String name : List.of("job_list", "job_show", "job_cancel", "job_clear")) {
            auth.put(name, (ctx, data) -> AuthResult.deny("Only sysadmins may use " + name));
        }
        return auth;
    }

    private static String id(Map<String, Object> data) {
        Object id = data.get("id");
        if (id == null || "".equals(id)) {
            throw ValidationException.of("id", "Missing value");
        }
        if (!(id instanceof String s) || s.length() > 100) {
            throw ValidationException.of("id", "Must be a job id");
        }
        return s;
    }

    private static List<String> queues(Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> given = value instanceof String s ? List.of(s) : value instanceof List<?> l ? l : null;
        if (given == null || given.size() > 100) {
            throw ValidationException.of("queues", "Must be a list of queue names");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Object q : given) {
            names.add(JobRunner.checkQueueName(q, "queues"));
        }
        return List.copyOf(names);
    }

    private static int limit(Object value) {
        if (value == null || "".equals(value)) {
            return DEFAULT_LIST;
        }
        long n;
        if (value instanceof Integer || value instanceof Long) {
            n = ((Number) value).longValue();
        } else if (value instanceof String s && s.strip().matches("\\d{1,9}")) {
            n = Long.parseLong(s.strip());
        } else {
            throw ValidationException.of("limit", "Must be a whole number");
        }
        if (n < 1 || n > MAX_LIST) {
            throw ValidationException.of("limit", "Must be from 1 to " + MAX_LIST);
        }
        return (int) n;
    }
}
