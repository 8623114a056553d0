package dev.portalkit.api.job;

/**
 * Runs background jobs of one type, in a worker (CKAN's {@code ckan jobs worker}), never in the
 * request that enqueued them. Return a JSON-friendly result (maps, lists, strings, numbers,
 * booleans), shown by {@code job_show}; throw to have the job retried
 * ({@code portal.jobs.max_attempts}) and, after the last attempt, dead-lettered ({@code failed}).
 * The exception's message is kept as the job's error and shown to sysadmins: do not put secrets in it.
 *
 * <p>The handler's database work and the job's completion commit together. Handlers should still
 * be idempotent: a worker that dies after work outside the database (a file written, a call
 * made) but before the commit leaves the job to be taken over once its lease ends.
 */
@FunctionalInterface
public interface JobHandler {
    Object run(JobRun run);
}
