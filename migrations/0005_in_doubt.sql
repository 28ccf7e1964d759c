-- A send that was in flight when Loa died is resumed, so its chat may get the announcement
-- twice: such deliveries are marked, and /report names them.
ALTER TABLE deliveries ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0 CHECK (in_doubt IN (0, 1));
