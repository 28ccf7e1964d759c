-- Deliveries (and their edits and deletions) older than LOA_KEEP_DELIVERIES are folded into
-- one row of totals per broadcast, so the database stops growing with time while /report and
-- /broadcasts still give the counts.
CREATE TABLE folded_deliveries (
    broadcast_id INTEGER PRIMARY KEY REFERENCES broadcasts (id),
    total        INTEGER NOT NULL,
    sent         INTEGER NOT NULL,
    failed       INTEGER NOT NULL,
    cancelled    INTEGER NOT NULL,
    pinned       INTEGER NOT NULL,
    pin_failed   INTEGER NOT NULL,
    in_doubt     INTEGER NOT NULL,
    edited       INTEGER NOT NULL,
    deleted      INTEGER NOT NULL,
    folded_at    INTEGER NOT NULL
);

CREATE INDEX broadcasts_created ON broadcasts (created_at);
