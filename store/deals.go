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

const dealSelect = `SELECT d.id, d.watch_id, w.name, d.score, d.components, df.factors, sw.weights, d.distance_mi, d.status, d.first_seen,
	l.id, l.source, l.source_id, l.title, l.description, l.price_cents, l.currency, l.price_known, l.free, l.condition,
	l.category, l.posted_at, l.lat, l.lng, l.postal_code, l.country, l.location_text, l.url, l.images, l.shipping_cents,
	l.auction, l.seller, l.duplicate_of
	FROM deals d JOIN listings l ON l.id = d.listing_id JOIN watches w ON w.id = d.watch_id
	LEFT JOIN score_weights sw ON sw.id = d.weights_id LEFT JOIN deal_factors df ON df.deal_id = d.id`

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
		factors, weights    sql.NullString
		dup                 sql.NullInt64
	)
	l := &d.Listing
	err := r.Scan(&d.ID, &d.WatchID, &d.Watch, &d.Score.Total, &comps, &factors, &weights, &dist, &d.Status, &first,
		&l.ID, &l.Source, &l.SourceID, &l.Title, &l.Description, &l.PriceCents, &l.Currency, &l.PriceKnown, &l.Free, &cond,
		&l.Category, &posted, &lat, &lng, &l.PostalCode, &l.Country, &l.LocationText, &l.URL, &images, &l.ShippingCents,
		&l.Auction, &l.Seller, &dup)
	if err != nil {
		return d, err
	}
	if d.Score, err = decodeDealScore([]byte(comps), factors, d.Score.Total, weights); err != nil {
		return d, fmt.Errorf("deal %d has a corrupt score: %w", d.ID, err)
	}
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
	DealID int64
	Total  float64
	// Factors, from AppendFactors, with Components from ProfitComponents
	// and a WeightsID, or Components from AppendComponents alone, replace
	// the stored ones. With neither, they are kept, and only the total and
	// the weight set change: new weights applied to the stored factors.
	Components string
	Factors    string
	WeightsID  int64 // score_weights.id; 0 for none
}

// ScoreLockBudget is how long UpdateScores holds the write lock at a time
// when it re-scores a part of the deals. Within it, one transaction takes as
// many chunks as arrive: each commit writes every page of the score indexes
// that its chunk touched, and a re-score touches nearly all of them in every
// chunk, so 100,000 deals in twenty transactions wrote the indexes twenty
// times. Between transactions other writers (a poll, the CLI) get the lock;
// they wait at most about this long, well inside their 10 s busy timeout.
const ScoreLockBudget = 2 * time.Second

// A bulk re-score, of a watch that holds at least half of all deals and at
// least bulkMinDeals, drops the score indexes, rewrites the rows and builds
// the indexes again by sorting, all in one transaction: that is cheaper than
// moving 2 index entries per row, 0.4 s of a 100,000-deal re-score. It holds
// the lock for the whole re-score, so it is only taken up to bulkMaxDeals
// (about 4 s on this 2-core machine); beyond that it commits in budgets.
const (
	bulkMinDeals = 10_000
	bulkMaxDeals = 250_000
)

// scoreIndexes are the indexes on deals.score, which a bulk re-score rebuilds
// from the definitions their migration gave them.
var scoreIndexes = []string{"deals_watch_score", "deals_score"}

// UpdateScores saves a watch's re-computed scores (watchID 0: deals of any
// watch) as they arrive on chunks, until chunks is closed or ctx is done,
// leaving alone the rows whose stored components, factors and weight set
// are already the same, and returns how many rows
// it rewrote. A row whose components it keeps keeps its updated_at too: that
// says when the factors were computed, which a poll reads (keepScoreFor). It
// commits when chunks closes and, unless the re-score is a bulk one, whenever
// it has held the write lock for ScoreLockBudget. A failure rolls back only
// the open transaction, which is harmless to a re-score: running it again
// gives the same result.
func (s *Store) UpdateScores(ctx context.Context, watchID int64, chunks <-chan []ScoreUpdate) (int, error) {
	bulk, err := s.bulkRescore(ctx, watchID)
	if err != nil {
		return 0, err
	}
	var total int
	for {
		first, ok, err := receive(ctx, chunks, nil)
		if err != nil || !ok {
			return total, err
		}
		n, more, err := s.updateScoresTx(ctx, first, chunks, bulk)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// bulkRescore reports whether re-scoring the watch's deals should rebuild the
// score indexes rather than update them.
func (s *Store) bulkRescore(ctx context.Context, watchID int64) (bool, error) {
	// Dismissed deals are counted too: filtering them out would read every
	// row, where counting reads only the (watch_id, score) index, and the
	// decision needs sizes, not exact numbers.
	var mine, all int
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM deals WHERE watch_id = ?),
			(SELECT count(*) FROM deals)`, watchID).Scan(&mine, &all)
	})
	if err != nil {
		return false, fmt.Errorf("store: count deals to re-score: %w", err)
	}
	if watchID == 0 { // every watch's deals
		mine = all
	}
	return mine >= bulkMinDeals && mine <= bulkMaxDeals && 2*mine >= all, nil
}

// updateScoresTx writes first and then whatever else arrives on chunks, in
// one transaction: until chunks closes when bulk, else within the lock
// budget. more is false once chunks is closed.
func (s *Store) updateScoresTx(ctx context.Context, first []ScoreUpdate, chunks <-chan []ScoreUpdate, bulk bool) (n int, more bool, err error) {
	now := ts(s.Now())
	// The chunks taken into this transaction so far, so that a retry after
	// SQLITE_BUSY replays them rather than losing them.
	batch := [][]ScoreUpdate{first}
	more = true
	err = s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		start := time.Now() // wall time on purpose: it bounds how long others wait
		var rebuild []string
		if bulk {
			var err error
			if rebuild, err = dropScoreIndexes(ctx, tx); err != nil {
				return err
			}
		}
		// One statement per row beats a json_each batch: the components
		// are JSON themselves, and escaping them into a JSON string only
		// for SQLite to unescape cost a third of the time. ?2 and ?4 are
		// bound once and used twice. now is the same for every row, so it
		// is written into the statement rather than bound 100,000 times;
		// ts gives only digits and "-:.TZ", nothing to quote.
		full, err := tx.PrepareContext(ctx, `UPDATE deals SET score = ?1, components = ?2, weights_id = ?4, updated_at = '`+now+`'
			WHERE id = ?3 AND (?5 OR components IS NOT ?2 OR weights_id IS NOT ?4 OR score IS NOT ?1)`) // #nosec G202 -- now is ts's fixed layout
		if err != nil {
			return err
		}
		defer full.Close()
		setFactors, err := tx.PrepareContext(ctx, `INSERT INTO deal_factors (deal_id, factors) VALUES (?1, ?2)
			ON CONFLICT (deal_id) DO UPDATE SET factors = excluded.factors WHERE factors IS NOT excluded.factors`)
		if err != nil {
			return err
		}
		defer setFactors.Close()
		dropFactors, err := tx.PrepareContext(ctx, `DELETE FROM deal_factors WHERE deal_id = ?`)
		if err != nil {
			return err
		}
		defer dropFactors.Close()
		weighted, err := tx.PrepareContext(ctx, `UPDATE deals SET score = ?1, weights_id = ?2 WHERE id = ?3 AND weights_id IS NOT ?2`)
		if err != nil {
			return err
		}
		defer weighted.Close()
		// The rows run under a context that cannot be cancelled, and ctx is
		// checked once a chunk instead: for a cancellable context the
		// driver starts a goroutine per statement to watch it, 100,000 of
		// them in a re-score.
		rowCtx := context.WithoutCancel(ctx)
		apply := func(ups []ScoreUpdate) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			for _, u := range ups {
				k, err := updateScore(rowCtx, &u, full, setFactors, dropFactors, weighted)
				if err != nil {
					return fmt.Errorf("store: update scores: deal %d: %w", u.DealID, err)
				}
				n += k
			}
			return nil
		}
		for _, ups := range batch {
			if err := apply(ups); err != nil {
				return err
			}
		}
		var budget <-chan time.Time
		if !bulk {
			timer := time.NewTimer(s.scoreLockBudget - time.Since(start))
			defer timer.Stop()
			budget = timer.C
		}
	receiving:
		for more {
			ups, ok, err := receive(ctx, chunks, budget)
			switch {
			case err != nil:
				return err
			case !ok:
				more = false
			case ups == nil:
				break receiving // the budget is spent: commit and let others in
			default:
				batch = append(batch, ups)
				if err := apply(ups); err != nil {
					return err
				}
			}
		}
		for _, def := range rebuild {
			if _, err := tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("store: rebuild score index: %w", err)
			}
		}
		return nil
	})
	return n, more, err
}

// updateScore writes one re-computed score with the statements of
// updateScoresTx, and returns 1 if it changed the deal, else 0.
func updateScore(ctx context.Context, u *ScoreUpdate, full, setFactors, dropFactors, weighted *sql.Stmt) (int, error) {
	var wid any
	if u.WeightsID != 0 {
		wid = u.WeightsID
	}
	var r sql.Result
	var err error
	if u.Components == "" {
		if wid == nil || u.Factors != "" {
			return 0, errors.New("new weights applied to stored factors, but no weight set named")
		}
		r, err = weighted.ExecContext(ctx, u.Total, wid, u.DealID)
		return affected(r, err)
	}
	if (u.Factors != "") != (wid != nil) {
		return 0, errors.New("factors go with a weight set, and only factors do")
	}
	factorsChanged := 0
	if u.Factors != "" {
		r, err = setFactors.ExecContext(ctx, u.DealID, u.Factors)
	} else {
		r, err = dropFactors.ExecContext(ctx, u.DealID)
	}
	if factorsChanged, err = affected(r, err); err != nil {
		return 0, err
	}
	r, err = full.ExecContext(ctx, u.Total, u.Components, u.DealID, wid, factorsChanged > 0)
	k, err := affected(r, err)
	return max(k, factorsChanged), err
}

// affected is how many rows a statement changed.
func affected(r sql.Result, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	k, err := r.RowsAffected()
	return int(k), err
}

// dropScoreIndexes drops the score indexes inside tx and returns the
// statements that create them again, as their migration wrote them.
func dropScoreIndexes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	var defs []string
	for _, name := range scoreIndexes {
		var def string
		err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, name).Scan(&def)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: read score index %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+name); err != nil { // #nosec G202 -- a name from scoreIndexes
			return nil, fmt.Errorf("store: drop score index %s: %w", name, err)
		}
		defs = append(defs, def)
	}
	return defs, nil
}

// receive takes the next chunk: ok is false once chunks is closed, and a nil
// chunk with ok true means timeout fired first.
func receive(ctx context.Context, chunks <-chan []ScoreUpdate, timeout <-chan time.Time) (ups []ScoreUpdate, ok bool, err error) {
	select {
	case ups, ok = <-chunks:
		if ok && ups == nil {
			ups = []ScoreUpdate{}
		}
		return ups, ok, nil
	case <-timeout:
		return nil, true, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// DealsForRescore returns up to limit open deals of a watch whose listing
// id is above afterListing, in listing id order, with the stored total (not
// the components) and what scoring reads of the listing (its description and
// category too: the score reads "broken" in a description and takes comps by
// category): a re-score pages through 100,000 deals with it, and
// UpdateScores compares the encodings in SQL. The pages walk the
// (watch_id, listing_id) unique index, so a page reads only the watch's own
// deals: by deal id, each page of a watch among many scanned every deal
// stored after the previous page, and the last page the rest of the table
// (50 watches of 2,000 deals scanned 100,000 rows 50 times over).
const rescoreQuery = `SELECT d.id, d.score, d.distance_mi, l.id, l.source, l.source_id,
	l.title, l.price_cents, l.currency, l.price_known, l.free, l.condition, l.posted_at, l.images, l.shipping_cents,
	l.description, l.category
	FROM deals d JOIN listings l ON l.id = d.listing_id
	WHERE d.watch_id = ? AND d.listing_id > ? AND d.status != 'dismissed' ORDER BY d.listing_id LIMIT ?`

// DealsForRescore runs rescoreQuery, described above, and appends the deals
// to dst[:0], so that a re-score can hand back the pages it has scored:
// allocating a fresh page of deals each time was a tenth of a re-score's
// garbage.
func (s *Store) DealsForRescore(ctx context.Context, dst []scout.Deal, watchID, afterListing int64, limit int) ([]scout.Deal, error) {
	out := dst[:0]
	if cap(out) < limit {
		out = make([]scout.Deal, 0, limit)
	}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, rescoreQuery, watchID, afterListing, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		// Rows are scanned straight into their place in out, and the
		// scratch variables live across rows: Scan takes pointers, so a
		// Deal declared per row went to the heap, 78 MB a re-score.
		var dist sql.NullFloat64
		var cond, images string
		var posted sql.NullString
		for rows.Next() {
			out = append(out, scout.Deal{})
			d := &out[len(out)-1]
			l := &d.Listing
			if err := rows.Scan(&d.ID, &d.Score.Total, &dist, &l.ID, &l.Source, &l.SourceID, &l.Title,
				&l.PriceCents, &l.Currency, &l.PriceKnown, &l.Free, &cond, &posted, &images, &l.ShippingCents,
				&l.Description, &l.Category); err != nil {
				return err
			}
			d.WatchID = watchID
			if dist.Valid {
				v := dist.Float64
				d.DistanceMi = &v
			}
			l.Condition, l.PostedAt = scout.Condition(cond), parseTS(posted)
			l.Images = imageList(images)
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
