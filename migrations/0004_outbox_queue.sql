-- The worker's claim walks pending deliveries in its own order and stops at its limit, instead
-- of ranking every pending row on each claim.
CREATE INDEX deliveries_queue ON deliveries (urgent DESC, broadcast_id, chat_id) WHERE state = 'pending';
