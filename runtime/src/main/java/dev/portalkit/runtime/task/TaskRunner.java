package dev.portalkit.runtime.task;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.Task;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.task.TaskRun;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.action.ActionDispatcher;
import dev.portalkit.runtime.action.TaskOutbox;
import dev.portalkit.runtime.db.Transactions;
import dev.portalkit.runtime.plugin.Contributions;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The post-commit task queue: writes queued tasks to the outbox table ({@code portal_task}) in the
 * action's transaction, and runs them after commit, at start, and whenever {@link #runDue()} is
 * called (the standalone server polls it). See {@link dev.portalkit.api.task.TaskQueue} for the
 * semantics plugin authors rely on.
 *
 * <p>Several processes may share the database: a task is claimed with a lease
 * ({@code locked_until}) by a conditional update before it runs, so only one of them runs it.
 * A process that stops gives back the leases of the tasks it still runs ({@link #releaseLeases()}),
 * so another takes them at once rather than when the lease runs out.
 */
public final class TaskRunner implements TaskOutbox {
    private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

    /** Settings of the queue. */
    /**
     * @param runAfterCommit run a call's tasks right after its commit, in the calling thread; when
     *                       false they wait for {@link #runDue()} (the server's poller, a restart, or
     *                       {@code portalkit tasks run})
     */
    public record Settings(int maxAttempts, Duration retryDelay, Duration lease, boolean runAfterCommit) {
    }

    private static final String LOAD_BATCH = "select t from TaskRecord t where t.batchId = :b order by t.queueIndex";
    private static final String CLAIM = "update TaskRecord t set t.lockedUntil = :until, t.attempts = t.attempts + 1"
            + " where t.id = :id and t.status = :p and (t.lockedUntil is null or t.lockedUntil < :now)";
    private static final String COMPLETE = "update TaskRecord t set t.status = :d, t.taskResult = :r, t.finishedAt = :now,"
            + " t.lockedUntil = null, t.lastError = null where t.id = :id and t.status = :p";

    /**
     * Interprets the JPQL that runs a batch after its commit, without running it: Hibernate builds its query
     * parser on the first JPQL query (~1 s), and a node just started should run the tasks of its first
     * actions at once, not leave them to another node's poller meanwhile. Called once the entity manager
     * factory is built, on the thread that built it, beside the rest of the start.
     */
    public static void prepareQueries(jakarta.persistence.EntityManagerFactory emf) {
        jakarta.persistence.EntityManager em = emf.createEntityManager();
        try {
            em.createQuery(LOAD_BATCH, TaskRecord.class);
            em.createQuery(CLAIM);
            em.createQuery(COMPLETE);
        } finally {
            em.close();
        }
    }

    private final Transactions transactions;
    private final ActionDispatcher dispatcher;
    private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
    private final Settings settings;
    private final Clock clock;
    private final Function<Optional<UserRef>, ActionContext> contexts;
    /** The tasks this process claimed and runs now: id to the end of its lease. */
    private final Map<String, Instant> held = new ConcurrentHashMap<>();

    public TaskRunner(PluginSet plugins, Transactions transactions, ActionDispatcher dispatcher, Settings settings,
                      Clock clock, Function<Optional<UserRef>, ActionContext> contexts) {
        this.transactions = transactions;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.clock = clock;
        this.contexts = contexts;
        Contributions.collect(plugins.implementing(ITasks.class), ITasks::taskHandlers, "task type")
                .forEach((type, entry) -> handlers.put(type, entry.base()));
    }

    /** Writes one action's queued tasks to the outbox inside the current transaction; returns the batch id. */
    @Override
    public String enqueue(String actionName, Object actionResult, Optional<UserRef> user, List<Task> tasks) {
        EntityManager em = transactions.em();
        String batch = UUID.randomUUID().toString();
        String resultJson = Json.write(actionResult);
        Instant now = clock.instant();
        for (int i = 0; i < tasks.size(); i++) {
            Task task = tasks.get(i);
            if (!handlers.containsKey(task.type())) {
                throw new PortalException(dev.portalkit.api.ErrorKind.INTERNAL,
                        "task type '" + task.type() + "' has no handler in any enabled plugin");
            }
            TaskRecord r = new TaskRecord();
            r.id = UUID.randomUUID().toString();
            r.batchId = batch;
            r.queueIndex = i;
            r.taskType = task.type();
            r.payload = Json.write(task.payload());
            r.actionName = actionName;
            r.actionResult = resultJson;
            r.userId = user.map(UserRef::id).orElse(null);
            r.userName = user.map(UserRef::name).orElse(null);
            r.userSysadmin = user.map(UserRef::sysadmin).orElse(false);
            r.status = TaskRecord.PENDING;
            r.maxAttempts = settings.maxAttempts();
            r.nextAttemptAt = now;
            r.createdAt = now;
            em.persist(r);
        }
        return batch;
    }

    /** Runs the given batches (just committed) in order, unless tasks only run from {@link #runDue()}. */
    @Override
    public void runBatches(List<String> batchIds) {
        if (!settings.runAfterCommit()) {
            return;
        }
        for (String batch : batchIds) {
            runBatch(batch, () -> false);
        }
    }

    /** Whether any task is pending (due or not), by one plain statement. */
    private boolean anyPending() {
        return transactions.exists("select 1 from portal_task where status = ? fetch first 1 rows only", TaskRecord.PENDING);
    }

    /** Runs every due task (pending, next attempt reached, not leased); returns how many ran successfully. */
    public int runDue() {
        return runDue(() -> false);
    }

    /** {@link #runDue()} that claims no further task once {@code stop} is true (a stopping server's poller). */
    public int runDue(BooleanSupplier stop) {
        Instant now = clock.instant();
        // Mostly there is nothing pending: one plain statement says so without the query below (a JPQL query, the
        // first of a serving node: Hibernate's query parser is built on first use, ~1 s at start).
        if (!anyPending()) {
            return 0;
        }
        List<String> batches = transactions.required(() -> transactions.em()
                .createQuery("select t.batchId, min(t.createdAt) from TaskRecord t where t.status = :p and t.nextAttemptAt <= :now"
                        + " group by t.batchId order by min(t.createdAt)", Object[].class)
                .setParameter("p", TaskRecord.PENDING).setParameter("now", now)
                .getResultList().stream().map(row -> (String) row[0]).toList());
        int ran = 0;
        for (String batch : batches) {
            if (stop.getAsBoolean()) {
                break;
            }
            ran += runBatch(batch, stop);
        }
        return ran;
    }

    /**
     * How many tasks of the outbox are pending and how many failed (out of attempts): one grouped
     * count over the {@code (status, next_attempt_at)} index, for monitoring, within {@code timeout} (null: no limit).
     */
    public Map<String, Long> countByStatus(java.time.Duration timeout) {
        return transactions.countByStatus(TaskRecord.class, List.of(TaskRecord.PENDING, TaskRecord.FAILED), timeout);
    }

    /**
     * Gives back the leases of the tasks this process claimed and still runs (a stopping server,
     * after its requests and its poller had their grace): each becomes due at once again, its
     * attempt not counted, for another process to take. A task that still completes here
     * afterwards commits as before (its completion is conditional: only one run commits).
     *
     * @return how many leases were released
     */
    public int releaseLeases() {
        int released = 0;
        for (Map.Entry<String, Instant> lease : Map.copyOf(held).entrySet()) {
            if (release(lease.getKey(), lease.getValue())) {
                released++;
            }
        }
        return released;
    }

    private boolean release(String taskId, Instant until) {
        held.remove(taskId);
        Instant now = clock.instant();
        // The lease is still ours when it ends no later than ours did (another process's claim ends later).
        return transactions.required(() -> transactions.em()
                .createQuery("update TaskRecord t set t.lockedUntil = null, t.attempts = t.attempts - 1, t.nextAttemptAt = :now"
                        + " where t.id = :id and t.status = :p and t.lockedUntil is not null and t.lockedUntil <= :until")
                .setParameter("now", now).setParameter("id", taskId).setParameter("p", TaskRecord.PENDING)
                .setParameter("until", until.plusMillis(1)).executeUpdate()) == 1;
    }

    /** Tasks of the outbox, newest first, for operators. */
    public List<TaskRecord> list(String status, int limit) {
        return transactions.required(() -> {
            String q = "select t from TaskRecord t" + (status == null ? "" : " where t.status = :s") + " order by t.createdAt desc, t.queueIndex desc";
            var query = transactions.em().createQuery(q, TaskRecord.class).setMaxResults(limit);
            if (status != null) {
                query.setParameter("s", status);
            }
            List<TaskRecord> out = query.getResultList();
            out.forEach(transactions.em()::detach);
            return out;
        });
    }

    /** Runs the pending tasks of one batch in order, stopping at the first that cannot run now. */
    private int runBatch(String batchId, BooleanSupplier stop) {
        int ran = 0;
        Object previous = null;
        List<TaskRecord> batch = loadBatch(batchId);
        for (TaskRecord task : batch) {
            if (TaskRecord.DONE.equals(task.status)) {
                previous = Json.read(task.taskResult);
                continue;
            }
            if (stop.getAsBoolean() || !TaskRecord.PENDING.equals(task.status) || task.nextAttemptAt.isAfter(clock.instant())
                    || !claim(task)) {
                return ran;
            }
            Object result;
            try {
                result = execute(task, previous);
            } catch (RuntimeException e) {
                Instant lease = held.remove(task.id);
                if (stop.getAsBoolean()) {
                    // Cut by the stop (an interrupt): not a failure of the task; it goes back to the queue (unless
                    // releaseLeases did that already).
                    boolean interrupted = Thread.interrupted();
                    try {
                        if (lease != null) {
                            release(task.id, lease);
                        }
                    } finally {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                } else {
                    recordFailure(task, batch, e);
                }
                return ran;
            }
            held.remove(task.id);
            ran++;
            previous = result;
        }
        return ran;
    }

    private List<TaskRecord> loadBatch(String batchId) {
        return transactions.required(() -> {
            List<TaskRecord> rows = transactions.em()
                    .createQuery(LOAD_BATCH, TaskRecord.class)
                    .setParameter("b", batchId).getResultList();
            rows.forEach(transactions.em()::detach);
            return new ArrayList<>(rows);
        });
    }

    private boolean claim(TaskRecord task) {
        Instant now = clock.instant();
        int updated = transactions.required(() -> transactions.em()
                .createQuery(CLAIM)
                .setParameter("until", now.plus(settings.lease())).setParameter("id", task.id)
                .setParameter("p", TaskRecord.PENDING).setParameter("now", now)
                .executeUpdate());
        if (updated == 1) {
            held.put(task.id, now.plus(settings.lease()));
            task.attempts++;
            return true;
        }
        return false;
    }

    private Object execute(TaskRecord task, Object previous) {
        TaskHandler handler = handlers.get(task.taskType);
        if (handler == null) {
            throw PortalException.config("task type '" + task.taskType + "' has no handler in any enabled plugin");
        }
        Optional<UserRef> user = task.userName == null ? Optional.empty()
                : Optional.of(new UserRef(task.userId, task.userName, task.userSysadmin));
        ActionContext context = contexts.apply(user);
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) Json.read(task.payload);
        Object actionResult = Json.read(task.actionResult);
        TaskRun run = new TaskRun() {
            @Override
            public Object actionResult() {
                return actionResult;
            }

            @Override
            public int index() {
                return task.queueIndex;
            }

            @Override
            public Object previousResult() {
                return previous;
            }

            @Override
            public Map<String, Object> payload() {
                return payload;
            }

            @Override
            public int attempt() {
                return task.attempts;
            }

            @Override
            public ActionContext context() {
                return context;
            }
        };
        // The task's work and its completion mark commit together; tasks queued by the actions it
        // calls run after that commit.
        return dispatcher.outermost(() -> {
            Object result = handler.run(run);
            String json = Json.write(result);
            int marked = transactions.em()
                    .createQuery(COMPLETE)
                    .setParameter("d", TaskRecord.DONE).setParameter("r", json).setParameter("now", clock.instant())
                    .setParameter("id", task.id).setParameter("p", TaskRecord.PENDING).executeUpdate();
            if (marked != 1) {
                throw new PortalException(dev.portalkit.api.ErrorKind.CONFLICT, "task " + task.id + " was completed elsewhere");
            }
            return Json.read(json);
        });
    }

    private void recordFailure(TaskRecord task, List<TaskRecord> batch, RuntimeException error) {
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (message.length() > 3900) {
            message = message.substring(0, 3900);
        }
        boolean exhausted = task.attempts >= task.maxAttempts;
        LOG.log(exhausted ? Level.SEVERE : Level.WARNING, "task " + task.taskType + " (" + task.id + ") attempt "
                + task.attempts + "/" + task.maxAttempts + " failed: " + message, error);
        String finalMessage = message;
        Instant now = clock.instant();
        transactions.required(() -> {
            EntityManager em = transactions.em();
            TaskRecord row = em.find(TaskRecord.class, task.id);
            row.lastError = finalMessage;
            row.lockedUntil = null;
            if (exhausted) {
                row.status = TaskRecord.FAILED;
                row.finishedAt = now;
                for (TaskRecord later : batch) {
                    if (later.queueIndex > task.queueIndex && TaskRecord.PENDING.equals(later.status)) {
                        TaskRecord laterRow = em.find(TaskRecord.class, later.id);
                        laterRow.status = TaskRecord.FAILED;
                        laterRow.finishedAt = now;
                        laterRow.lastError = "not run: task " + task.queueIndex + " of the same queue failed";
                    }
                }
            } else {
                long factor = 1L << Math.min(20, task.attempts - 1);
                row.nextAttemptAt = now.plus(settings.retryDelay().multipliedBy(factor));
            }
            return null;
        });
    }

    public Clock clock() {
        return clock;
    }
}
