-- One row per job run that committed: the primary key makes a second committed run of one job fail.
CREATE TABLE jobprobe_run (
    job_id  VARCHAR(36) PRIMARY KEY,
    label   VARCHAR(200) NOT NULL,
    attempt INTEGER NOT NULL
);
