package dev.portalkit.api.job;

import java.util.Map;

/**
 * Background jobs ({@code ActionContext.jobs()}), CKAN's {@code enqueue_job}: slow work (a virus
 * scan, a preview, an import) that must not delay the response.
 *
 * <p>Semantics:
 * <ul>
 *   <li>A job is written to the job table ({@code portal_job}) inside the caller's transaction: if
 *       the action fails or rolls back, the job vanishes with it; workers see it only once the
 *       transaction committed (an outbox). Outside any action it is written in a transaction of its own.</li>
 *   <li>A worker ({@code portalkit jobs worker [QUEUE...]}, or the one inside {@code serve} when
 *       {@code portal.jobs.worker} is on) takes jobs of its queues oldest first, each in a
 *       transaction of its own, and records the handler's result ({@code finished}).</li>
 *   <li>A job that throws is retried after {@code portal.jobs.retry_delay} seconds, doubling each
 *       attempt; after {@code portal.jobs.max_attempts} attempts it is dead-lettered
 *       ({@code failed}, its last error kept) until an operator retries it ({@code portalkit jobs retry ID}).</li>
 *   <li>A worker holds a job for {@code portal.jobs.lease} seconds; if it dies, another worker takes
 *       the job over after that. Any number of workers may share the database: each job runs once
 *       at a time.</li>
 * </ul>
 * Unlike post-commit tasks ({@link dev.portalkit.api.task.TaskQueue}), which run in the request's
 * thread after the commit and before the response, in order, jobs run later, elsewhere, in no
 * order relative to each other beyond oldest first per queue.
 */
public interface JobQueue {
    /** The queue used when none is named. */
    String DEFAULT_QUEUE = "default";

    /**
     * Enqueues a job.
     *
     * @param queue   a queue name: 1 to 100 characters of lower-case letters, digits, {@code -} and {@code _}
     * @param type    the job type, handled by a plugin's {@link JobHandler}
     * @param title   a short human-readable title for {@code job_list} (up to 200 characters); null: the type
     * @param payload JSON-friendly data for the handler (null: empty)
     * @return the job's id
     * @throws dev.portalkit.api.PortalException when no enabled plugin handles {@code type}, or
     *                                           the queue name or title is not acceptable
     */
    String enqueue(String queue, String type, String title, Map<String, Object> payload);

    /** Enqueues a job on the {@link #DEFAULT_QUEUE} with its type as title; returns its id. */
    default String enqueue(String type, Map<String, Object> payload) {
        return enqueue(DEFAULT_QUEUE, type, null, payload);
    }
}
