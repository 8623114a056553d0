-- Tracked files of the File API (files plugin, portal_migrations_files), after V1's files:db tables.
-- Portable SQL: runs on H2 (PostgreSQL mode) and PostgreSQL. Ids are UUID strings, timestamps UTC
-- instants, *storage_data / parts columns JSON text.

-- One row per tracked file. Content is immutable: a file is created (upload, multipart, register)
-- and deleted, never overwritten; only its display name, owner and pin change.
CREATE TABLE files_file (
    id              VARCHAR(36)   PRIMARY KEY,
    name            VARCHAR(255)  NOT NULL,
    location        VARCHAR(1024) NOT NULL,
    storage         VARCHAR(200)  NOT NULL,
    size            BIGINT        NOT NULL,
    content_type    VARCHAR(255)  NOT NULL,
    hash            VARCHAR(200)  NOT NULL,
    hash_algorithm  VARCHAR(32)   NOT NULL,
    storage_data    VARCHAR,
    ctime           TIMESTAMP WITH TIME ZONE NOT NULL,
    mtime           TIMESTAMP WITH TIME ZONE,
    atime           TIMESTAMP WITH TIME ZONE
);
-- A location is tracked once per storage.
CREATE UNIQUE INDEX files_file_location ON files_file (storage, location);
CREATE INDEX files_file_name ON files_file (name);
CREATE INDEX files_file_ctime ON files_file (ctime);

-- The owner of a file (at most one; no row = no owner) and whether it is pinned to it.
CREATE TABLE files_owner (
    file_id     VARCHAR(36)  PRIMARY KEY REFERENCES files_file (id) ON DELETE CASCADE,
    owner_type  VARCHAR(100) NOT NULL,
    owner_id    VARCHAR(200) NOT NULL,
    pinned      BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX files_owner_owner ON files_owner (owner_type, owner_id);

-- Every change of owner: who moved the file, from which owner (none: NULLs) to which, when.
CREATE TABLE files_transfer (
    id          VARCHAR(36)  PRIMARY KEY,
    file_id     VARCHAR(36)  NOT NULL REFERENCES files_file (id) ON DELETE CASCADE,
    actor_id    VARCHAR(200),
    actor_name  VARCHAR(200),
    from_type   VARCHAR(100),
    from_id     VARCHAR(200),
    to_type     VARCHAR(100),
    to_id       VARCHAR(200),
    transferred_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX files_transfer_file ON files_transfer (file_id, transferred_at);

-- files_file.storage_data flattened for search: one row per scalar, under its dotted path
-- (list items share their list's path). Scalars longer than 512 characters are not indexed.
CREATE TABLE files_storage_data (
    id       VARCHAR(36)  PRIMARY KEY,
    file_id  VARCHAR(36)  NOT NULL REFERENCES files_file (id) ON DELETE CASCADE,
    data_key    VARCHAR(500) NOT NULL,
    data_value  VARCHAR(512) NOT NULL
);
CREATE INDEX files_storage_data_file ON files_storage_data (file_id);
CREATE INDEX files_storage_data_value ON files_storage_data (data_key, data_value);

-- Unfinished multipart uploads, so that any node can continue one. parts: {"<number>": size}.
-- ctime is kept for collecting abandoned uploads.
CREATE TABLE files_multipart (
    id              VARCHAR(36)   PRIMARY KEY,
    storage         VARCHAR(200)  NOT NULL,
    location        VARCHAR(1024) NOT NULL,
    name            VARCHAR(255)  NOT NULL,
    size            BIGINT        NOT NULL,
    content_type    VARCHAR(255)  NOT NULL,
    hash            VARCHAR(200)  NOT NULL,
    storage_data    VARCHAR,
    parts           VARCHAR       NOT NULL,
    initiator_id    VARCHAR(200),
    initiator_name  VARCHAR(200),
    ctime           TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX files_multipart_ctime ON files_multipart (ctime);
CREATE INDEX files_multipart_location ON files_multipart (storage, location);
