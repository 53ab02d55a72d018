-- What serve's logins need: API bearer tokens and UI sessions. Only the
-- SHA-256 of a token or session id is stored, so a copy of the database
-- (a backup, a stolen disk) does not let anyone in.

-- +goose Up
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    hash         TEXT    NOT NULL UNIQUE, -- hex SHA-256 of the token
    created_at   TEXT    NOT NULL,
    last_used_at TEXT
);

CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY, -- hex SHA-256 of the cookie's value
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE api_tokens;
