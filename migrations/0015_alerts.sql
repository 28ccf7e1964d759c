-- Alerts to people: what Loa tells the ward's admins (or its desk chat) in Telegram when
-- something needs a person. One row per kind of trouble, so that a restart neither repeats an
-- alert nor loses one. Instants are unix milliseconds.
CREATE TABLE alerts (
    -- 'worker', 'scheduler', 'broadcast', 'rights', 'backup' (domain::AlertKind); no CHECK, so
    -- that a new kind needs no migration.
    kind          TEXT    PRIMARY KEY,
    -- Whether the trouble is still on.
    open          INTEGER NOT NULL CHECK (open IN (0, 1)),
    -- What it is, as JSON (domain::Alert): the broadcast and its counts, the groups, the error.
    detail        TEXT    NOT NULL,
    -- When it last began.
    opened_at     INTEGER NOT NULL,
    -- Counts what there was to say: raised when the trouble begins or has news (another
    -- group); the admins are owed a message while `told_revision` is behind it.
    revision      INTEGER NOT NULL DEFAULT 1,
    told_revision INTEGER NOT NULL DEFAULT 0,
    -- When the last message about the trouble reached Telegram: at most one an hour.
    told_at       INTEGER,
    -- A short "resolved" is owed: the trouble ended after the admins were told of it.
    resolved_owed INTEGER NOT NULL DEFAULT 0 CHECK (resolved_owed IN (0, 1))
) WITHOUT ROWID;
