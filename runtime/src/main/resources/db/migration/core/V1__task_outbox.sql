-- Post-commit task outbox: tasks are written in the queuing action's transaction and run after it commits.
CREATE TABLE portal_task (
    id              VARCHAR(36)  PRIMARY KEY,
    batch_id        VARCHAR(36)  NOT NULL,
    queue_index     INTEGER      NOT NULL,
    task_type       VARCHAR(200) NOT NULL,
    payload         VARCHAR      NOT NULL,
    action_name     VARCHAR(200) NOT NULL,
    action_result   VARCHAR,
    user_id         VARCHAR(100),
    user_name       VARCHAR(200),
    user_sysadmin   BOOLEAN      NOT NULL DEFAULT FALSE,
    status          VARCHAR(16)  NOT NULL,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    max_attempts    INTEGER      NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_until    TIMESTAMP WITH TIME ZONE,
    task_result     VARCHAR,
    last_error      VARCHAR(4000),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX portal_task_due ON portal_task (status, next_attempt_at);
CREATE INDEX portal_task_batch ON portal_task (batch_id, queue_index);
