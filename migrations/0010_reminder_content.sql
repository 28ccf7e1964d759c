-- Reminders carry content as announcements do (the dengue poster every Saturday): the
-- formatting of `body` and the media, as in broadcasts (see 0008). NULL: plain text.
-- (0009 is left to the compose flow's state, landing beside this.)
ALTER TABLE reminders ADD COLUMN entities TEXT;
ALTER TABLE reminders ADD COLUMN media TEXT;
