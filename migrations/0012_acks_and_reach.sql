-- Residents answer back: an announcement may ask them to tap "✅ Đã nhận" (acknowledged), and
-- Loa counts how many people each delivery reached. Instants are unix milliseconds.

-- What an announcement asks of its readers (JSON, see domain::AckRequest): NULL asks nothing;
-- {"within_secs": 1800, "remind": true} asks for a tap within 30 min, else a reminder.
-- `within_secs` absent: LOA_ACK_WITHIN.
ALTER TABLE drafts ADD COLUMN ack TEXT;
ALTER TABLE broadcasts ADD COLUMN ack TEXT;
ALTER TABLE flows ADD COLUMN ack TEXT;
ALTER TABLE reminders ADD COLUMN ack TEXT;

-- Who tapped, once per person and chat: a second tap by the same person changes nothing.
CREATE TABLE acks (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
    chat_id      INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (broadcast_id, chat_id, user_id)
) WITHOUT ROWID;

CREATE INDEX acks_at ON acks (at);

-- Taps in this chat (the rows of `acks`), and the count its button shows. The button is edited
-- when they differ, at most once per 10 s per message (`acks_shown_at`: the last edit begun).
ALTER TABLE deliveries ADD COLUMN acks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN acks_shown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN acks_shown_at INTEGER;
-- When a delivery still without a tap is reported to its author (sent_at + the time allowed);
-- NULL once reported, or when nothing is asked.
ALTER TABLE deliveries ADD COLUMN ack_due_at INTEGER;
-- The notice that this chat has not acknowledged in time (one message lists every such chat of
-- the broadcast), to its author and then to the ward's desk (LOA_DESK_CHAT): NULL when none is
-- owed; 'pending' → 'sending' → ('desk' → 'desk_sending' →) 'sent', or 'failed'.
ALTER TABLE deliveries ADD COLUMN ack_notice TEXT
    CHECK (ack_notice IN ('pending', 'sending', 'desk', 'desk_sending', 'sent', 'failed'));
-- When the notice may be tried (again), and how many times it has been.
ALTER TABLE deliveries ADD COLUMN ack_notice_at INTEGER;
ALTER TABLE deliveries ADD COLUMN ack_notice_attempts INTEGER NOT NULL DEFAULT 0;
-- The one reminder to a group that did not acknowledge in time (`,remind`): NULL when none
-- is owed; 'pending' → 'sending' → 'sent' or 'failed', as deliveries go.
ALTER TABLE deliveries ADD COLUMN ack_reminder TEXT
    CHECK (ack_reminder IN ('pending', 'sending', 'sent', 'failed'));
-- When the reminder may be tried (again), and how many times it has been.
ALTER TABLE deliveries ADD COLUMN ack_reminder_at INTEGER;
ALTER TABLE deliveries ADD COLUMN ack_reminder_attempts INTEGER NOT NULL DEFAULT 0;
-- People the delivery reached: 1 for a private chat, the group's members less the bot; NULL
-- while unknown.
ALTER TABLE deliveries ADD COLUMN reach INTEGER;

CREATE INDEX deliveries_acks_to_show ON deliveries (broadcast_id, chat_id) WHERE acks <> acks_shown;
CREATE INDEX deliveries_ack_due ON deliveries (ack_due_at) WHERE ack_due_at IS NOT NULL;
-- The worker looks for due work on every claim: each kind has an index of only its own rows.
CREATE INDEX deliveries_ack_reminders ON deliveries (ack_reminder_at) WHERE ack_reminder = 'pending';
CREATE INDEX deliveries_ack_notices ON deliveries (ack_notice) WHERE ack_notice IN ('pending', 'desk');
CREATE INDEX deliveries_reach_unknown ON deliveries (sent_at) WHERE reach IS NULL AND state = 'sent';

-- A group's member count (getChatMemberCount), asked at most once a day and only when a
-- delivery needs it; `members_at`: when it was last asked (NULL members: the asking failed).
ALTER TABLE chats ADD COLUMN members INTEGER;
ALTER TABLE chats ADD COLUMN members_at INTEGER;

-- Folded broadcasts keep their reach and acknowledgements: people reached, groups delivered
-- to, chats with at least one tap.
ALTER TABLE folded_deliveries ADD COLUMN reach INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folded_deliveries ADD COLUMN groups INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folded_deliveries ADD COLUMN acked_chats INTEGER NOT NULL DEFAULT 0;
