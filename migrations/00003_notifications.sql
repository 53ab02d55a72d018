-- The alert outbox: rows are written in the same transaction as the deal that
-- causes them and delivered after commit. dedupe_key makes re-runs harmless.

-- +goose Up
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    watch_id        INTEGER REFERENCES watches(id) ON DELETE CASCADE,
    listing_id      INTEGER REFERENCES listings(id) ON DELETE SET NULL,
    channel         TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    payload         TEXT    NOT NULL, -- JSON notify.Message
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);

-- +goose Down
DROP TABLE notifications;
