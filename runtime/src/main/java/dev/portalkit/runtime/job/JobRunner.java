package dev.portalkit.runtime.job;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.job.IJobs;
import dev.portalkit.api.job.JobHandler;
import dev.portalkit.api.job.JobQueue;
import dev.portalkit.api.job.JobRun;
import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.action.ActionDispatcher;
import dev.portalkit.runtime.db.Transactions;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The background job queue on the database ({@code portal_job}): enqueues in the caller's
 * transaction (see {@link JobQueue} for what plugin authors rely on), claims jobs for workers,
 * runs them, records their outcome, and answers the operators' list, show, cancel, clear and retry.
 *
 * <p>Claiming: on PostgreSQL the oldest claimable row is selected {@code FOR UPDATE SKIP LOCKED}
 * and marked running in the same transaction, so concurrent workers pass over each other's rows
 * instead of waiting for them. On H2 a few candidates are read and each is marked running by a
 * conditional update (status and lease checked in its WHERE clause) until one update hits.
 * Either way a running job carries its worker's id and a lease ({@code locked_until}) that the
 * worker renews while the job runs; a job whose lease ran out is taken over by another worker.
 */
public final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    private static final Pattern QUEUE_NAME = Pattern.compile("[a-z0-9_-]{1,100}");
    /** Longest title kept. */
    public static final int MAX_TITLE = 200;
    /** Largest payload, as JSON (a job carries references to data, not the data). */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    private static final int MAX_ERROR = 3900;
    /** Candidates read per claim on H2 (each tried with a conditional update). */
    private static final int H2_CANDIDATES = 8;

    /** Settings of the queue ({@code portal.jobs.*}). */
    public record Settings(int maxAttempts, Duration retryDelay, Duration lease, Duration keep) {
        /** The settings the options {@code portal.jobs.*} give. */
        public static Settings of(PortalConfig config) {
            return new Settings(config.integer(CoreConfig.JOBS_MAX_ATTEMPTS), Duration.ofSeconds(config.integer(CoreConfig.JOBS_RETRY_DELAY)),
                    Duration.ofSeconds(config.integer(CoreConfig.JOBS_LEASE)), Duration.ofDays(config.integer(CoreConfig.JOBS_KEEP_DAYS)));
        }
    }

    private final Transactions transactions;
    private final ActionDispatcher dispatcher;
    private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
    private final Settings settings;
    private final Clock clock;
    private final boolean postgres;
    private final Function<Optional<UserRef>, ActionContext> contexts;

    public JobRunner(PluginSet plugins, Transactions transactions, boolean postgres, ActionDispatcher dispatcher,
                     Settings settings, Clock clock, Function<Optional<UserRef>, ActionContext> contexts) {
        this.transactions = transactions;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.clock = clock;
        this.postgres = postgres;
        this.contexts = contexts;
        Contributions.collect(plugins.implementing(IJobs.class), IJobs::jobHandlers, "job type")
                .forEach((type, entry) -> handlers.put(type, entry.base()));
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    /** The queue an action running for {@code user} enqueues into. */
    public JobQueue queueFor(Optional<UserRef> user) {
        return (queue, type, title, payload) -> enqueue(user, queue, type, title, payload);
    }

    /** Checks a queue name as given by a caller; {@code field} names it in the error. */
    public static String checkQueueName(Object name, String field) {
        if (!(name instanceof String s) || !QUEUE_NAME.matcher(s).matches()) {
            throw ValidationException.of(field, "Must be a queue name: 1 to 100 lower-case letters, digits, '-' or '_'");
        }
        return s;
    }

    private String enqueue(Optional<UserRef> user, String queue, String type, String title, Map<String, Object> payload) {
        checkQueueName(queue, "queue");
        if (type == null || !handlers.containsKey(type)) {
            throw new PortalException(ErrorKind.INTERNAL, "job type '" + type + "' has no handler in any enabled plugin");
        }
        String shown = title == null || title.isBlank() ? type : title.strip();
        if (shown.length() > MAX_TITLE) {
            throw ValidationException.of("title", "Must be at most " + MAX_TITLE + " characters");
        }
        String json = Json.write(payload == null ? Map.of() : payload);
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            throw ValidationException.of("payload", "Must be at most " + MAX_PAYLOAD_BYTES + " bytes as JSON");
        }
        Instant now = clock.instant();
        JobRecord r = new JobRecord();
        r.id = UUID.randomUUID().toString();
        r.queue = queue;
        r.jobType = type;
        r.title = shown;
        r.payload = json;
        r.status = JobRecord.QUEUED;
        r.maxAttempts = settings.maxAttempts();
        r.nextAttemptAt = now;
        r.createdAt = now;
        r.userId = user.map(UserRef::id).orElse(null);
        r.userName = user.map(UserRef::name).orElse(null);
        r.userSysadmin = user.map(UserRef::sysadmin).orElse(false);
        // Joins the running call's transaction (the outbox); outside a call, commits on its own.
        dispatcher.outermost(() -> {
            transactions.em().persist(r);
            return null;
        });
        return r.id;
    }

    // ---- workers ---------------------------------------------------------------------------------

    /**
     * Claims the oldest claimable job of {@code queues} for {@code workerId}: a queued job whose
     * next attempt is due, or a running job whose lease ran out (its worker died). Marks it running
     * with a fresh lease and counts the attempt; empty when there is none.
     */
    public Optional<JobRecord> claim(Collection<String> queues, String workerId) {
        if (queues.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> id = Optional.empty();
        if (postgres) {
            id = claimSkippingLocked(queues, workerId);
        } else {
            // A dead worker's job first (it is older than anything queued after it), then the oldest queued one.
            for (String status : List.of(JobRecord.RUNNING, JobRecord.QUEUED)) {
                id = claimConditionally(queues, workerId, status);
                if (id.isPresent()) {
                    break;
                }
            }
        }
        return id.map(found -> find(found).orElseThrow());
    }

    private static String claimableWhere(Collection<String> queues, String status) {
        String marks = String.join(", ", java.util.Collections.nCopies(queues.size(), "?"));
        return " WHERE status = '" + status + "' AND queue IN (" + marks + ") AND "
                + (JobRecord.RUNNING.equals(status) ? "locked_until < ?" : "next_attempt_at <= ?");
    }

    private Optional<String> claimSkippingLocked(Collection<String> queues, String workerId) {
        Instant now = clock.instant();
        return transactions.required(() -> {
            Connection c = transactions.connection();
            try {
                // A dead worker's job first (it is older than anything queued after it), then the oldest queued one.
                for (String status : List.of(JobRecord.RUNNING, JobRecord.QUEUED)) {
                    try (PreparedStatement select = c.prepareStatement("SELECT id FROM portal_job" + claimableWhere(queues, status)
                            + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED")) {
                        bindQueuesAndNow(select, queues, now);
                        try (ResultSet rs = select.executeQuery()) {
                            if (rs.next()) {
                                String id = rs.getString(1);
                                markRunning(c, id, workerId, now, "");
                                return Optional.of(id);
                            }
                        }
                    }
                }
                return Optional.<String>empty();
            } catch (SQLException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot claim a job: " + e.getMessage(), e);
            }
        });
    }

    private Optional<String> claimConditionally(Collection<String> queues, String workerId, String status) {
        Instant now = clock.instant();
        List<String> candidates = transactions.required(() -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = transactions.connection().prepareStatement("SELECT id FROM portal_job"
                    + claimableWhere(queues, status) + " ORDER BY seq LIMIT " + H2_CANDIDATES)) {
                bindQueuesAndNow(select, queues, now);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot look for jobs: " + e.getMessage(), e);
            }
            return ids;
        });
        String condition = JobRecord.RUNNING.equals(status) ? " AND status = 'running' AND locked_until < ?"
                : " AND status = 'queued' AND next_attempt_at <= ?";
        for (String id : candidates) {
            boolean won;
            try {
                won = transactions.required(() -> {
                    try {
                        return markRunning(transactions.connection(), id, workerId, now, condition) == 1;
                    } catch (SQLException e) {
                        throw new PortalException(ErrorKind.TRANSIENT, "cannot claim a job: " + e.getMessage(), e);
                    }
                });
            } catch (PortalException e) {
                if (e.kind() != ErrorKind.CONFLICT) {
                    throw e;
                }
                won = false; // another worker's update of the same row came first
            }
            if (won) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    private static void bindQueuesAndNow(PreparedStatement ps, Collection<String> queues, Instant now) throws SQLException {
        int i = 1;
        for (String q : queues) {
            ps.setString(i++, q);
        }
        ps.setObject(i, at(now));
    }

    /** Marks a job running for a worker; {@code condition} (with one {@code ?} for now, or empty) guards it. */
    private int markRunning(Connection c, String id, String workerId, Instant now, String condition) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE portal_job SET status = 'running', worker_id = ?,"
                + " locked_until = ?, attempts = attempts + 1, started_at = ? WHERE id = ?" + condition)) {
            update.setString(1, workerId);
            update.setObject(2, at(now.plus(settings.lease())));
            update.setObject(3, at(now));
            update.setString(4, id);
            if (!condition.isEmpty()) {
                update.setObject(5, at(now));
            }
            return update.executeUpdate();
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * Extends the lease of a job this worker runs; false when the job is no longer this worker's
     * (its lease ran out and another worker took it over).
     */
    public boolean renewLease(String jobId, String workerId) {
        Instant until = clock.instant().plus(settings.lease());
        return transactions.required(() -> transactions.em()
                .createQuery("update JobRecord j set j.lockedUntil = :until where j.id = :id and j.workerId = :w and j.status = :r")
                .setParameter("until", until).setParameter("id", jobId).setParameter("w", workerId)
                .setParameter("r", JobRecord.RUNNING).executeUpdate()) == 1;
    }

    /**
     * Runs a job claimed by {@code workerId}: its handler's work and the job's completion commit
     * together; a failure schedules a retry or dead-letters the job.
     *
     * @return true when the job finished
     */
    public boolean run(JobRecord job, String workerId) {
        return run(job, workerId, () -> false);
    }

    /**
     * {@link #run(JobRecord, String)} for a worker that may be stopping: a job that fails while
     * {@code stopping} is true (its stop interrupted it) is {@linkplain #release released}, not
     * counted as a failed attempt.
     */
    public boolean run(JobRecord job, String workerId, java.util.function.BooleanSupplier stopping) {
        try {
            execute(job, workerId);
            return true;
        } catch (RuntimeException e) {
            if (stopping.getAsBoolean()) {
                boolean interrupted = Thread.interrupted(); // a JDBC call of an interrupted thread may fail
                try {
                    if (release(job.id, workerId)) {
                        LOG.info("job " + job.jobType + " (" + job.id + ") was cut by its worker's stop; it is queued again");
                        return false;
                    }
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            recordFailure(job, workerId, e);
            return false;
        }
    }

    /**
     * Gives a running job of {@code workerId} back to the queue (its worker stops): queued, due at
     * once, its attempt not counted, so that another worker takes it now instead of after its
     * lease. False when the job is no longer this worker's. Should the stopped run still try to
     * complete it, its completion finds the job not its own and rolls back.
     */
    public boolean release(String jobId, String workerId) {
        Instant now = clock.instant();
        return transactions.required(() -> transactions.em()
                .createQuery("update JobRecord j set j.status = :q, j.workerId = null, j.lockedUntil = null, j.attempts = j.attempts - 1,"
                        + " j.nextAttemptAt = :now where j.id = :id and j.status = :running and j.workerId = :w")
                .setParameter("q", JobRecord.QUEUED).setParameter("now", now).setParameter("id", jobId)
                .setParameter("running", JobRecord.RUNNING).setParameter("w", workerId).executeUpdate()) == 1;
    }

    private void execute(JobRecord job, String workerId) {
        JobHandler handler = handlers.get(job.jobType);
        if (handler == null) {
            throw PortalException.config("job type '" + job.jobType + "' has no handler in any plugin enabled in this worker");
        }
        Optional<UserRef> user = job.userName == null ? Optional.empty()
                : Optional.of(new UserRef(job.userId, job.userName, job.userSysadmin));
        ActionContext context = contexts.apply(user);
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) Json.read(job.payload);
        JobRun run = new JobRun() {
            @Override
            public String jobId() {
                return job.id;
            }

            @Override
            public String queue() {
                return job.queue;
            }

            @Override
            public Map<String, Object> payload() {
                return payload;
            }

            @Override
            public int attempt() {
                return job.attempts;
            }

            @Override
            public ActionContext context() {
                return context;
            }
        };
        dispatcher.outermost(() -> {
            String json = Json.write(handler.run(run));
            int marked = transactions.em()
                    .createQuery("update JobRecord j set j.status = :f, j.result = :r, j.finishedAt = :now, j.lockedUntil = null,"
                            + " j.lastError = null where j.id = :id and j.status = :running and j.workerId = :w")
                    .setParameter("f", JobRecord.FINISHED).setParameter("r", json).setParameter("now", clock.instant())
                    .setParameter("id", job.id).setParameter("running", JobRecord.RUNNING).setParameter("w", workerId)
                    .executeUpdate();
            if (marked != 1) {
                // Its lease ran out and another worker took it over: this run's work rolls back.
                throw new PortalException(ErrorKind.CONFLICT, "job " + job.id + " was taken over by another worker");
            }
            return null;
        });
    }

    /** What a client may see of a failure: its message, never a class name or stack trace. */
    static String errorMessage(RuntimeException error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            message = "the job failed without a message (see the worker's log)";
        }
        message = message.lines().findFirst().orElse(message);
        return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message;
    }

    private void recordFailure(JobRecord job, String workerId, RuntimeException error) {
        String message = errorMessage(error);
        boolean exhausted = job.attempts >= job.maxAttempts;
        LOG.log(exhausted ? Level.SEVERE : Level.WARNING, "job " + job.jobType + " (" + job.id + ") attempt "
                + job.attempts + "/" + job.maxAttempts + " failed" + (exhausted ? ", dead-lettered: " : ": ") + message, error);
        Instant now = clock.instant();
        long factor = 1L << Math.min(20, Math.max(0, job.attempts - 1));
        Instant next = now.plus(settings.retryDelay().multipliedBy(factor));
        transactions.required(() -> transactions.em()
                .createQuery("update JobRecord j set j.status = :s, j.lastError = :e, j.lockedUntil = null, j.workerId = null,"
                        + " j.nextAttemptAt = :next, j.finishedAt = :fin where j.id = :id and j.status = :running and j.workerId = :w")
                .setParameter("s", exhausted ? JobRecord.FAILED : JobRecord.QUEUED).setParameter("e", message)
                .setParameter("next", next).setParameter("fin", exhausted ? now : null)
                .setParameter("id", job.id).setParameter("running", JobRecord.RUNNING).setParameter("w", workerId)
                .executeUpdate());
    }

    // ---- operators -------------------------------------------------------------------------------

    /** How many jobs are queued and how many failed (dead letters): one grouped count, for monitoring, within {@code timeout} (null: no limit). */
    public Map<String, Long> countByStatus(java.time.Duration timeout) {
        return transactions.countByStatus(JobRecord.class, List.of(JobRecord.QUEUED, JobRecord.FAILED), timeout);
    }

    /** One job, detached. */
    public Optional<JobRecord> find(String id) {
        return transactions.required(() -> {
            JobRecord r = transactions.em().find(JobRecord.class, id);
            if (r != null) {
                transactions.em().detach(r);
            }
            return Optional.ofNullable(r);
        });
    }

    /** One job or a 404 naming it. */
    public JobRecord show(String id) {
        return find(id).orElseThrow(() -> PortalException.notFound("Not found: job '" + id + "'"));
    }

    /** Jobs of {@code queues} (all when empty) with one of {@code statuses} (all when empty), oldest first. */
    public List<JobRecord> list(Collection<String> queues, Collection<String> statuses, int limit) {
        return transactions.required(() -> {
            StringBuilder q = new StringBuilder("select j from JobRecord j where 1 = 1");
            if (!queues.isEmpty()) {
                q.append(" and j.queue in :q");
            }
            if (!statuses.isEmpty()) {
                q.append(" and j.status in :s");
            }
            q.append(" order by j.seq");
            TypedQuery<JobRecord> query = transactions.em().createQuery(q.toString(), JobRecord.class).setMaxResults(limit);
            if (!queues.isEmpty()) {
                query.setParameter("q", queues);
            }
            if (!statuses.isEmpty()) {
                query.setParameter("s", statuses);
            }
            List<JobRecord> out = query.getResultList();
            out.forEach(transactions.em()::detach);
            return out;
        });
    }

    /**
     * Cancels a queued job. A running job cannot be cancelled (CONFLICT), nor one that ended.
     *
     * @return the cancelled job
     */
    public JobRecord cancel(String id) {
        return transactions.required(() -> {
            EntityManager em = transactions.em();
            int updated = em.createQuery("update JobRecord j set j.status = :c, j.finishedAt = :now where j.id = :id and j.status = :q")
                    .setParameter("c", JobRecord.CANCELLED).setParameter("now", clock.instant())
                    .setParameter("id", id).setParameter("q", JobRecord.QUEUED).executeUpdate();
            JobRecord job = em.find(JobRecord.class, id);
            if (job == null) {
                throw PortalException.notFound("Not found: job '" + id + "'");
            }
            if (updated != 1) {
                throw new PortalException(ErrorKind.CONFLICT, JobRecord.RUNNING.equals(job.status)
                        ? "Job '" + id + "' is running and cannot be cancelled"
                        : "Job '" + id + "' is " + job.status + "; only a queued job can be cancelled");
            }
            em.detach(job);
            return job;
        });
    }

    /**
     * Deletes the queued jobs of {@code queues} (of every queue when empty).
     *
     * @return the names of the queues cleared: those given, else those that had queued jobs
     */
    public List<String> clear(Collection<String> queues) {
        return transactions.required(() -> {
            EntityManager em = transactions.em();
            List<String> names = queues.isEmpty()
                    ? em.createQuery("select distinct j.queue from JobRecord j where j.status = :q order by j.queue", String.class)
                    .setParameter("q", JobRecord.QUEUED).getResultList()
                    : List.copyOf(queues);
            if (!names.isEmpty()) {
                em.createQuery("delete from JobRecord j where j.status = :q and j.queue in :names")
                        .setParameter("q", JobRecord.QUEUED).setParameter("names", names).executeUpdate();
            }
            return names;
        });
    }

    /**
     * Deletes finished and cancelled jobs that ended longer ago than {@code portal.jobs.keep_days}
     * (dead letters stay for an operator); workers call it when idle.
     *
     * @return how many were deleted
     */
    public int purgeEnded() {
        Instant before = clock.instant().minus(settings.keep());
        // Mostly there is nothing to delete: one plain statement says so without the JPQL below (an idle worker
        // of a just started server would build Hibernate's query parser for it, ~1 s of CPU beside its first requests).
        boolean any = transactions.exists("select 1 from portal_job where status in (?, ?) and finished_at < ?"
                + " fetch first 1 rows only", JobRecord.FINISHED, JobRecord.CANCELLED,
                java.time.OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC));
        if (!any) {
            return 0;
        }
        return transactions.required(() -> transactions.em()
                .createQuery("delete from JobRecord j where j.status in :ended and j.finishedAt < :before")
                .setParameter("ended", List.of(JobRecord.FINISHED, JobRecord.CANCELLED)).setParameter("before", before)
                .executeUpdate());
    }

    /** Queues a dead-lettered (failed) job again, with its attempts counted from zero. */
    public JobRecord retry(String id) {
        return transactions.required(() -> {
            EntityManager em = transactions.em();
            int updated = em.createQuery("update JobRecord j set j.status = :q, j.attempts = 0, j.nextAttemptAt = :now,"
                            + " j.finishedAt = null where j.id = :id and j.status = :f")
                    .setParameter("q", JobRecord.QUEUED).setParameter("now", clock.instant())
                    .setParameter("id", id).setParameter("f", JobRecord.FAILED).executeUpdate();
            JobRecord job = em.find(JobRecord.class, id);
            if (job == null) {
                throw PortalException.notFound("Not found: job '" + id + "'");
            }
            if (updated != 1) {
                throw new PortalException(ErrorKind.CONFLICT, "Job '" + id + "' is " + job.status + "; only a failed job can be retried");
            }
            em.detach(job);
            return job;
        });
    }

    /** A job as the actions show it. */
    public static Map<String, Object> dictize(JobRecord job, boolean detail) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", job.id);
        out.put("title", job.title);
        out.put("queue", job.queue);
        out.put("created", job.createdAt.toString());
        out.put("status", job.status);
        if (detail) {
            out.put("type", job.jobType);
            out.put("attempts", job.attempts);
            out.put("max_attempts", job.maxAttempts);
            out.put("next_attempt", JobRecord.QUEUED.equals(job.status) ? job.nextAttemptAt.toString() : null);
            out.put("started", job.startedAt == null ? null : job.startedAt.toString());
            out.put("finished", job.finishedAt == null ? null : job.finishedAt.toString());
            out.put("user", job.userName);
            out.put("result", job.result == null ? null : Json.read(job.result));
            out.put("error", job.lastError);
        }
        return out;
    }
}
