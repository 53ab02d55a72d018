-- What poll needs to run unattended: run reports, per-source memory and
-- health, the eBay call budget and its OAuth token.

-- +goose Up
CREATE TABLE poll_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    status      TEXT    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    report      TEXT    NOT NULL DEFAULT '{}' -- JSON, the shape `poll --json` prints
);
CREATE INDEX poll_runs_started ON poll_runs(started_at);

CREATE TABLE source_state (
    watch_id        INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    spec            TEXT    NOT NULL,
    etag            TEXT    NOT NULL DEFAULT '',
    last_modified   TEXT    NOT NULL DEFAULT '',
    next_check_at   TEXT, -- set when a source must not be called before then (quota)
    failure_streak  INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_success_at TEXT,
    last_failure_at TEXT,
    failing_alerted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (watch_id, spec)
);

CREATE TABLE api_usage (
    source TEXT    NOT NULL,
    day    TEXT    NOT NULL, -- the provider's accounting day, e.g. US Pacific for eBay
    calls  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, day)
);

CREATE TABLE oauth_tokens (
    key        TEXT PRIMARY KEY,
    token      TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE oauth_tokens;
DROP TABLE api_usage;
DROP TABLE source_state;
DROP TABLE poll_runs;
