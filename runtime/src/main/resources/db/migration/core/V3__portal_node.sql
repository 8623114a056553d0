-- The serving processes (nodes) of one portal database: `serve` processes and WAR deployments.
-- A node registers at start, renews heartbeat_at while it runs and deletes its row when it stops;
-- a node that misses three heartbeats is gone. secrets holds, per secret that nodes must share (the
-- key of download links), a fingerprint of it (an HMAC keyed with the secret, never the secret) and
-- whether it was configured or generated: a node whose secret differs from a live node's does not start.
CREATE TABLE portal_node (
    id           VARCHAR(64)   PRIMARY KEY,
    host         VARCHAR(255)  NOT NULL,
    pid          BIGINT        NOT NULL,
    secrets      VARCHAR(4000) NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX portal_node_heartbeat ON portal_node (heartbeat_at);
