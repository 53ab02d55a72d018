package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// This file holds the reads the JSON API pages through with cursors: each
// page starts strictly after the last row of the one before, so rows added
// or removed meanwhile never make a page repeat or skip one.

// DealCursor is where a page of deals (best first) ends: its last score,
// first seen (as stored) and deal id. The zero value starts at the top.
// DealsAfter reads only Score and DealID.
type DealCursor struct {
	Score     float64
	FirstSeen string
	DealID    int64
}

// DealsAfter returns up to limit deals matching f (f.Limit is ignored),
// ordered by score then deal id, both descending, after cur.
func (s *Store) DealsAfter(ctx context.Context, f DealFilter, cur DealCursor, limit int) ([]scout.Deal, error) {
	where, args := f.where()
	if cur.DealID > 0 {
		where, args = append(where, "(d.score < ? OR (d.score = ? AND d.id < ?))"), append(args, cur.Score, cur.Score, cur.DealID)
	}
	q := dealSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.score DESC, d.id DESC LIMIT ?" // #nosec G202 -- fixed clauses; values are bound
	var out []scout.Deal
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		out, err = queryDeals(ctx, tx, q, append(args, limit)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: list deals: %w", err)
	}
	return out, nil
}

// where is f's conditions on dealSelect's tables (d, l, w) and their values:
// the one reading of the deal filters that the API's pages and the UI's
// share. f.Limit is not a condition.
func (f DealFilter) where() ([]string, []any) {
	var where []string
	var args []any
	if f.Watch != "" {
		where, args = append(where, "w.name = ?"), append(args, f.Watch)
	}
	if f.MinScore > 0 {
		where, args = append(where, "d.score >= ?"), append(args, f.MinScore)
	}
	if f.Source != "" {
		where, args = append(where, "(l.source = ? OR d.source_spec = ?)"), append(args, f.Source, f.Source)
	}
	if f.Free {
		where = append(where, "l.free = 1")
	}
	if f.Status != "" {
		where, args = append(where, "d.status = ?"), append(args, f.Status)
	}
	return where, args
}

// queryDeals runs a dealSelect query and reads every deal it returns.
func queryDeals(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]scout.Deal, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scout.Deal
	for rows.Next() {
		d, err := scanDeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// StoredListing is a listing with what dealscout knows of its life.
type StoredListing struct {
	scout.Listing
	FirstSeen   time.Time
	LastSeen    time.Time
	GoneAt      time.Time // zero while the source still lists it
	DuplicateOf *int64
}

const listingSelect = `SELECT id, source, source_id, title, description, price_cents, currency, price_known, free, condition,
	category, posted_at, lat, lng, postal_code, country, location_text, url, images, shipping_cents, auction, seller,
	duplicate_of, first_seen, last_seen, gone_at FROM listings`

// ListingsBefore returns up to limit listings, newest id first, with ids
// below before (0 = from the newest), of one source when source is not "".
func (s *Store) ListingsBefore(ctx context.Context, source string, before int64, limit int) ([]StoredListing, error) {
	var where []string
	var args []any
	if source != "" {
		where, args = append(where, "source = ?"), append(args, source)
	}
	if before > 0 {
		where, args = append(where, "id < ?"), append(args, before)
	}
	q := listingSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	var out []StoredListing
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, limit)...) // #nosec G202 -- fixed clauses
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanStoredListing(rows)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list listings: %w", err)
	}
	return out, nil
}

// StoredListingByID returns one listing. ErrNotFound when there is none.
func (s *Store) StoredListingByID(ctx context.Context, id int64) (StoredListing, error) {
	var l StoredListing
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		l, err = scanStoredListing(tx.QueryRowContext(ctx, listingSelect+" WHERE id = ?", id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("listing %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("store: listing %d: %w", id, err)
	}
	return l, nil
}

func scanStoredListing(r rowScanner) (StoredListing, error) {
	var (
		sl                       StoredListing
		cond, images             string
		lat, lng                 sql.NullFloat64
		posted, first, last, gon sql.NullString
		dup                      sql.NullInt64
	)
	l := &sl.Listing
	err := r.Scan(&l.ID, &l.Source, &l.SourceID, &l.Title, &l.Description, &l.PriceCents, &l.Currency, &l.PriceKnown,
		&l.Free, &cond, &l.Category, &posted, &lat, &lng, &l.PostalCode, &l.Country, &l.LocationText, &l.URL, &images,
		&l.ShippingCents, &l.Auction, &l.Seller, &dup, &first, &last, &gon)
	if err != nil {
		return sl, err
	}
	_ = json.Unmarshal([]byte(images), &l.Images)
	l.Condition, l.PostedAt = scout.Condition(cond), parseTS(posted)
	if lat.Valid && lng.Valid {
		l.HasCoords, l.Lat, l.Lng = true, lat.Float64, lng.Float64
	}
	if dup.Valid {
		sl.DuplicateOf = &dup.Int64
	}
	sl.FirstSeen, sl.LastSeen, sl.GoneAt = parseTS(first), parseTS(last), parseTS(gon)
	return sl, nil
}

// AlertsBefore lists outbox rows, newest first, with ids below before (0 =
// from the newest), of one status when status is not "".
func (s *Store) AlertsBefore(ctx context.Context, status string, before int64, limit int) ([]Alert, error) {
	var where []string
	var args []any
	if status != "" {
		where, args = append(where, "n.status = ?"), append(args, status)
	}
	if before > 0 {
		where, args = append(where, "n.id < ?"), append(args, before)
	}
	q := alertSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return s.alerts(ctx, q+" ORDER BY n.id DESC LIMIT ?", append(args, limit)...)
}

// Run is one poll run as stored.
type Run struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time // zero while running (or if the run was killed)
	Status     string
	Report     json.RawMessage // the `poll --json` shape
}

// RunsBefore lists poll runs, newest first, with ids below before (0 = from
// the newest).
func (s *Store) RunsBefore(ctx context.Context, before int64, limit int) ([]Run, error) {
	q, args := `SELECT id, started_at, finished_at, status, report FROM poll_runs`, []any{}
	if before > 0 {
		q, args = q+` WHERE id < ?`, append(args, before)
	}
	var out []Run
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Run
			var started, finished sql.NullString
			var report string
			if err := rows.Scan(&r.ID, &started, &finished, &r.Status, &report); err != nil {
				return err
			}
			r.StartedAt, r.FinishedAt = parseTS(started), parseTS(finished)
			if json.Valid([]byte(report)) {
				r.Report = json.RawMessage(report)
			} else {
				r.Report = json.RawMessage(`{}`)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list poll runs: %w", err)
	}
	return out, nil
}

// AlertCount is how many outbox rows one channel has in one status.
type AlertCount struct {
	Channel, Status string
	Count           int
}

// AlertCounts counts the outbox by channel and status, for /metrics.
func (s *Store) AlertCounts(ctx context.Context) ([]AlertCount, error) {
	var out []AlertCount
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT channel, status, count(*) FROM notifications GROUP BY channel, status ORDER BY channel, status`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c AlertCount
			if err := rows.Scan(&c.Channel, &c.Status, &c.Count); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: count alerts: %w", err)
	}
	return out, nil
}
