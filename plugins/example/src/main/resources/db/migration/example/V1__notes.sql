-- The example plugin's own tables, migrated independently of the core (portal_migrations_example).
CREATE TABLE example_note (
    id         VARCHAR(36)  PRIMARY KEY,
    body       VARCHAR(2000) NOT NULL,
    author     VARCHAR(200),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE TABLE example_audit (
    id          VARCHAR(36) PRIMARY KEY,
    note_id     VARCHAR(36) NOT NULL,
    queue_index INTEGER     NOT NULL,
    previous    VARCHAR(200),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
