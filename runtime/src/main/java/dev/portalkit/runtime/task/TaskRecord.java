package dev.portalkit.runtime.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of the task outbox ({@code portal_task}). */
@Entity
@Table(name = "portal_task")
public class TaskRecord {
    public static final String PENDING = "pending";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    @Id
    public String id;
    @Column(name = "batch_id")
    public String batchId;
    @Column(name = "queue_index")
    public int queueIndex;
    @Column(name = "task_type")
    public String taskType;
    public String payload;
    @Column(name = "action_name")
    public String actionName;
    @Column(name = "action_result")
    public String actionResult;
    @Column(name = "user_id")
    public String userId;
    @Column(name = "user_name")
    public String userName;
    @Column(name = "user_sysadmin")
    public boolean userSysadmin;
    public String status;
    public int attempts;
    @Column(name = "max_attempts")
    public int maxAttempts;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "locked_until")
    public Instant lockedUntil;
    @Column(name = "task_result")
    public String taskResult;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
}
