-- Background jobs (CKAN's enqueue_job): written in the enqueuing action's transaction, run by workers after it commits.
-- status: queued -> running -> finished; running -> queued (retry) or failed (dead letter after the last attempt);
-- queued -> cancelled. A running job's worker holds it until locked_until; after that another worker takes it over.
CREATE TABLE portal_job (
    id              VARCHAR(36)  PRIMARY KEY,
    queue           VARCHAR(100) NOT NULL,
    job_type        VARCHAR(200) NOT NULL,
    title           VARCHAR(200) NOT NULL,
    payload         VARCHAR      NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    max_attempts    INTEGER      NOT NULL,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_until    TIMESTAMP WITH TIME ZONE,
    worker_id       VARCHAR(200),
    job_result      VARCHAR,
    last_error      VARCHAR(4000),
    user_id         VARCHAR(100),
    user_name       VARCHAR(200),
    user_sysadmin   BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE
);
-- The claim of a queued job: WHERE status = 'queued' AND queue IN (...) AND next_attempt_at <= now ORDER BY created_at.
CREATE INDEX portal_job_claim ON portal_job (status, queue, created_at);
-- The take-over of a dead worker's job: WHERE status = 'running' AND locked_until < now.
CREATE INDEX portal_job_lease ON portal_job (status, locked_until);
