-- An index behind every files_file_search filter and sort (the default order is name, id).
-- The common filters (storage, content type) come with the default order, so a page of a large
-- storage is read from its index in order rather than sorted; files_owner (owner_type, owner_id)
-- and files_storage_data (data_key, data_value) already have theirs (V2).
CREATE INDEX files_file_storage_name ON files_file (storage, name, id);
CREATE INDEX files_file_type_name ON files_file (content_type, name, id);
CREATE INDEX files_file_name_id ON files_file (name, id);
DROP INDEX files_file_name;
CREATE INDEX files_file_location_only ON files_file (location);
CREATE INDEX files_file_size ON files_file (size);
CREATE INDEX files_file_hash ON files_file (hash);
CREATE INDEX files_file_algorithm ON files_file (hash_algorithm);
CREATE INDEX files_file_mtime ON files_file (mtime);
CREATE INDEX files_file_atime ON files_file (atime);
CREATE INDEX files_owner_pinned ON files_owner (pinned, owner_type, owner_id);
-- An owner's files without reading the owner rows (the count of a files_file_search by owner).
CREATE INDEX files_owner_files ON files_owner (owner_type, owner_id, file_id);
