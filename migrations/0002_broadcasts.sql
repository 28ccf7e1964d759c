-- Officials' announcements and the outbox that delivers them. Instants are unix milliseconds.

-- Who did what, for every official action.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    action  TEXT    NOT NULL,  -- post, confirm, cancel, edit, recall, official_add, official_remove
    detail  TEXT    NOT NULL
);

-- An official's announcement awaiting confirmation; one per official, a new /post replaces it.
-- AUTOINCREMENT: a replaced draft's id is never reused, so its stale buttons stay stale.
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    official_id INTEGER NOT NULL UNIQUE,
    topic       TEXT    NOT NULL REFERENCES topics (slug),
    areas       TEXT    NOT NULL,  -- JSON array of normalised area codes; [] = ward-wide
    pin         INTEGER NOT NULL CHECK (pin IN (0, 1)),
    urgent      INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    body        TEXT    NOT NULL,  -- exactly as the official wrote it
    not_before  INTEGER NOT NULL,  -- when delivery may start
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL,  -- the official's user id
    topic       TEXT    NOT NULL REFERENCES topics (slug),
    areas       TEXT    NOT NULL,  -- JSON array; [] = ward-wide
    pin         INTEGER NOT NULL CHECK (pin IN (0, 1)),
    urgent      INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    body        TEXT    NOT NULL,  -- the current text: /edit replaces it
    revision    INTEGER NOT NULL DEFAULT 1,  -- incremented by each /edit
    not_before  INTEGER NOT NULL,
    recalled_at INTEGER
);

-- The outbox: one row per (broadcast, recipient chat), so nothing is sent twice by design.
-- 'sending' is written before the request leaves: after a crash, such a row is the only kind
-- that may have reached its chat without being recorded.
CREATE TABLE deliveries (
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts (id),
    chat_id         INTEGER NOT NULL,
    urgent          INTEGER NOT NULL,  -- copied from the broadcast: the worker's order
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    message_id      INTEGER,
    sent_at         INTEGER,
    sent_revision   INTEGER,           -- the broadcast revision whose text the chat shows
    pinned          INTEGER,           -- NULL: not asked; 1: pinned; 0: the pin failed
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;

CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX deliveries_chat ON deliveries (chat_id, state);

-- Edits and recalls of delivered messages, one row per (broadcast, chat, what, revision).
CREATE TABLE amendments (
    broadcast_id    INTEGER NOT NULL,
    chat_id         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('edit', 'delete')),
    revision        INTEGER NOT NULL,  -- the broadcast revision to show (edit) or recalled (delete)
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'done', 'failed', 'superseded')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    done_at         INTEGER,
    PRIMARY KEY (broadcast_id, chat_id, kind, revision),
    FOREIGN KEY (broadcast_id, chat_id) REFERENCES deliveries (broadcast_id, chat_id)
) WITHOUT ROWID;

CREATE INDEX amendments_due ON amendments (state, next_attempt_at) WHERE state IN ('pending', 'sending');
