CREATE TABLE migrating_item (
    name VARCHAR(100) PRIMARY KEY
);
