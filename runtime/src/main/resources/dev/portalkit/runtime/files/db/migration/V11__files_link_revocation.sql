-- Links follow permissions (issue 11): a link records who made it and the file's link generation
-- when it was made. files_file_link_revoke raises a file's generation, which every earlier link of
-- the file (temporal, permanent, one-time) then fails to match. Portable: H2 and PostgreSQL.
ALTER TABLE files_file ADD COLUMN link_generation INTEGER NOT NULL DEFAULT 0;
-- One-time links: who made one (NULL: the portal itself, an ignore_auth call) and the generation it belongs to.
ALTER TABLE files_one_time_link ADD COLUMN created_by VARCHAR(200);
ALTER TABLE files_one_time_link ADD COLUMN link_generation INTEGER NOT NULL DEFAULT 0;
CREATE INDEX files_one_time_link_file ON files_one_time_link (file_id);
