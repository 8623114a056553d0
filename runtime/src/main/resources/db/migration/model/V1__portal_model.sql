-- The portal model (users, API tokens, groups and organizations with their members, datasets,
-- extras and resources), migrated by the built-in "model" plugin (portal_migrations_model).
-- Portable SQL: runs on H2 (PostgreSQL mode) and PostgreSQL.
-- Identifiers are UUID strings; timestamps are UTC instants; *_fields / extras columns hold JSON text.

CREATE TABLE portal_user (
    id             VARCHAR(36)  PRIMARY KEY,
    name           VARCHAR(100) NOT NULL,
    email          VARCHAR(320),
    fullname       VARCHAR(1000),
    about          VARCHAR,
    password_hash  VARCHAR(300),
    sysadmin       BOOLEAN      NOT NULL DEFAULT FALSE,
    state          VARCHAR(16)  NOT NULL,
    custom_fields  VARCHAR,
    created        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX portal_user_name ON portal_user (name);
CREATE INDEX portal_user_email ON portal_user (email);

-- Only a SHA-256 hash of each token is stored; the token itself is shown once, at creation.
CREATE TABLE portal_api_token (
    id          VARCHAR(36)  PRIMARY KEY,
    user_id     VARCHAR(36)  NOT NULL REFERENCES portal_user (id),
    name        VARCHAR(200) NOT NULL,
    token_hash  VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX portal_api_token_hash ON portal_api_token (token_hash);
CREATE INDEX portal_api_token_user ON portal_api_token (user_id);

-- Groups and organizations share one table, told apart by is_organization (as in CKAN).
CREATE TABLE portal_group (
    id               VARCHAR(36)  PRIMARY KEY,
    name             VARCHAR(100) NOT NULL,
    title            VARCHAR(1000),
    description      VARCHAR,
    image_url        VARCHAR(2000),
    type             VARCHAR(100) NOT NULL,
    is_organization  BOOLEAN      NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    custom_fields    VARCHAR,
    created          TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX portal_group_name ON portal_group (name);

-- Members of a group: users (capacity member / editor / admin) and, for groups, datasets
-- (table_name 'package', capacity 'public'), as in CKAN's member table.
CREATE TABLE portal_member (
    id          VARCHAR(36) PRIMARY KEY,
    group_id    VARCHAR(36) NOT NULL REFERENCES portal_group (id),
    table_name  VARCHAR(16) NOT NULL,
    table_id    VARCHAR(36) NOT NULL,
    capacity    VARCHAR(16) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    created     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX portal_member_object_in_group ON portal_member (group_id, table_name, table_id);
CREATE INDEX portal_member_object ON portal_member (table_name, table_id);

CREATE TABLE portal_package (
    id                 VARCHAR(36)  PRIMARY KEY,
    name               VARCHAR(100) NOT NULL,
    title              VARCHAR,
    notes              VARCHAR,
    url                VARCHAR,
    author             VARCHAR,
    author_email       VARCHAR,
    maintainer         VARCHAR,
    maintainer_email   VARCHAR,
    version            VARCHAR(100),
    license_id         VARCHAR(100),
    private            BOOLEAN      NOT NULL DEFAULT FALSE,
    owner_org          VARCHAR(36)  REFERENCES portal_group (id),
    state              VARCHAR(16)  NOT NULL,
    type               VARCHAR(100) NOT NULL,
    creator_user_id    VARCHAR(36),
    custom_fields      VARCHAR,
    metadata_created   TIMESTAMP WITH TIME ZONE NOT NULL,
    metadata_modified  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE UNIQUE INDEX portal_package_name ON portal_package (name);
CREATE INDEX portal_package_owner_org ON portal_package (owner_org);
CREATE INDEX portal_package_state_modified ON portal_package (state, metadata_modified);

CREATE TABLE portal_package_extra (
    id           VARCHAR(36)  PRIMARY KEY,
    package_id   VARCHAR(36)  NOT NULL REFERENCES portal_package (id),
    extra_key    VARCHAR(200) NOT NULL,
    extra_value  VARCHAR
);
CREATE UNIQUE INDEX portal_package_extra_key ON portal_package_extra (package_id, extra_key);

-- extras: the resource's fields beyond the columns, as JSON (CKAN's resource extras).
CREATE TABLE portal_resource (
    id                 VARCHAR(36)  PRIMARY KEY,
    package_id         VARCHAR(36)  NOT NULL REFERENCES portal_package (id),
    name               VARCHAR,
    description        VARCHAR,
    url                VARCHAR,
    url_type           VARCHAR(100),
    format             VARCHAR(100),
    mimetype           VARCHAR(200),
    size               BIGINT,
    hash               VARCHAR(200),
    position           INTEGER      NOT NULL,
    state              VARCHAR(16)  NOT NULL,
    extras             VARCHAR,
    created            TIMESTAMP WITH TIME ZONE NOT NULL,
    metadata_modified  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX portal_resource_package ON portal_resource (package_id, position);
