-- The feedback desk (phản ánh): residents report to the ward in private, officials answer.
-- Personal parts of a ticket (name, username, photo, location, and the resident's user id
-- that links it to a person) are erased after LOA_KEEP_TICKETS or on /xoadulieu; the rest
-- stays as anonymous statistics.

-- A report a resident is still writing: one per resident, replaced by a new /phananh, gone
-- when it becomes a ticket. Kept here so that a restart in the middle loses nothing.
CREATE TABLE ticket_drafts (
    resident_id INTEGER PRIMARY KEY,
    step        TEXT    NOT NULL CHECK (step IN ('content', 'area', 'category', 'consent')),
    body        TEXT    NOT NULL DEFAULT '',
    media       TEXT,           -- JSON MediaItem: one photo or a short video
    latitude    REAL,
    longitude   REAL,
    area        TEXT,           -- normalised area code; NULL = not known
    category    TEXT,
    updated_at  INTEGER NOT NULL
);

CREATE INDEX ticket_drafts_updated ON ticket_drafts (updated_at);

-- AUTOINCREMENT: a ticket's number is what the resident and the desk quote; never reused.
CREATE TABLE tickets (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id  INTEGER,       -- NULL once personal data is erased
    status       TEXT    NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'acknowledged', 'resolved', 'declined')),
    body         TEXT    NOT NULL,
    media        TEXT,
    latitude     REAL,
    longitude    REAL,
    area         TEXT,
    category     TEXT    NOT NULL
                 CHECK (category IN ('waste', 'hygiene', 'security', 'infrastructure', 'other')),
    -- "Cho phép phường liên hệ lại với bạn?": only then does the desk see name and username.
    consent      INTEGER NOT NULL CHECK (consent IN (0, 1)),
    name         TEXT,
    username     TEXT,
    created_at   INTEGER NOT NULL,
    acked_at     INTEGER,
    closed_at    INTEGER,
    -- Set once Telegram answered for the ticket's card at the desk (sent, or refused for
    -- good): until then the desk is owed it, and a restart sends it again.
    posted_at    INTEGER,
    -- Likewise for the reminder of a ticket nobody took on: set once it reached the desk, so
    -- that one lost to a crash is sent again.
    reminded_at  INTEGER,
    erased_at    INTEGER
);

CREATE INDEX tickets_resident ON tickets (resident_id, created_at) WHERE resident_id IS NOT NULL;
CREATE INDEX tickets_unacked ON tickets (created_at) WHERE status = 'open' AND reminded_at IS NULL;
CREATE INDEX tickets_unposted ON tickets (id) WHERE posted_at IS NULL;
CREATE INDEX tickets_personal ON tickets (created_at) WHERE erased_at IS NULL;

-- When each resident opened a ticket, for the daily limit. Apart from `tickets` because
-- erasing a ticket's personal data unlinks it from the resident: counted there, /xoadulieu
-- would reset the limit. Kept only as long as the limit looks back (purged after a day).
CREATE TABLE ticket_opens (
    resident_id INTEGER NOT NULL,
    at          INTEGER NOT NULL
);

CREATE INDEX ticket_opens_resident ON ticket_opens (resident_id, at);
CREATE INDEX ticket_opens_at ON ticket_opens (at);

-- The desk's copies of a ticket (the desk group's, or one per admin): a reply to any of them
-- answers the ticket, and their buttons follow its status.
CREATE TABLE desk_messages (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    -- What the copy shows: 'text' and 'media' (a photo or video) may show personal data, which
    -- must go from the desk's chats too once the ticket's is erased; 'anonymous' shows none.
    card       TEXT    NOT NULL CHECK (card IN ('text', 'media', 'anonymous')),
    PRIMARY KEY (chat_id, message_id)
);

CREATE INDEX desk_messages_ticket ON desk_messages (ticket_id);
CREATE INDEX desk_messages_personal ON desk_messages (ticket_id) WHERE card != 'anonymous';

-- What officials answered, and whether it reached the resident.
CREATE TABLE ticket_replies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    official_id INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'delivered', 'undeliverable')),
    error       TEXT,
    created_at  INTEGER NOT NULL
);

CREATE INDEX ticket_replies_ticket ON ticket_replies (ticket_id);
-- Answers a crash left unrelayed, sent again at start-up.
CREATE INDEX ticket_replies_pending ON ticket_replies (id) WHERE state = 'pending';

-- Residents the desk no longer hears from. Kept by user id (that is the point), named by the
-- ticket that led to it so that the admin never had to see who it was.
CREATE TABLE desk_blocks (
    resident_id INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL,
    blocked_by  INTEGER NOT NULL,
    blocked_at  INTEGER NOT NULL
);
