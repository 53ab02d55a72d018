-- The core nouns: watches, channels, listings and their prices, deals.
-- Times are UTC text in one fixed-width format so they sort as they compare;
-- money is integer cents plus an ISO currency.

-- +goose Up
CREATE TABLE watches (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    query           TEXT    NOT NULL,
    exclude         TEXT    NOT NULL DEFAULT '[]', -- JSON array of words
    sources         TEXT    NOT NULL DEFAULT '[]', -- JSON array of source specs
    min_price_cents INTEGER,
    max_price_cents INTEGER,
    currency        TEXT    NOT NULL DEFAULT 'USD',
    conditions      TEXT    NOT NULL DEFAULT '[]',
    zip             TEXT    NOT NULL DEFAULT '',
    lat             REAL,
    lng             REAL,
    radius_mi       REAL    NOT NULL DEFAULT 0,
    min_score       REAL    NOT NULL DEFAULT 75,
    notify          TEXT    NOT NULL DEFAULT '[]', -- JSON array of channel names
    every_seconds   INTEGER NOT NULL DEFAULT 900,
    digest          TEXT    NOT NULL DEFAULT 'daily@08:00',
    quiet           TEXT    NOT NULL DEFAULT '',
    paused          INTEGER NOT NULL DEFAULT 0,
    settings        TEXT    NOT NULL DEFAULT '{}',
    backfilled      INTEGER NOT NULL DEFAULT 0,
    last_polled_at  TEXT,
    last_digest_at  TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE TABLE channels (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    url           TEXT    NOT NULL, -- holds tokens: the database file is 0600
    kind          TEXT    NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0, -- consecutive failed deliveries
    last_error    TEXT    NOT NULL DEFAULT '',
    last_sent_at  TEXT,
    created_at    TEXT    NOT NULL
);

CREATE TABLE listings (
    id             INTEGER PRIMARY KEY,
    source         TEXT    NOT NULL,
    source_id      TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    price_cents    INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    price_known    INTEGER NOT NULL DEFAULT 1,
    free           INTEGER NOT NULL DEFAULT 0,
    condition      TEXT    NOT NULL DEFAULT 'unknown',
    category       TEXT    NOT NULL DEFAULT '',
    posted_at      TEXT,
    lat            REAL,
    lng            REAL,
    postal_code    TEXT    NOT NULL DEFAULT '',
    country        TEXT    NOT NULL DEFAULT '',
    location_text  TEXT    NOT NULL DEFAULT '',
    url            TEXT    NOT NULL DEFAULT '',
    images         TEXT    NOT NULL DEFAULT '[]',
    shipping_cents INTEGER NOT NULL DEFAULT -1,
    auction        INTEGER NOT NULL DEFAULT 0,
    seller         TEXT    NOT NULL DEFAULT '',
    norm_title     TEXT    NOT NULL DEFAULT '', -- for cross-source duplicate detection
    duplicate_of   INTEGER REFERENCES listings(id) ON DELETE SET NULL,
    first_seen     TEXT    NOT NULL,
    last_seen      TEXT    NOT NULL,
    gone_at        TEXT,
    UNIQUE (source, source_id)
);
CREATE INDEX listings_norm_title ON listings(norm_title);

CREATE TABLE price_history (
    id          INTEGER PRIMARY KEY,
    listing_id  INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    price_cents INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    seen_at     TEXT    NOT NULL
);
CREATE INDEX price_history_listing ON price_history(listing_id, seen_at);

CREATE TABLE deals (
    id                  INTEGER PRIMARY KEY,
    watch_id            INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    listing_id          INTEGER NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
    source_spec         TEXT    NOT NULL, -- which of the watch's sources found it
    score               REAL    NOT NULL,
    components          TEXT    NOT NULL, -- JSON of the whole scout.Score
    distance_mi         REAL,
    status              TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'seen', 'saved', 'dismissed')),
    missed              INTEGER NOT NULL DEFAULT 0, -- consecutive complete fetches without it
    digest_pending      INTEGER NOT NULL DEFAULT 0,
    alerted_price_cents INTEGER, -- price when last alerted; only a further drop alerts again
    first_seen          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    UNIQUE (watch_id, listing_id)
);
CREATE INDEX deals_watch_score ON deals(watch_id, score DESC);
CREATE INDEX deals_score ON deals(score DESC);
CREATE INDEX deals_listing ON deals(listing_id);

-- +goose Down
DROP TABLE deals;
DROP TABLE price_history;
DROP TABLE listings;
DROP TABLE channels;
DROP TABLE watches;
