package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Alert statuses in the outbox.
const (
	AlertPending = "pending"
	AlertSent    = "sent"
	AlertDead    = "dead"
)

// Alert is one outbox row.
type Alert struct {
	ID            int64
	DedupeKey     string
	WatchID       int64
	Watch         string
	ListingID     int64
	Channel       string
	Reason        string
	Payload       []byte
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
}

const alertSelect = `SELECT n.id, n.dedupe_key, COALESCE(n.watch_id, 0), COALESCE(w.name, ''), COALESCE(n.listing_id, 0),
	n.channel, n.reason, n.payload, n.status, n.attempts, n.next_attempt_at, n.last_error, n.created_at, n.sent_at
	FROM notifications n LEFT JOIN watches w ON w.id = n.watch_id`

// DueAlerts returns pending alerts whose time has come, oldest first.
func (s *Store) DueAlerts(ctx context.Context, now time.Time, limit int) ([]Alert, error) {
	return s.alerts(ctx, alertSelect+` WHERE n.status = 'pending' AND n.next_attempt_at <= ? ORDER BY n.next_attempt_at, n.id LIMIT ?`, ts(now), limit)
}

// AlertFilter narrows Alerts.
type AlertFilter struct {
	Status string // "" = any
	Limit  int
}

// Alerts lists outbox rows, newest first.
func (s *Store) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	q, args := alertSelect, []any{}
	if f.Status != "" {
		q, args = q+` WHERE n.status = ?`, append(args, f.Status)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	return s.alerts(ctx, q+` ORDER BY n.id DESC LIMIT ?`, append(args, f.Limit)...)
}

func (s *Store) alerts(ctx context.Context, q string, args ...any) ([]Alert, error) {
	var out []Alert
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a Alert
			var payload string
			var next, created, sent sql.NullString
			if err := rows.Scan(&a.ID, &a.DedupeKey, &a.WatchID, &a.Watch, &a.ListingID, &a.Channel, &a.Reason, &payload,
				&a.Status, &a.Attempts, &next, &a.LastError, &created, &sent); err != nil {
				return err
			}
			a.Payload = []byte(payload)
			a.NextAttemptAt, a.CreatedAt, a.SentAt = parseTS(next), parseTS(created), parseTS(sent)
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	return out, nil
}

// MarkAlertSent records a delivery and clears the channel's failure count.
func (s *Store) MarkAlertSent(ctx context.Context, id int64, channel string, at time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = ''
			WHERE id = ?`, ts(at), id); err != nil {
			return fmt.Errorf("store: mark alert %d sent: %w", id, err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE channels SET failures = 0, last_error = '', last_sent_at = ? WHERE name = ?`, ts(at), channel)
		return err
	})
}

// MarkAlertFailed records a failed attempt: retried at next, or dead.
func (s *Store) MarkAlertFailed(ctx context.Context, id int64, channel string, next time.Time, msg string, dead bool) error {
	status := AlertPending
	if dead {
		status = AlertDead
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
			last_error = ? WHERE id = ?`, status, ts(next), clipError(msg), id); err != nil {
			return fmt.Errorf("store: mark alert %d failed: %w", id, err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE channels SET failures = failures + 1, last_error = ? WHERE name = ?`, clipError(msg), channel)
		return err
	})
}

// RetryAlert puts a dead (or pending) alert back in the queue now.
func (s *Store) RetryAlert(ctx context.Context, id int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = ?
			WHERE id = ? AND status != 'sent'`, ts(s.Now()), id)
		if err != nil {
			return fmt.Errorf("store: retry alert %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("alert %d (not found, or already sent): %w", id, ErrNotFound)
		}
		return nil
	})
}

// DigestCandidate is a watch with deals waiting for its digest.
type DigestCandidate struct {
	Watch scout.Watch
	Deals []scout.Deal // best first, at most the cap
	Total int          // all pending, including beyond the cap
}

// PendingDigests returns, for each watch that sends digests, the deals
// waiting for one.
func (s *Store) PendingDigests(ctx context.Context, limit int) ([]DigestCandidate, []time.Time, error) {
	ws, err := s.digestWatches(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []DigestCandidate
	var lastDigest []time.Time
	for _, w := range ws {
		// A watch with digests off or no channel never gets one, so its
		// pending deals are not counted: the count reads every deal of the
		// watch, and every poll (once a minute from cron) would pay it.
		// digestWatches has left most of those out already.
		if dg, err := scout.ParseDigest(w.Digest); err != nil || dg.Off || len(w.Notify) == 0 {
			continue
		}
		var total int
		var last sql.NullString
		err := s.read(ctx, func(tx *sql.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT last_digest_at FROM watches WHERE id = ?`, w.ID).Scan(&last); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM deals WHERE watch_id = ? AND digest_pending = 1`, w.ID).Scan(&total)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("store: pending digests: %w", err)
		}
		if total == 0 {
			continue
		}
		deals, err := s.dealsWhere(ctx, ` WHERE d.watch_id = ? AND d.digest_pending = 1 ORDER BY d.score DESC, d.id LIMIT ?`, w.ID, limit)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, DigestCandidate{Watch: w, Deals: deals, Total: total})
		lastDigest = append(lastDigest, parseTS(last))
	}
	return out, lastDigest, nil
}

func (s *Store) dealsWhere(ctx context.Context, where string, args ...any) ([]scout.Deal, error) {
	var out []scout.Deal
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, dealSelect+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDeal(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// QueueDigest writes a watch's digest alerts, clears its pending deals and
// records the digest time — all in one transaction, so a digest is never
// both lost and cleared.
func (s *Store) QueueDigest(ctx context.Context, watchID int64, alerts []scout.OutboxAlert, at time.Time) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = insertAlerts(ctx, tx, watchID, 0, alerts, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deals SET digest_pending = 0 WHERE watch_id = ? AND digest_pending = 1`, watchID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE watches SET last_digest_at = ? WHERE id = ?`, ts(at), watchID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: queue digest: %w", err)
	}
	return n, nil
}

// QueueAlert writes one alert now (channel tests, manual listings).
func (s *Store) QueueAlert(ctx context.Context, watchID, listingID int64, a scout.OutboxAlert) (bool, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = insertAlerts(ctx, tx, watchID, listingID, []scout.OutboxAlert{a}, s.Now())
		return err
	})
	return n == 1, err
}

// IsNotFound reports whether err is (or wraps) ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
