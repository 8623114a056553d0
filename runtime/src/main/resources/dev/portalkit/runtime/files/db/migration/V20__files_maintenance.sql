-- files verify --repair marks a record whose bytes are missing or differ from it (why, as text);
-- null while the file is sound. The File API shows it as "broken".
ALTER TABLE files_file ADD COLUMN broken VARCHAR(1000);

-- Leases of the periodic maintenance jobs, one row per job: the server process whose conditional
-- UPDATE claims the row (last run older than the interval, no live lease) runs the job; the others
-- skip it, so a job runs once per interval whatever the number of processes on the database.
CREATE TABLE files_maintenance (
    job          VARCHAR(100) PRIMARY KEY,
    last_run     TIMESTAMP WITH TIME ZONE,
    locked_until TIMESTAMP WITH TIME ZONE
);
INSERT INTO files_maintenance (job) VALUES ('orphan_sweep');
