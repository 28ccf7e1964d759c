-- Deliveries waiting for a later time (a post scheduled with /at or held by quiet hours, a
-- retry's backoff) are parked: kept out of the index the worker's claim walks, so that however
-- many wait, a claim reads only what is due. The claim unparks them as their time comes.
-- `parked = 1` implies `next_attempt_at` was in the future when the row was parked; a row with
-- `parked = 0` is still claimed only once `next_attempt_at` has come.
ALTER TABLE deliveries ADD COLUMN parked INTEGER NOT NULL DEFAULT 0 CHECK (parked IN (0, 1));
UPDATE deliveries SET parked = 1
WHERE state = 'pending' AND next_attempt_at > CAST(strftime('%s', 'now') AS INTEGER) * 1000;

DROP INDEX deliveries_queue;
CREATE INDEX deliveries_queue ON deliveries (urgent DESC, broadcast_id, chat_id)
    WHERE state = 'pending' AND parked = 0;
CREATE INDEX deliveries_parked ON deliveries (next_attempt_at) WHERE state = 'pending' AND parked = 1;

-- The claim no longer reads `deliveries_due`; only the start-up resume looks for rows in
-- flight, a handful, which a smaller index finds.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_in_flight ON deliveries (chat_id) WHERE state = 'sending';
