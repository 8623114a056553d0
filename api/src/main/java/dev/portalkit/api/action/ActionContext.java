package dev.portalkit.api.action;

import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.api.job.JobQueue;
import dev.portalkit.api.task.TaskQueue;
import dev.portalkit.api.validation.Schema;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;

/**
 * What an action (and the validators and auth functions it runs) knows about its call: the user,
 * whether auth is skipped, and access to the rest of the host within the same transaction.
 */
public interface ActionContext {
    /** The user the action runs for; empty for anonymous calls. */
    Optional<UserRef> user();

    /** True when auth checks are skipped for this call and the calls it makes (CKAN's {@code ignore_auth}). */
    boolean ignoreAuth();

    /** The same context with {@code ignore_auth} set as given. */
    ActionContext withIgnoreAuth(boolean ignoreAuth);

    /** The same context acting for another user (empty = anonymous). */
    ActionContext withUser(Optional<UserRef> user);

    /**
     * Calls another action inside the current transaction, for the same user. Its auth function
     * is checked unless {@link #ignoreAuth()}.
     */
    Object call(String action, Map<String, Object> data);

    /**
     * Evaluates the auth function {@code name} for this context's user (honouring sysadmin and
     * {@code ignore_auth}) without throwing.
     */
    AuthResult checkAccess(String name, Map<String, Object> data);

    /**
     * Validates {@code data} against the named effective schema (after every plugin modified it),
     * e.g. {@code "package_create"}. Returns the converted data.
     *
     * @throws dev.portalkit.api.ValidationException with per-field errors
     */
    Map<String, Object> validate(String schemaName, Map<String, Object> data);

    /** Validates {@code data} against a schema built by the caller. */
    Map<String, Object> validate(Schema schema, Map<String, Object> data);

    /**
     * The post-commit task queue of the innermost running action that supports tasks
     * ({@link Action#withTaskQueue}).
     *
     * @throws dev.portalkit.api.PortalException of kind UNSUPPORTED when no action on the stack supports tasks
     */
    TaskQueue tasks();

    /**
     * Background jobs (CKAN's {@code enqueue_job}): enqueued in the current transaction, run by a
     * worker after it committed. See {@link JobQueue}.
     */
    JobQueue jobs();

    /**
     * The JDBC connection of the current transaction, for a plugin's own tables. Do not close
     * it, commit or roll back: the host does that when the outermost action ends.
     */
    Connection jdbc();

    /** The portal's validated configuration. */
    PortalConfig config();

    /** Free-form per-call values shared by the actions of one call (CKAN's context dict). */
    Map<String, Object> attributes();
}
