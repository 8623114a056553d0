-- One-time download links (FileLinks.oneTime): the token itself is never stored, only its SHA-256.
-- A download consumes its row with UPDATE ... SET used_at = ? WHERE token_hash = ? AND used_at IS NULL.
CREATE TABLE files_one_time_link (
    token_hash VARCHAR(64) PRIMARY KEY,
    file_id VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX files_one_time_link_expires ON files_one_time_link (expires_at);
