package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Channel is a named alert destination. URL holds secrets: never log or print it unmasked.
type Channel struct {
	ID         int64
	Name       string
	URL        string
	Kind       string
	Failures   int // consecutive failed deliveries
	LastError  string
	LastSentAt time.Time
	CreatedAt  time.Time
}

// ErrInUse is returned when removing a channel that watches still notify.
var ErrInUse = errors.New("in use")

// CreateChannel stores a validated channel. ErrConflict when the name is taken.
func (s *Store) CreateChannel(ctx context.Context, c *Channel) error {
	now := s.Now()
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO channels (name, url, kind, created_at) VALUES (?,?,?,?)`,
			c.Name, c.URL, c.Kind, ts(now))
		if isUnique(err) {
			return fmt.Errorf("channel %q %w", c.Name, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: create channel %q: %w", c.Name, err)
		}
		c.ID, _ = res.LastInsertId()
		c.CreatedAt = now
		return nil
	})
}

// Channels lists every channel by name.
func (s *Store) Channels(ctx context.Context) ([]Channel, error) {
	var out []Channel
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, url, kind, failures, last_error, last_sent_at, created_at FROM channels ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanChannel(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	return out, nil
}

// Channel returns one channel by name.
func (s *Store) Channel(ctx context.Context, name string) (Channel, error) {
	var c Channel
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanChannel(tx.QueryRowContext(ctx, `SELECT id, name, url, kind, failures, last_error, last_sent_at, created_at FROM channels WHERE name = ?`, name))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("channel %q: %w (see `dealscout channel list`)", name, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("store: channel %q: %w", name, err)
	}
	return c, nil
}

// DeleteChannel removes a channel unless a watch still notifies it, in which
// case the error names those watches. Pending alerts for it are dropped.
func (s *Store) DeleteChannel(ctx context.Context, name string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT w.name FROM watches w, json_each(w.notify) j WHERE j.value = ? ORDER BY w.name`, name)
		if err != nil {
			return fmt.Errorf("store: delete channel %q: %w", name, err)
		}
		var users []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			users = append(users, n)
		}
		rows.Close()
		if len(users) > 0 {
			return fmt.Errorf("channel %q is %w by watch %v; remove it from them first (dealscout watch edit NAME --notify …)", name, ErrInUse, users)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("store: delete channel %q: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("channel %q: %w", name, ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE channel = ? AND status = 'pending'`, name)
		return err
	})
}

// MissingChannels returns the names in names that are not channels.
func (s *Store) MissingChannels(ctx context.Context, names []string) ([]string, error) {
	chs, err := s.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, n := range names {
		if !slices.ContainsFunc(chs, func(c Channel) bool { return c.Name == n }) {
			missing = append(missing, n)
		}
	}
	return missing, nil
}

func scanChannel(r rowScanner) (Channel, error) {
	var c Channel
	var lastSent, created sql.NullString
	err := r.Scan(&c.ID, &c.Name, &c.URL, &c.Kind, &c.Failures, &c.LastError, &lastSent, &created)
	c.LastSentAt, c.CreatedAt = parseTS(lastSent), parseTS(created)
	return c, err
}
