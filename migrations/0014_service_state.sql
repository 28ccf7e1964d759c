-- Loa's own state, by key: the webhook's secret token (generated once, so that a restart
-- registers the same one) and the readiness check's last write.
CREATE TABLE service_state (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
