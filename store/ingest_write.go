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

// multiRows is how many rows one multi-row INSERT writes: a statement per
// row cost more in the driver than the rows cost in SQLite.
const multiRows = 200

// rowBatch collects the arguments of a multi-row INSERT.
type rowBatch struct {
	head, row, tail string // "INSERT … VALUES", "(?,…)", " ON CONFLICT … RETURNING …"
	args            []any
	n               int
	// full is the statement for multiRows rows, prepared once per
	// transaction: preparing a 200-row statement for every flush cost as
	// much as a tenth of the inserts.
	full *sql.Stmt
}

// query runs the rows collected as one statement and empties the batch.
func (r *rowBatch) query(ctx context.Context, tx *sql.Tx) (*sql.Rows, []any, error) {
	if r.n == multiRows {
		if r.full == nil {
			q := r.head + strings.Repeat(r.row+",", r.n-1) + r.row + r.tail
			stmt, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return nil, nil, err
			}
			r.full = stmt
		}
		args := r.args
		r.args, r.n = make([]any, 0, len(args)), 0
		rows, err := r.full.QueryContext(ctx, args...)
		return rows, args, err
	}
	q, args := r.take()
	rows, err := tx.QueryContext(ctx, q, args...)
	return rows, args, err
}

func (r *rowBatch) close() {
	if r.full != nil {
		_ = r.full.Close()
		r.full = nil
	}
}

func (r *rowBatch) add(vals ...any) bool {
	r.args = append(r.args, vals...)
	r.n++
	return r.n >= multiRows
}

// take returns the statement and arguments for the rows collected, and
// empties the batch.
func (r *rowBatch) take() (string, []any) {
	q := r.head + strings.Repeat(r.row+",", r.n-1) + r.row + r.tail
	args := r.args
	r.args, r.n = make([]any, 0, len(args)), 0
	return q, args
}

// fetchWrite is one Ingest's write state: its statements, what was stored
// before it for the listings of the batch in hand, the inserts waiting for
// their multi-row statement, the unchanged rows left to touch in bulk, and
// the ids of every listing the fetch brought, for gone marking.
type fetchWrite struct {
	tx                        *sql.Tx
	st                        *fetchStmts
	watchID                   int64
	spec, now                 string
	nowT                      time.Time
	scoredSince               string // a stored score written before this is not kept
	dryRun                    bool
	c                         *scout.FetchCounts
	prior                     map[string]*priorListing
	listings, history, deals  rowBatch
	factors                   rowBatch        // the factors of deals just inserted
	pendingListings           []*priorListing // in insert order, ids set by flushListings
	pendingHistory            []*priorListing // the listing of each history row
	pendingDeals              []*pendingDeal
	touchListings, touchDeals []int64
	keptDeals                 []int64          // touched without updated_at: their scores keep their age
	comps                     []byte           // reused between deals
	weightIDs                 map[string]int64 // score_weights ids of the weight sets written so far
	seen                      []int64          // every listing written, for markMissing
}

var _ scout.FetchWriter = (*fetchWrite)(nil)

// close closes the statements prepared for this write.
func (w *fetchWrite) close() {
	w.listings.close()
	w.deals.close()
	w.factors.close()
}

// pendingDeal is a deal insert waiting for its statement; changed says the
// listing changed, for the count when it turns out to exist already.
type pendingDeal struct {
	it        *scout.FetchItem
	listingID int64
	score     dealScore
	alerted   any
	changed   bool
}

func newFetchWrite(tx *sql.Tx, st *fetchStmts, b *scout.FetchBatch, c *scout.FetchCounts) *fetchWrite {
	return &fetchWrite{tx: tx, st: st, watchID: b.Watch.ID, spec: b.Spec, now: ts(b.Now), nowT: b.Now,
		scoredSince: ts(b.Now.Add(-keepScoreFor)), dryRun: b.DryRun, c: c,
		prior: map[string]*priorListing{},
		listings: rowBatch{head: `INSERT INTO listings (source, source_id, title, description, price_cents, currency,
			price_known, free, condition, category, posted_at, lat, lng, postal_code, country, location_text, url, images,
			shipping_cents, auction, seller, norm_title, duplicate_of, first_seen, last_seen) VALUES `,
			row: "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", tail: " RETURNING id, source, source_id"},
		history: rowBatch{head: `INSERT INTO price_history (listing_id, price_cents, currency, seen_at) VALUES `, row: "(?,?,?,?)"},
		deals: rowBatch{head: `INSERT INTO deals (watch_id, listing_id, source_spec, score, components, weights_id, distance_mi,
			digest_pending, alerted_price_cents, first_seen, updated_at) VALUES `, row: "(?,?,?,?,?,?,?,?,?,?,?)",
			tail: " ON CONFLICT(watch_id, listing_id) DO NOTHING RETURNING id, listing_id"},
		factors: rowBatch{head: `INSERT INTO deal_factors (deal_id, factors) VALUES `, row: "(?,?)",
			tail: " ON CONFLICT (deal_id) DO UPDATE SET factors = excluded.factors"},
	}
}

// Known reads what is stored for a batch of listings, and keeps it for the
// Write of the same batch: each listing is read once per poll.
func (w *fetchWrite) Known(ctx context.Context, ls []scout.Listing) (map[string]scout.Known, error) {
	if err := w.loadPrior(ctx, len(ls), func(i int) *scout.Listing { return &ls[i] }); err != nil {
		return nil, fmt.Errorf("store: known listings: %w", err)
	}
	out := make(map[string]scout.Known, len(w.prior))
	for i := range ls {
		key := ls[i].Key()
		if p := w.prior[key]; p != nil {
			out[key] = p.known(&ls[i], w.scoredSince)
		}
	}
	return out, nil
}

// Write stores a batch: its matched listings with their deals and alerts,
// and the listings it brought that the watch does not want (for comps and
// gone tracking). What Known read for them is what it compares with.
func (w *fetchWrite) Write(ctx context.Context, items []scout.FetchItem, unmatched []scout.Listing) error {
	if w.dryRun {
		return errors.New("store: a dry run writes nothing")
	}
	return w.write(ctx, items, unmatched)
}

// write writes listings first (new ones in multi-row inserts, in batch
// order so ids are assigned as before), then their history, then deals;
// unchanged rows are only touched.
func (w *fetchWrite) write(ctx context.Context, items []scout.FetchItem, unmatched []scout.Listing) error {
	// Per-row statements run without cancellation (see ingestChunk); the
	// context is checked once a chunk instead.
	rowCtx := context.WithoutCancel(ctx)
	c := w.c
	marks := make([]*priorListing, 0, len(unmatched)+len(items))
	type itemState struct {
		p                       *priorListing // stored before this batch
		inserted, changed, kept bool
	}
	states := make([]itemState, len(items))
	for i := range unmatched {
		if i%ingestChunk == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		m, _, _, err := w.upsertListing(rowCtx, &unmatched[i], nil)
		if err != nil {
			return err
		}
		marks = append(marks, m)
	}
	for i := range items {
		if i%ingestChunk == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		it := &items[i]
		key := it.Listing.Key()
		p := w.prior[key]
		states[i].p = p
		if it.Keep && p != nil && !p.stale && p.dealID.Valid {
			// Stored as it is, with its deal: touched, its score kept.
			w.touchListings = append(w.touchListings, p.id)
			w.keptDeals = append(w.keptDeals, p.id)
			marks = append(marks, p)
			states[i].kept = true
			continue
		}
		m, inserted, changed, err := w.upsertListing(rowCtx, &it.Listing, it.DuplicateOf)
		if err != nil {
			return err
		}
		marks = append(marks, m)
		states[i].inserted, states[i].changed = inserted, changed
	}
	if err := w.flushListings(rowCtx); err != nil {
		return err
	}
	if err := w.flushHistory(rowCtx); err != nil {
		return err
	}
	for i := range items {
		if i%ingestChunk == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		it := &items[i]
		id := marks[len(unmatched)+i].id
		if states[i].kept {
			continue // touched above
		}
		if err := w.upsertDeal(rowCtx, id, it, states[i].p, states[i].changed, c); err != nil {
			return err
		}
		if it.PriceDrop && !states[i].inserted {
			c.PriceDrops++
		}
		n, err := insertAlertsWith(rowCtx, w.st.insAlert, w.watchID, id, it.Alerts, w.nowT)
		if err != nil {
			return err
		}
		c.AlertsQueued += n
	}
	if err := w.flushDeals(rowCtx, c); err != nil {
		return err
	}
	if err := touchSeen(ctx, w.tx, w.watchID, w.touchListings, w.touchDeals, w.keptDeals, w.now); err != nil {
		return err
	}
	w.touchListings, w.touchDeals, w.keptDeals = w.touchListings[:0], w.touchDeals[:0], w.keptDeals[:0]
	for _, m := range marks {
		w.seen = append(w.seen, m.id)
	}
	return nil
}

// upsertListing queues a new listing's insert, updates a changed one, or
// queues an unchanged one for touchSeen, and queues a price history row
// when the price is new or changed. It returns the listing's mark: the
// entry that stands for it in w.prior from now on, whose id is set once
// its insert ran.
func (w *fetchWrite) upsertListing(ctx context.Context, l *scout.Listing, dup *int64) (m *priorListing, inserted, changed bool, err error) {
	images, _ := json.Marshal(nonNil(l.Images))
	norm := normTitle(l.Title)
	key := l.Key()
	p := w.prior[key]
	if p != nil && p.stale && p.id == 0 {
		// Written twice in one batch: its first insert must run first.
		if err := w.flushListings(ctx); err != nil {
			return nil, false, false, err
		}
	}
	if p != nil && p.sameContent(l, string(images), norm) {
		w.touchListings = append(w.touchListings, p.id)
		return p, false, false, nil
	}
	var lat, lng any
	if l.HasCoords {
		lat, lng = l.Lat, l.Lng
	}
	// A listing written twice in one batch compares with its first write,
	// as it did when every listing was read back from the database.
	m = &priorListing{price: l.PriceCents, currency: l.Currency, title: l.Title, stale: true}
	if p == nil {
		if w.listings.add(l.Source, l.SourceID, l.Title, l.Description, l.PriceCents, l.Currency, l.PriceKnown, l.Free,
			string(l.Condition), l.Category, nullTS(l.PostedAt), lat, lng, l.PostalCode, l.Country, l.LocationText, l.URL,
			string(images), l.ShippingCents, l.Auction, l.Seller, norm, dup, w.now, w.now) {
			w.pendingListings = append(w.pendingListings, m)
			if err := w.flushListings(ctx); err != nil {
				return nil, false, false, err
			}
		} else {
			w.pendingListings = append(w.pendingListings, m)
		}
		inserted = true
	} else {
		m.id = p.id
		_, err = w.st.updListing.ExecContext(ctx,
			l.Title, l.Description, l.PriceCents, l.Currency, l.PriceKnown, l.Free, string(l.Condition), l.Category,
			nullTS(l.PostedAt), lat, lng, l.PostalCode, l.Country, l.LocationText, l.URL, string(images), l.ShippingCents,
			l.Auction, l.Seller, norm, w.now, m.id)
		if err != nil {
			return nil, false, false, fmt.Errorf("update listing %s/%s: %w", l.Source, l.SourceID, err)
		}
		changed = p.price != l.PriceCents || p.currency != l.Currency || p.title != l.Title
	}
	w.prior[key] = m
	if inserted || p.price != l.PriceCents || p.currency != l.Currency {
		w.pendingHistory = append(w.pendingHistory, m)
		// The listing id is filled in by flushHistory.
		w.history.args = append(w.history.args, nil, l.PriceCents, l.Currency, w.now)
		w.history.n++
	}
	return m, inserted, changed, nil
}

// flushListings runs the queued listing inserts and sets their marks' ids.
func (w *fetchWrite) flushListings(ctx context.Context) error {
	if w.listings.n == 0 {
		return nil
	}
	pending := w.pendingListings
	w.pendingListings = w.pendingListings[:0:0]
	ids := make(map[string]int64, len(pending))
	rows, args, err := w.listings.query(ctx, w.tx)
	if err != nil {
		return fmt.Errorf("insert listings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var src, sid string
		if err := rows.Scan(&id, &src, &sid); err != nil {
			return fmt.Errorf("insert listings: %w", err)
		}
		ids[src+"\x00"+sid] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("insert listings: %w", err)
	}
	// args holds 25 values per row, source and source_id first.
	const cols = 25
	for i, m := range pending {
		key := args[i*cols].(string) + "\x00" + args[i*cols+1].(string)
		id, ok := ids[key]
		if !ok {
			return fmt.Errorf("insert listings: no id returned for %q", key)
		}
		m.id = id
	}
	return nil
}

// flushHistory writes the queued price history rows, in chunks.
func (w *fetchWrite) flushHistory(ctx context.Context) error {
	const cols = 4
	for len(w.pendingHistory) > 0 {
		n := min(len(w.pendingHistory), multiRows)
		args := w.history.args[:n*cols]
		for i, m := range w.pendingHistory[:n] {
			args[i*cols] = m.id
		}
		q := w.history.head + strings.Repeat(w.history.row+",", n-1) + w.history.row
		if _, err := w.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("price history: %w", err)
		}
		w.pendingHistory = w.pendingHistory[n:]
		w.history.args = w.history.args[n*cols:]
	}
	w.history.n = 0
	return nil
}

// upsertDeal queues a new deal's insert, updates a changed one, or queues an
// unchanged one for touchSeen; p is what was stored before this batch (nil
// for a new listing).
func (w *fetchWrite) upsertDeal(ctx context.Context, listingID int64, it *scout.FetchItem, p *priorListing, changed bool, c *scout.FetchCounts) error {
	sc, err := w.encodeScore(ctx, it)
	if err != nil {
		return err
	}
	var alerted any
	if it.AlertedCents > 0 || (len(it.Alerts) > 0 && it.Listing.Free) {
		alerted = it.AlertedCents
	}
	if p == nil || !p.dealID.Valid {
		d := &pendingDeal{it: it, listingID: listingID, score: sc, alerted: alerted, changed: changed}
		w.pendingDeals = append(w.pendingDeals, d)
		if w.deals.add(w.watchID, listingID, w.spec, it.Score.Total, sc.comps, sc.weights, it.DistanceMi, it.DigestPending, alerted, w.now, w.now) {
			return w.flushDeals(ctx, c)
		}
		return nil
	}
	if changed {
		c.Updated++
	}
	if p.sameDeal(it, &sc, alerted) {
		w.touchDeals = append(w.touchDeals, listingID)
		return nil
	}
	return w.updateDeal(ctx, listingID, it, &sc, alerted)
}

// dealScore is a deal's score as the deal's rows store it.
type dealScore struct {
	comps   string // deals.components
	weights any    // deals.weights_id: the weight set's id, or nil
	factors string // deal_factors.factors, with a weight set
}

func (s *dealScore) hasFactors() bool { return s.weights != nil }

// encodeScore is the stored form of the item's score: its factors, the id
// of its weight set and its profit when the poll gave them, else its
// components in the "k" layout.
func (w *fetchWrite) encodeScore(ctx context.Context, it *scout.FetchItem) (dealScore, error) {
	if it.Factors == nil || it.WeightsKey == "" {
		b, err := AppendComponents(w.comps[:0], it.Score)
		w.comps = b
		return dealScore{comps: string(b)}, err
	}
	id, ok := w.weightIDs[it.WeightsKey]
	if !ok {
		var err error
		if id, err = weightsID(ctx, w.tx, it.WeightsKey); err != nil {
			return dealScore{}, err
		}
		if w.weightIDs == nil {
			w.weightIDs = map[string]int64{}
		}
		w.weightIDs[it.WeightsKey] = id
	}
	b, err := AppendFactors(w.comps[:0], it.Factors)
	w.comps = b
	return dealScore{comps: ProfitComponents(it.Factors), weights: id, factors: string(b)}, err
}

func (w *fetchWrite) updateDeal(ctx context.Context, listingID int64, it *scout.FetchItem, sc *dealScore, alerted any) error {
	var id int64
	err := w.st.updDeal.QueryRowContext(ctx,
		it.Score.Total, sc.comps, sc.weights, it.DistanceMi, it.DigestPending, alerted, w.now, w.watchID, listingID).Scan(&id)
	if err != nil {
		return fmt.Errorf("update deal: %w", err)
	}
	if sc.hasFactors() {
		_, err = w.st.setFactors.ExecContext(ctx, id, sc.factors)
	} else {
		_, err = w.st.dropFactors.ExecContext(ctx, id)
	}
	if err != nil {
		return fmt.Errorf("update deal factors: %w", err)
	}
	return nil
}

// flushFactors runs the queued inserts of new deals' factors.
func (w *fetchWrite) flushFactors(ctx context.Context) error {
	if w.factors.n == 0 {
		return nil
	}
	rows, _, err := w.factors.query(ctx, w.tx)
	if err == nil {
		err = rows.Close()
	}
	if err != nil {
		return fmt.Errorf("insert deal factors: %w", err)
	}
	return nil
}

// flushDeals runs the queued deal inserts, then the inserts of the new
// deals' factors; a deal that turns out to exist (a listing twice in one
// batch) is updated instead, as before.
func (w *fetchWrite) flushDeals(ctx context.Context, c *scout.FetchCounts) error {
	if w.deals.n == 0 {
		return nil
	}
	pending := w.pendingDeals
	w.pendingDeals = nil
	created := map[int64]int{}
	rows, _, err := w.deals.query(ctx, w.tx)
	if err != nil {
		return fmt.Errorf("insert deals: %w", err)
	}
	ids := map[int64]int64{} // listing id → the id of the deal created for it
	for rows.Next() {
		var id, listing int64
		if err := rows.Scan(&id, &listing); err != nil {
			_ = rows.Close()
			return fmt.Errorf("insert deals: %w", err)
		}
		created[listing]++
		ids[listing] = id
	}
	if err := rows.Err(); err != nil {
		_ = rows.Close()
		return fmt.Errorf("insert deals: %w", err)
	}
	_ = rows.Close()
	for _, d := range pending {
		if created[d.listingID] > 0 {
			// The first of a listing's inserts in the statement is the one
			// that created its deal.
			created[d.listingID]--
			c.New++
			if d.score.hasFactors() && w.factors.add(ids[d.listingID], d.score.factors) {
				if err := w.flushFactors(ctx); err != nil {
					return err
				}
			}
			continue
		}
		if d.changed {
			c.Updated++
		}
		if err := w.updateDeal(ctx, d.listingID, d.it, &d.score, d.alerted); err != nil {
			return err
		}
	}
	return w.flushFactors(ctx)
}
