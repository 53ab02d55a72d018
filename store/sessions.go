package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CreateSession starts a UI session lasting ttl and returns its id, the
// cookie value. Only the id's SHA-256 is stored. Expired sessions are
// removed on the way, so the table never grows beyond the live ones.
func (s *Store) CreateSession(ctx context.Context, ttl time.Duration) (string, error) {
	id, err := newSecret()
	if err != nil {
		return "", err
	}
	now := s.Now()
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ts(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, created_at, expires_at) VALUES (?, ?, ?)`,
			hashSecret(id), ts(now), ts(now.Add(ttl)))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: create session: %w", err)
	}
	return id, nil
}

// SessionValid reports whether id names a session that has not expired or
// been ended.
func (s *Store) SessionValid(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	var expires sql.NullString
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT expires_at FROM sessions WHERE hash = ?`, hashSecret(id)).Scan(&expires)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: check session: %w", err)
	}
	return s.Now().Before(parseTS(expires)), nil
}

// EndSession deletes the session id (logout); ending an unknown one is not an error.
func (s *Store) EndSession(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hashSecret(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: end session: %w", err)
	}
	return nil
}
