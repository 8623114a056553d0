-- Tags (CKAN's tag, package_tag and vocabulary tables). A free tag has no vocabulary; a tag of a
-- vocabulary is made by a sysadmin (vocabulary_create / tag_create) before datasets use it.
-- The same name may exist once free and once per vocabulary.
CREATE TABLE portal_vocabulary (
    id    VARCHAR(36)  PRIMARY KEY,
    name  VARCHAR(100) NOT NULL
);
CREATE UNIQUE INDEX portal_vocabulary_name ON portal_vocabulary (name);

CREATE TABLE portal_tag (
    id             VARCHAR(36)  PRIMARY KEY,
    name           VARCHAR(100) NOT NULL,
    vocabulary_id  VARCHAR(36)  REFERENCES portal_vocabulary (id),
    -- vocabulary_id, or '' for a free tag: a unique index cannot tell NULLs apart
    vocabulary_key VARCHAR(36)  NOT NULL
);
CREATE UNIQUE INDEX portal_tag_name ON portal_tag (vocabulary_key, name);

CREATE TABLE portal_package_tag (
    id          VARCHAR(36) PRIMARY KEY,
    package_id  VARCHAR(36) NOT NULL REFERENCES portal_package (id),
    tag_id      VARCHAR(36) NOT NULL REFERENCES portal_tag (id),
    state       VARCHAR(16) NOT NULL
);
CREATE UNIQUE INDEX portal_package_tag_pair ON portal_package_tag (package_id, tag_id);
CREATE INDEX portal_package_tag_tag ON portal_package_tag (tag_id, state);
