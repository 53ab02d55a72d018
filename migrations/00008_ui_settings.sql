-- Settings the web UI keeps between requests. The first is the key that the
-- secret per-watch Atom feed paths are derived from: 32 random bytes from
-- SQLite's randomness (the operating system's), made here so that no GET
-- request ever has to write one.

-- +goose Up
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO settings (key, value, updated_at)
VALUES ('feed_key', lower(hex(randomblob(32))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- +goose Down
DROP TABLE settings;
