package dev.portalkit.runtime.action;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.job.JobQueue;
import dev.portalkit.api.task.Task;
import dev.portalkit.api.task.TaskQueue;
import dev.portalkit.runtime.Json;
import dev.portalkit.runtime.db.Transactions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs actions: the outermost call opens the transaction; each call goes through its chain of
 * wrappers (outermost first), then the auth function of the same name, then the plain action.
 * Tasks queued by an action that supports them are written to the outbox when it returns, in the
 * same transaction, and run after the outermost transaction commits.
 */
public final class ActionDispatcher {
    private static final Logger LOG = Logger.getLogger(ActionDispatcher.class.getName());
    private final ActionRegistry actions;
    private final AuthRegistry auth;
    private final Transactions transactions;
    private final ThreadLocal<CallState> state = new ThreadLocal<>();
    private TaskOutbox tasks;
    private Function<Optional<UserRef>, JobQueue> jobs;

    private static final class Frame {
        final String action;
        final boolean supportsTasks;
        final List<Task> queued = new ArrayList<>();

        Frame(String action, boolean supportsTasks) {
            this.action = action;
            this.supportsTasks = supportsTasks;
        }
    }

    private static final class CallState {
        final Deque<Frame> frames = new ArrayDeque<>();
        final List<String> batches = new ArrayList<>();
        final List<Runnable> undo = new ArrayList<>();
        final List<Runnable> afterCommit = new ArrayList<>();
    }

    public ActionDispatcher(ActionRegistry actions, AuthRegistry auth, Transactions transactions) {
        this.actions = actions;
        this.auth = auth;
        this.transactions = transactions;
    }

    public void attach(TaskOutbox outbox) {
        this.tasks = outbox;
    }

    /** The background job queue, per enqueuing user. */
    public void attachJobs(Function<Optional<UserRef>, JobQueue> queues) {
        this.jobs = queues;
    }

    /** The job queue for a context's user; UNSUPPORTED when the portal runs without a database. */
    public JobQueue jobQueue(Optional<UserRef> user) {
        if (jobs == null) {
            throw new PortalException(ErrorKind.UNSUPPORTED, "background jobs need the portal's database");
        }
        return jobs.apply(user);
    }

    public ActionRegistry actions() {
        return actions;
    }

    public AuthRegistry auth() {
        return auth;
    }

    public Transactions transactions() {
        return transactions;
    }

    /** Calls an action by name; joins the current transaction or opens (and commits) one. */
    public Object call(String name, ActionContext context, Map<String, Object> data) {
        ActionRegistry.Entry entry = actions.get(name);
        if (entry == null) {
            throw PortalException.notFound("Action '" + name + "' does not exist");
        }
        return outermost(() -> invoke(entry, context, data == null ? Map.of() : data));
    }

    /**
     * Runs {@code work} as a unit: inside the caller's transaction if there is one, else in a new
     * transaction after whose commit the tasks queued meanwhile run. A failure because a concurrent
     * transaction changed the same rows first comes as CONFLICT ({@link Transactions#required}).
     */
    public <T> T outermost(Supplier<T> work) {
        return outermost(work, false);
    }

    /**
     * {@link #outermost(Supplier)}; with {@code deferred}, a new transaction opens only when its
     * entity manager is first used ({@link Transactions#deferred}): for reads that may need none.
     */
    public <T> T outermost(Supplier<T> work, boolean deferred) {
        if (state.get() != null) {
            return work.get();
        }
        CallState call = new CallState();
        state.set(call);
        T result;
        try {
            result = deferred ? transactions.deferred(work) : transactions.required(work);
        } catch (Transactions.CommitFailed e) {
            // The commit may have happened: what it recorded may point at what undo would remove.
            throw e;
        } catch (RuntimeException | Error e) {
            undo(call, e);
            throw e;
        } finally {
            state.remove();
        }
        runAfterCommit(call);
        if (!call.batches.isEmpty() && tasks != null) {
            tasks.runBatches(call.batches);
        }
        return result;
    }

    /**
     * Runtime-internal: registers work to run once the outermost transaction of the running call
     * committed (never when it rolls back or its commit failed), in order, in the calling thread,
     * before the call's post-commit tasks. Each step is on its own: a failing one is logged and
     * does not stop the others nor fail the committed call. Steps run outside the call's
     * transaction; one that needs a transaction opens its own ({@link #outermost}).
     *
     * @return false when no call is running (nothing would run the step)
     */
    public boolean afterCommit(Runnable step) {
        CallState call = state.get();
        if (call == null) {
            return false;
        }
        call.afterCommit.add(step);
        return true;
    }

    private static void runAfterCommit(CallState call) {
        for (Runnable step : call.afterCommit) {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a step after the commit failed (the change stays committed): " + e, e);
            }
        }
    }

    /** The name of the innermost running action of this thread's call, if any. */
    public Optional<String> currentAction() {
        CallState call = state.get();
        return call == null || call.frames.isEmpty() ? Optional.empty() : Optional.of(call.frames.peek().action);
    }

    /**
     * Runtime-internal: registers work that undoes a side effect outside the database (bytes
     * written to a storage) if the outermost transaction of the running call rolls back. Undo
     * steps run in reverse order, after the rollback; their failures are added to the call's
     * exception as suppressed ones. A crash before the rollback skips them (see the File API docs),
     * and so does a failed commit ({@link Transactions.CommitFailed}: it may have committed).
     *
     * @return false when no call is running (nothing will undo the side effect)
     */
    public boolean onRollback(Runnable step) {
        CallState call = state.get();
        if (call == null) {
            return false;
        }
        call.undo.add(step);
        return true;
    }

    private static void undo(CallState call, Throwable failure) {
        for (int i = call.undo.size() - 1; i >= 0; i--) {
            try {
                call.undo.get(i).run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** The task queue of the innermost running action that supports tasks. */
    public TaskQueue taskQueue() {
        CallState call = state.get();
        if (call != null) {
            for (Frame frame : call.frames) {
                if (frame.supportsTasks) {
                    return frame.queued::add;
                }
            }
        }
        String running = call == null || call.frames.isEmpty() ? "no action" : "action '" + call.frames.peek().action + "'";
        throw new PortalException(ErrorKind.UNSUPPORTED, "post-commit tasks cannot be queued here: " + running
                + " supports them (register the action with Action.withTaskQueue)");
    }

    private Object invoke(ActionRegistry.Entry entry, ActionContext context, Map<String, Object> data) {
        CallState call = state.get();
        Frame frame = new Frame(entry.name(), entry.base().supportsTasks());
        call.frames.push(frame);
        try {
            Object result = link(entry, 0, context, Json.copy(data));
            if (!frame.queued.isEmpty()) {
                call.batches.add(tasks.enqueue(entry.name(), result, context.user(), frame.queued));
            }
            return result;
        } finally {
            call.frames.pop();
        }
    }

    private Object link(ActionRegistry.Entry entry, int index, ActionContext context, Map<String, Object> data) {
        if (index < entry.wrappers().size()) {
            Action next = (c, d) -> link(entry, index + 1, c, d);
            return entry.wrappers().get(index).call(next, context, data);
        }
        AuthResult verdict = auth.check(entry.name(), context, data);
        if (!verdict.allowed()) {
            throw PortalException.denied(verdict.message() == null ? "Not authorized to call " + entry.name() : verdict.message());
        }
        return entry.base().call(context, data);
    }
}
