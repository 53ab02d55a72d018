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

// DealFilter narrows Deals.
type DealFilter struct {
	Watch    string
	MinScore float64
	Source   string // listing source ("ebay") or watch source spec prefix
	Free     bool
	Status   string
	Limit    int
}

const dealSelect = `SELECT d.id, d.watch_id, w.name, d.score, d.components, d.distance_mi, d.status, d.first_seen,
	l.id, l.source, l.source_id, l.title, l.description, l.price_cents, l.currency, l.price_known, l.free, l.condition,
	l.category, l.posted_at, l.lat, l.lng, l.postal_code, l.country, l.location_text, l.url, l.images, l.shipping_cents,
	l.auction, l.seller, l.duplicate_of
	FROM deals d JOIN listings l ON l.id = d.listing_id JOIN watches w ON w.id = d.watch_id`

// Deals lists matched deals, best first.
func (s *Store) Deals(ctx context.Context, f DealFilter) ([]scout.Deal, error) {
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
	q := dealSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.score DESC, d.first_seen DESC, d.id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var out []scout.Deal
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
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
	if err != nil {
		return nil, fmt.Errorf("store: list deals: %w", err)
	}
	return out, nil
}

// DealForListing returns the deal of a listing, for one watch or (watch "")
// the best-scoring watch it matched.
func (s *Store) DealForListing(ctx context.Context, listingID int64, watch string) (scout.Deal, error) {
	q := dealSelect + " WHERE l.id = ?"
	args := []any{listingID}
	if watch != "" {
		q, args = q+" AND w.name = ?", append(args, watch)
	}
	q += " ORDER BY d.score DESC LIMIT 1"
	var d scout.Deal
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDeal(tx.QueryRowContext(ctx, q, args...))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("listing %d matched to %s: %w (see `dealscout deals`)", listingID, orAny(watch), ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("store: deal for listing %d: %w", listingID, err)
	}
	return d, nil
}

func orAny(watch string) string {
	if watch == "" {
		return "any watch"
	}
	return fmt.Sprintf("watch %q", watch)
}

func scanDeal(r rowScanner) (scout.Deal, error) {
	var (
		d                   scout.Deal
		comps, cond, images string
		dist, lat, lng      sql.NullFloat64
		first, posted       sql.NullString
		dup                 sql.NullInt64
	)
	l := &d.Listing
	err := r.Scan(&d.ID, &d.WatchID, &d.Watch, &d.Score.Total, &comps, &dist, &d.Status, &first,
		&l.ID, &l.Source, &l.SourceID, &l.Title, &l.Description, &l.PriceCents, &l.Currency, &l.PriceKnown, &l.Free, &cond,
		&l.Category, &posted, &lat, &lng, &l.PostalCode, &l.Country, &l.LocationText, &l.URL, &images, &l.ShippingCents,
		&l.Auction, &l.Seller, &dup)
	if err != nil {
		return d, err
	}
	total := d.Score.Total
	if err := json.Unmarshal([]byte(comps), &d.Score); err != nil {
		return d, fmt.Errorf("deal %d has a corrupt score: %w", d.ID, err)
	}
	d.Score.Total = total
	_ = json.Unmarshal([]byte(images), &l.Images)
	l.Condition = scout.Condition(cond)
	l.PostedAt = parseTS(posted)
	d.FirstSeen = parseTS(first)
	if dist.Valid {
		d.DistanceMi = &dist.Float64
	}
	if lat.Valid && lng.Valid {
		l.HasCoords, l.Lat, l.Lng = true, lat.Float64, lng.Float64
	}
	if dup.Valid {
		d.DuplicateOf = &dup.Int64
	}
	return d, nil
}

// ScoreUpdate is one deal's new score, already encoded.
type ScoreUpdate struct {
	DealID     int64
	Total      float64
	Components string // JSON of the whole scout.Score
}

// UpdateScores saves re-computed scores in one short write transaction,
// leaving alone the rows whose stored score is already the same, and returns
// how many it rewrote. Callers send a large re-score in chunks so other
// writers get the lock between them.
func (s *Store) UpdateScores(ctx context.Context, ups []ScoreUpdate) (int, error) {
	if len(ups) == 0 {
		return 0, nil
	}
	now := ts(s.Now())
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		// One prepared statement per row beats a json_each batch here: the
		// components are JSON themselves, and escaping them into a JSON
		// string only for SQLite to unescape cost a third of the time.
		stmt, err := tx.PrepareContext(ctx, `UPDATE deals SET score = ?, components = ?, updated_at = ?
			WHERE id = ? AND components IS NOT ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, u := range ups {
			r, err := stmt.ExecContext(ctx, u.Total, u.Components, now, u.DealID, u.Components)
			if err != nil {
				return fmt.Errorf("store: update scores: %w", err)
			}
			if k, err := r.RowsAffected(); err == nil {
				n += int(k)
			}
		}
		return nil
	})
	return n, err
}

// DealsForRescore returns up to limit open deals of a watch whose id is
// above after, in id order, with the stored total (not the components): a
// re-score pages through 100,000 deals with it, and UpdateScores compares
// the encodings in SQL. The unary + keeps the planner on the rowid range:
// through the (watch_id, score) index every page would sort the whole watch.
func (s *Store) DealsForRescore(ctx context.Context, watchID, after int64, limit int) ([]scout.Deal, error) {
	out := make([]scout.Deal, 0, limit)
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.score, d.distance_mi, l.id, l.source, l.source_id,
			l.title, l.price_cents, l.currency, l.price_known, l.free, l.condition, l.posted_at, l.images, l.shipping_cents
			FROM deals d JOIN listings l ON l.id = d.listing_id
			WHERE +d.watch_id = ? AND d.id > ? AND d.status != 'dismissed' ORDER BY d.id LIMIT ?`, watchID, after, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d scout.Deal
			var dist sql.NullFloat64
			var cond, images string
			var posted sql.NullString
			l := &d.Listing
			if err := rows.Scan(&d.ID, &d.Score.Total, &dist, &l.ID, &l.Source, &l.SourceID, &l.Title,
				&l.PriceCents, &l.Currency, &l.PriceKnown, &l.Free, &cond, &posted, &images, &l.ShippingCents); err != nil {
				return err
			}
			d.WatchID = watchID
			if dist.Valid {
				d.DistanceMi = &dist.Float64
			}
			l.Condition, l.PostedAt = scout.Condition(cond), parseTS(posted)
			if images != "[]" {
				_ = json.Unmarshal([]byte(images), &l.Images)
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: deals for re-scoring: %w", err)
	}
	return out, nil
}

// PricePoint is one entry of a listing's price history.
type PricePoint struct {
	PriceCents int64
	Currency   string
	SeenAt     time.Time
}

// PriceHistory returns a listing's prices, oldest first.
func (s *Store) PriceHistory(ctx context.Context, listingID int64) ([]PricePoint, error) {
	var out []PricePoint
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT price_cents, currency, seen_at FROM price_history WHERE listing_id = ? ORDER BY seen_at, id`, listingID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p PricePoint
			var seen sql.NullString
			if err := rows.Scan(&p.PriceCents, &p.Currency, &seen); err != nil {
				return err
			}
			p.SeenAt = parseTS(seen)
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: price history: %w", err)
	}
	return out, nil
}
