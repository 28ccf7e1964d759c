-- Announcements composed by tapping: one message of buttons, edited in place, walks an official
-- from their content through topic, audience and options to the preview. The flow's state is
-- kept here, so that a restart in the middle keeps it and its buttons keep working.
-- AUTOINCREMENT: a replaced flow's id is never reused, so its stale buttons stay stale.
CREATE TABLE flows (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    official_id INTEGER NOT NULL,
    -- Only an open flow's buttons act; the others answer with what became of it.
    status      TEXT    NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'sent', 'cancelled', 'replaced', 'expired')),
    step        TEXT    NOT NULL
                CHECK (step IN ('content', 'topic', 'audience', 'options', 'when', 'typed_time', 'preview')),
    -- The content, as drafts keep it; empty while `/post` alone waits for it.
    body        TEXT    NOT NULL DEFAULT '',
    entities    TEXT,
    media       TEXT,
    topic       TEXT    REFERENCES topics (slug),
    areas       TEXT    NOT NULL DEFAULT '[]',  -- JSON array of normalised area codes; [] = ward-wide
    pin         INTEGER NOT NULL DEFAULT 0 CHECK (pin IN (0, 1)),
    urgent      INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    send_at     INTEGER,                        -- NULL: as soon as it is confirmed
    draft_id    INTEGER,                        -- the draft its preview saved
    -- The message last tapped: where the answer to a typed send time is shown.
    message_id  INTEGER,
    updated_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- One open flow per official: a new one replaces it.
CREATE UNIQUE INDEX flows_open ON flows (official_id) WHERE status = 'open';
CREATE INDEX flows_draft ON flows (draft_id) WHERE draft_id IS NOT NULL;
CREATE INDEX flows_updated ON flows (updated_at);
