-- The tracked file (files plugin) holding a resource's uploaded content, when url_type = 'upload' and
-- the default uploader stored it; null for links and for uploads a plugin's IUploader keeps elsewhere.
-- No foreign key: the files tables belong to another plugin with its own migration history.
ALTER TABLE portal_resource ADD COLUMN file_id VARCHAR(36);
CREATE INDEX portal_resource_file ON portal_resource (file_id);
