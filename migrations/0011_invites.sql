-- One-time links that make officials: an admin's `/official invite` gives
-- t.me/<bot>?start=<code>; whoever opens it within 24 h becomes an official with `role`.
CREATE TABLE invites (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT    NOT NULL UNIQUE,  -- 128 bits from the system's CSPRNG, hex
    role       TEXT    NOT NULL CHECK (role IN ('admin', 'editor')),
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by    INTEGER,                  -- set once, in the transaction that adds the official
    used_at    INTEGER
);
