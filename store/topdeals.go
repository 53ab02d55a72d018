package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dealscout/dealscout/scout"
)

// The API's deal list (GET /api/v1/deals) is its busiest read. It walks the
// deals_score index (score DESC, first_seen DESC, then the rowid) in the
// index's own order, so SQLite reads the index entries of one page and stops
// instead of sorting: ordering by score then id, as it once did, made SQLite
// read and sort every deal tied on the top score (536 at 100 of 100,000 in
// the benchmark's data) with all their columns for each request. It reads
// only the columns the list shows: not the description, the images or the
// components JSON, whose decoding was three quarters of the old query's CPU;
// the profit estimate, the one figure the list takes from the components, is
// read by SQLite from the JSON.

// dealSummarySelect reads what a list of deals shows.
const dealSummarySelect = `SELECT d.id, d.watch_id, w.name, d.score,
	COALESCE(json_extract(d.components, '$.p'), json_extract(d.components, '$.profit_cents')),
	d.distance_mi, d.status, d.first_seen, l.id, l.source, l.source_id, l.title, l.price_cents, l.currency, l.price_known,
	l.free, l.condition, l.url, l.duplicate_of
	FROM deals d JOIN listings l ON l.id = d.listing_id JOIN watches w ON w.id = d.watch_id`

// dealListOrder is the order of the deals_score index.
const dealListOrder = " ORDER BY d.score DESC, d.first_seen DESC, d.id LIMIT ?"

// TopDealsSQL is the query DealList runs for the first page with no filter:
// the best deals, as many as its one argument. The benchmark's bare handler
// runs this same text, so the API is compared with the same work.
const TopDealsSQL = dealSummarySelect + dealListOrder

// DealPage is one page of DealList.
type DealPage struct {
	Deals []scout.Deal // score, profit and listing summary; no components, description or images
	// Next is where the following page starts; meaningful only when More.
	Next DealCursor
	More bool
}

// DealList returns up to limit deals matching f (f.Limit is ignored), best
// first (score, then the newest first seen, then the deal id), after cur,
// with the cursor of the page that follows.
func (s *Store) DealList(ctx context.Context, f DealFilter, cur DealCursor, limit int) (DealPage, error) {
	where, args := f.where()
	if cur.DealID > 0 {
		// Under d.score <= the cursor's score, "score below, or first seen
		// before, or first seen at the same time with a higher id" is exactly
		// "after the cursor in index order"; the range term lets SQLite seek
		// into deals_score rather than walk it from the top.
		where = append(where, "d.score <= ?", "(d.score < ? OR d.first_seen < ? OR (d.first_seen = ? AND d.id > ?))")
		args = append(args, cur.Score, cur.Score, cur.FirstSeen, cur.FirstSeen, cur.DealID)
	}
	q := TopDealsSQL
	if len(where) > 0 {
		q = dealSummarySelect + " WHERE " + strings.Join(where, " AND ") + dealListOrder // #nosec G202 -- fixed clauses; values are bound
	}
	var p DealPage
	var keys []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, append(args, limit+1)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		p.Deals, keys = make([]scout.Deal, 0, min(limit+1, 64)), make([]string, 0, min(limit+1, 64))
		for rows.Next() {
			d, key, err := scanDealSummary(rows)
			if err != nil {
				return err
			}
			p.Deals, keys = append(p.Deals, d), append(keys, key)
		}
		return rows.Err()
	})
	if err != nil {
		return DealPage{}, fmt.Errorf("store: list deals: %w", err)
	}
	if len(p.Deals) > limit {
		last := p.Deals[limit-1]
		p.Deals, p.More = p.Deals[:limit], true
		p.Next = DealCursor{Score: last.Score.Total, FirstSeen: keys[limit-1], DealID: last.ID}
	}
	return p, nil
}

// scanDealSummary reads one dealSummarySelect row and its first_seen as
// stored, which the cursor compares as text.
func scanDealSummary(r rowScanner) (scout.Deal, string, error) {
	var (
		d      scout.Deal
		cond   string
		first  sql.NullString
		profit sql.NullInt64
		dist   sql.NullFloat64
		dup    sql.NullInt64
	)
	l := &d.Listing
	err := r.Scan(&d.ID, &d.WatchID, &d.Watch, &d.Score.Total, &profit, &dist, &d.Status, &first,
		&l.ID, &l.Source, &l.SourceID, &l.Title, &l.PriceCents, &l.Currency, &l.PriceKnown, &l.Free, &cond, &l.URL, &dup)
	if err != nil {
		return d, "", err
	}
	l.Condition, d.FirstSeen = scout.Condition(cond), parseTS(first)
	if profit.Valid {
		d.Score.ProfitCents = &profit.Int64
	}
	if dist.Valid {
		d.DistanceMi = &dist.Float64
	}
	if dup.Valid {
		d.DuplicateOf = &dup.Int64
	}
	return d, first.String, nil
}
