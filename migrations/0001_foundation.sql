-- Chats the bot knows: private chats with residents or officials, and residential groups.
-- Instants are unix milliseconds (UTC).
CREATE TABLE chats (
    id          INTEGER PRIMARY KEY,          -- Telegram chat id
    kind        TEXT    NOT NULL CHECK (kind IN ('private', 'group', 'supergroup', 'channel')),
    title       TEXT    NOT NULL DEFAULT '',  -- group title, or the resident's name
    area        TEXT,                         -- normalised residential group code; NULL = unbound
    lang        TEXT    CHECK (lang IN ('vi', 'en')), -- NULL = LOA_LANG
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    joined_at   INTEGER NOT NULL,
    left_at     INTEGER,
    migrated_to INTEGER                       -- set when a group became a supergroup
);

CREATE INDEX chats_area ON chats (area) WHERE active = 1;

CREATE TABLE topics (
    slug     TEXT    PRIMARY KEY,
    name_vi  TEXT    NOT NULL,
    name_en  TEXT    NOT NULL,
    position INTEGER NOT NULL UNIQUE
);

INSERT INTO topics (slug, name_vi, name_en, position) VALUES
    ('waste',    'Thu gom rác, vệ sinh môi trường', 'Waste collection and sanitation', 1),
    ('health',   'Phòng chống dịch bệnh',           'Disease prevention',              2),
    ('civic',    'Nếp sống văn minh',               'Civic life and rules',            3),
    ('security', 'An ninh trật tự',                 'Public order and safety',         4),
    ('meeting',  'Họp, hội nghị',                   'Meetings',                        5),
    ('general',  'Thông báo chung',                 'General notices',                 6);

CREATE TABLE subscriptions (
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    topic      TEXT    NOT NULL REFERENCES topics (slug),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (chat_id, topic)
);

CREATE INDEX subscriptions_topic ON subscriptions (topic);

CREATE TABLE officials (
    user_id  INTEGER PRIMARY KEY,             -- Telegram user id
    role     TEXT    NOT NULL CHECK (role IN ('admin', 'editor')),
    added_by INTEGER,                         -- NULL when added from LOA_ADMINS
    added_at INTEGER NOT NULL
);
