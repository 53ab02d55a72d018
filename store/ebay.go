package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Token returns a cached OAuth token ("" when none), shared by every process
// using the database so cron runs do not mint a token each.
func (s *Store) Token(ctx context.Context, key string) (string, time.Time, error) {
	var tok string
	var exp sql.NullString
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT token, expires_at FROM oauth_tokens WHERE key = ?`, key).Scan(&tok, &exp)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("store: oauth token: %w", err)
	}
	return tok, parseTS(exp), nil
}

// SaveToken caches an OAuth token until it expires.
func (s *Store) SaveToken(ctx context.Context, key, token string, expires time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_tokens (key, token, expires_at) VALUES (?, ?, ?)
			ON CONFLICT(key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at`, key, token, ts(expires))
		if err != nil {
			return fmt.Errorf("store: save oauth token: %w", err)
		}
		return nil
	})
}

// Calls returns how many API calls a source made on a day.
func (s *Store) Calls(ctx context.Context, source, day string) (int, error) {
	var n int
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT calls FROM api_usage WHERE source = ? AND day = ?`, source, day).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: api usage: %w", err)
	}
	return n, nil
}

// AddCall counts one API call and returns the day's total.
func (s *Store) AddCall(ctx context.Context, source, day string) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_usage (source, day, calls) VALUES (?, ?, 1)
			ON CONFLICT(source, day) DO UPDATE SET calls = calls + 1 RETURNING calls`, source, day).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("store: count api call: %w", err)
	}
	return n, nil
}
