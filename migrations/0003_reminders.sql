-- Scheduled and recurring reminders. Instants are unix milliseconds; dates are local
-- (LOA_TIMEZONE) YYYY-MM-DD.

CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY,
    created_by   INTEGER NOT NULL,           -- official's user id; 0 for `loa import`
    created_at   INTEGER NOT NULL,
    schedule     TEXT    NOT NULL,           -- the <when> token, canonical (When::to_storage)
    window_from  TEXT,
    window_to    TEXT,
    topic        TEXT    NOT NULL REFERENCES topics (slug),
    areas        TEXT    NOT NULL,           -- JSON array; [] = ward-wide
    pin          INTEGER NOT NULL CHECK (pin IN (0, 1)),
    urgent       INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    body         TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active', 'paused', 'finished', 'cancelled')),
    next_fire_at INTEGER,                    -- NULL once finished or cancelled
    missed       INTEGER NOT NULL DEFAULT 0, -- fires not sent: older than LOA_CATCHUP at start-up
    last_missed_at INTEGER,
    import_key   TEXT    UNIQUE              -- a plan entry's key, so importing twice adds nothing
);

CREATE INDEX reminders_due ON reminders (next_fire_at) WHERE status = 'active';

-- Holidays: no fire on these local dates.
CREATE TABLE reminder_skips (
    reminder_id INTEGER NOT NULL REFERENCES reminders (id),
    day         TEXT    NOT NULL,
    PRIMARY KEY (reminder_id, day)
) WITHOUT ROWID;

-- A fire of a reminder is one broadcast, keyed by (reminder, fire time): a restart, a double
-- tick or a second process can never make two.
ALTER TABLE broadcasts ADD COLUMN reminder_id INTEGER REFERENCES reminders (id);
ALTER TABLE broadcasts ADD COLUMN fire_at INTEGER;
ALTER TABLE broadcasts ADD COLUMN late INTEGER NOT NULL DEFAULT 0;  -- sent in catch-up after downtime
CREATE UNIQUE INDEX broadcasts_one_per_fire ON broadcasts (reminder_id, fire_at) WHERE reminder_id IS NOT NULL;
