-- Announcements that carry more than plain text: the text's formatting and media. NULL in
-- either column is what every earlier announcement was: a plain text message.

-- Telegram's entities of `body` (JSON array; offsets in UTF-16 units): bold, links...
ALTER TABLE drafts ADD COLUMN entities TEXT;
-- What comes with the words (JSON, see domain::Media): media items in album order, or a location.
ALTER TABLE drafts ADD COLUMN media TEXT;
ALTER TABLE broadcasts ADD COLUMN entities TEXT;
ALTER TABLE broadcasts ADD COLUMN media TEXT;

-- A chat's messages of one delivery besides `message_id` (which carries the caption or text):
-- an album's other items, or the location after its heading. JSON array; recalled together.
ALTER TABLE deliveries ADD COLUMN more_message_ids TEXT;

-- What officials sent the bot in private, kept for a day: an album arrives as one message per
-- item, and `/post` replying to any of them takes the whole album from here.
CREATE TABLE inbox (
    chat_id        INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    media_group_id TEXT,
    entities       TEXT,
    media          TEXT,
    body           TEXT    NOT NULL,
    received_at    INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
) WITHOUT ROWID;

CREATE INDEX inbox_album ON inbox (media_group_id) WHERE media_group_id IS NOT NULL;
CREATE INDEX inbox_received ON inbox (received_at);
