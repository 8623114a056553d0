package dev.portalkit.runtime.job;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A row of the job table ({@code portal_job}). */
@Entity
@Table(name = "portal_job")
public class JobRecord {
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    /** Dead-lettered: the last attempt failed. */
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final List<String> STATUSES = List.of(QUEUED, RUNNING, FINISHED, FAILED, CANCELLED);

    @Id
    public String id;
    /** Enqueueing order, given by the database. */
    @Column(insertable = false, updatable = false)
    public Long seq;
    public String queue;
    @Column(name = "job_type")
    public String jobType;
    public String title;
    public String payload;
    public String status;
    public int attempts;
    @Column(name = "max_attempts")
    public int maxAttempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "locked_until")
    public Instant lockedUntil;
    @Column(name = "worker_id")
    public String workerId;
    @Column(name = "job_result")
    public String result;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "user_id")
    public String userId;
    @Column(name = "user_name")
    public String userName;
    @Column(name = "user_sysadmin")
    public boolean userSysadmin;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
}
