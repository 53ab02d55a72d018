package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unique"

	"github.com/dealscout/dealscout/scout"
)

var _ scout.PollStore = (*Store)(nil)

// SourceStates returns each source's memory and health for a watch, by spec.
func (s *Store) SourceStates(ctx context.Context, watchID int64) (map[string]scout.SourceStatus, error) {
	out := map[string]scout.SourceStatus{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT spec, etag, last_modified, next_check_at, failure_streak, failing_alerted
			FROM source_state WHERE watch_id = ?`, watchID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var spec string
			var next sql.NullString
			var st scout.SourceStatus
			if err := rows.Scan(&spec, &st.State.ETag, &st.State.LastModified, &next, &st.FailureStreak, &st.FailingAlerted); err != nil {
				return err
			}
			st.NextCheckAt = parseTS(next)
			out[spec] = st
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: source states: %w", err)
	}
	return out, nil
}

// MaxComps caps the comparables read per watch: the most recent few thousand
// price a thing as well as all of them, and keep a poll's cost flat as the
// database grows. A poll caps the comps its own fetch adds the same way.
const MaxComps = scout.MaxComps

// compsQuery reads a watch's comparables, newest first. It walks the
// listings_seen index from the newest listing and stops at the cap, rather
// than sorting every deal of the watch: the way for a watch that holds
// much of the database.
const compsQuery = `SELECT l.source, l.source_id, l.price_cents, l.currency, l.condition, l.title,
	l.last_seen, l.posted_at, l.first_seen, l.gone_at, l.category, l.description
	FROM listings l
	WHERE l.last_seen >= ? AND l.duplicate_of IS NULL
		AND EXISTS (SELECT 1 FROM deals d WHERE d.watch_id = ? AND d.listing_id = l.id)
	ORDER BY l.last_seen DESC, l.id DESC LIMIT ?`

// compsOfSmallWatchQuery reads the same rows in the same order from the
// watch's own deals and sorts them: the way for a watch among many, where
// walking every listing newest first visited the other watches' listings
// too (50 watches of 2,000 deals: 72 ms a watch, against a few ms).
const compsOfSmallWatchQuery = `SELECT l.source, l.source_id, l.price_cents, l.currency, l.condition, l.title,
	l.last_seen, l.posted_at, l.first_seen, l.gone_at, l.category, l.description
	FROM deals d JOIN listings l ON l.id = d.listing_id
	WHERE d.watch_id = ? AND l.last_seen >= ? AND l.duplicate_of IS NULL
	ORDER BY l.last_seen DESC, l.id DESC LIMIT ?`

// smallWatchDeals is the most deals a watch may have for its comps to be
// read from its deals (and sorted): below it, sorting costs less than
// walking listings that are mostly another watch's.
const smallWatchDeals = 20000

// Comps returns the listings matched to a watch and seen since, as market comparables.
func (s *Store) Comps(ctx context.Context, watchID int64, since time.Time) ([]scout.Comp, error) {
	var out []scout.Comp
	err := s.read(ctx, func(tx *sql.Tx) error {
		// Counting stops at the bound, reading only the watch's index.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM deals WHERE watch_id = ? LIMIT ?)`,
			watchID, smallWatchDeals).Scan(&n); err != nil {
			return err
		}
		q, args := compsQuery, []any{ts(since), watchID, MaxComps}
		if n < smallWatchDeals {
			q, args = compsOfSmallWatchQuery, []any{watchID, ts(since), MaxComps}
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c scout.Comp
			var src, sid, cond string
			var seen, posted, first, gone sql.NullString
			if err := rows.Scan(&src, &sid, &c.PriceCents, &c.Currency, &cond, &c.Title, &seen, &posted, &first, &gone, &c.Category, &c.Description); err != nil {
				return err
			}
			c.Key = src + "\x00" + sid
			// Currency and category are a handful of values: one copy of
			// each, shared with the poll's listings, so comparing them in
			// every market search is a pointer comparison.
			c.Currency, c.Category = unique.Make(c.Currency).Value(), unique.Make(c.Category).Value()
			c.Condition = scout.Condition(cond)
			c.SeenAt, c.PostedAt = parseTS(seen), parseTS(posted)
			if c.PostedAt.IsZero() {
				c.PostedAt = parseTS(first)
			}
			if g := parseTS(gone); !g.IsZero() {
				c.GoneAt = &g
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: comps: %w", err)
	}
	return out, nil
}

// Cross-source duplicates: same normalised title, price within 10%, and
// within 10 miles when both have coordinates.
const (
	dupPriceTolerance = 0.10
	dupMaxMiles       = 10
)

// Duplicates returns, by Listing.Key(), the first-seen listing at another
// source that is the same item, for each listing of ls that has one.
func (w *fetchWrite) Duplicates(ctx context.Context, ls []scout.Listing) (map[string]int64, error) {
	out := map[string]int64{}
	// The candidates depend only on (title, source, currency): listings
	// sharing them are read once. Statements run without cancellation
	// (see ingestChunk); ctx is checked once a chunk.
	rowCtx := context.WithoutCancel(ctx)
	norms := make([]string, len(ls))
	for i := range ls {
		norms[i] = normTitle(ls[i].Title)
	}
	shared, err := w.sharedTitles(ctx, ls, norms)
	if err != nil {
		return nil, fmt.Errorf("store: find duplicates: %w", err)
	}
	cands := map[dupGroup][]dupCandidate{}
	for i, l := range ls {
		if i%ingestChunk == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		norm := norms[i]
		if norm == "" || !shared[titleAt{norm, l.Source}] {
			continue
		}
		g := dupGroup{norm, l.Source, l.Currency}
		cs, ok := cands[g]
		if !ok {
			var err error
			if cs, err = dupCandidates(rowCtx, w.st.dups, g); err != nil {
				return nil, fmt.Errorf("store: find duplicates: %w", err)
			}
			cands[g] = cs
		}
		if id := firstDuplicate(cs, l); id != 0 {
			out[l.Key()] = id
		}
	}
	return out, nil
}

type dupGroup struct{ norm, source, currency string }

// titleAt is a normalised title at a source.
type titleAt struct{ norm, source string }

// sharedTitles returns which (title, source) pairs of ls have a listing with
// the same title at another source, in one statement per ingestChunk pairs
// over the title index alone: the candidates' query, one statement per
// title, cost a tenth of a poll, and most titles are at one source only.
func (w *fetchWrite) sharedTitles(ctx context.Context, ls []scout.Listing, norms []string) (map[titleAt]bool, error) {
	pairs := make([][2]string, 0, len(ls))
	seen := make(map[titleAt]bool, len(ls))
	for i := range ls {
		k := titleAt{norms[i], ls[i].Source}
		if k.norm == "" || seen[k] {
			continue
		}
		seen[k] = true
		pairs = append(pairs, [2]string{k.norm, k.source})
	}
	out := map[titleAt]bool{}
	rowCtx := context.WithoutCancel(ctx)
	for start := 0; start < len(pairs); start += ingestChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		arg, _ := json.Marshal(pairs[start:min(start+ingestChunk, len(pairs))])
		if err := readShared(rowCtx, w.st.shared, string(arg), out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func readShared(ctx context.Context, stmt *sql.Stmt, pairs string, out map[titleAt]bool) error {
	rows, err := stmt.QueryContext(ctx, pairs)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k titleAt
		if err := rows.Scan(&k.norm, &k.source); err != nil {
			return err
		}
		out[k] = true
	}
	return rows.Err()
}

type dupCandidate struct {
	id, price int64
	lat, lng  sql.NullFloat64
}

func dupCandidates(ctx context.Context, stmt *sql.Stmt, g dupGroup) ([]dupCandidate, error) {
	rows, err := stmt.QueryContext(ctx, g.norm, g.source, g.currency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dupCandidate
	for rows.Next() {
		var c dupCandidate
		if err := rows.Scan(&c.id, &c.price, &c.lat, &c.lng); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// firstDuplicate returns the lowest-id candidate that is the same item.
func firstDuplicate(cs []dupCandidate, l scout.Listing) int64 {
	for _, c := range cs {
		if !priceClose(c.price, l.PriceCents) {
			continue
		}
		if l.HasCoords && c.lat.Valid && c.lng.Valid && milesApart(l.Lat, l.Lng, c.lat.Float64, c.lng.Float64) > dupMaxMiles {
			continue
		}
		return c.id
	}
	return 0
}

func priceClose(a, b int64) bool {
	if a == b {
		return true
	}
	hi := math.Max(float64(a), float64(b))
	return math.Abs(float64(a-b)) <= hi*dupPriceTolerance
}

func milesApart(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 3958.8
	rad := math.Pi / 180
	dl, dg := (lat2-lat1)*rad, (lng2-lng1)*rad
	h := math.Sin(dl/2)*math.Sin(dl/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dg/2)*math.Sin(dg/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// normTitle folds a title to lower-case words of letters and digits, so the
// same item's title matches across sources despite punctuation and case.
func normTitle(t string) string {
	f := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// fetchStmts are ApplyFetch's statements, prepared once per transaction:
// re-preparing them for every listing cost a third of ingest time.
type fetchStmts struct {
	updListing, updDeal, insAlert, prior, dups, shared *sql.Stmt
	setFactors, dropFactors                            *sql.Stmt
}

func prepareFetch(ctx context.Context, tx *sql.Tx) (*fetchStmts, error) {
	var st fetchStmts
	for _, p := range []struct {
		dst **sql.Stmt
		q   string
	}{
		{&st.updListing, `UPDATE listings SET title = ?, description = ?, price_cents = ?, currency = ?,
			price_known = ?, free = ?, condition = ?, category = ?, posted_at = COALESCE(?, posted_at), lat = ?, lng = ?,
			postal_code = ?, country = ?, location_text = ?, url = ?, images = ?, shipping_cents = ?, auction = ?, seller = ?,
			norm_title = ?, last_seen = ?, gone_at = NULL WHERE id = ?`},
		{&st.updDeal, `UPDATE deals SET score = ?, components = ?, weights_id = ?, distance_mi = ?, missed = 0,
			digest_pending = digest_pending OR ?, alerted_price_cents = COALESCE(?, alerted_price_cents), updated_at = ?
			WHERE watch_id = ? AND listing_id = ? RETURNING id`},
		{&st.setFactors, `INSERT INTO deal_factors (deal_id, factors) VALUES (?1, ?2)
			ON CONFLICT (deal_id) DO UPDATE SET factors = excluded.factors`},
		{&st.dropFactors, `DELETE FROM deal_factors WHERE deal_id = ?`},
		{&st.insAlert, `INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload,
			next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(dedupe_key) DO NOTHING`},
		{&st.prior, priorQuery},
		// Two ranges of the (norm_title, source) index around the listing's
		// own source, so same-source listings are never read.
		{&st.dups, `SELECT id, price_cents, lat, lng FROM (
			SELECT id, price_cents, lat, lng FROM listings
				WHERE norm_title = ?1 AND source < ?2 AND currency = ?3 AND duplicate_of IS NULL
			UNION ALL
			SELECT id, price_cents, lat, lng FROM listings
				WHERE norm_title = ?1 AND source > ?2 AND currency = ?3 AND duplicate_of IS NULL)
			ORDER BY id LIMIT 20`},
		// The (norm_title, source) index alone: a title's listings at
		// other sources, whatever their currency, price or place.
		{&st.shared, `SELECT DISTINCT k.value ->> 0, k.value ->> 1 FROM json_each(?) k
			WHERE EXISTS (SELECT 1 FROM listings l
				WHERE l.norm_title = k.value ->> 0 AND l.source != k.value ->> 1 AND l.duplicate_of IS NULL)`},
	} {
		stmt, err := tx.PrepareContext(ctx, p.q)
		if err != nil {
			st.close()
			return nil, err
		}
		*p.dst = stmt
	}
	return &st, nil
}

func (st *fetchStmts) close() {
	for _, s := range []*sql.Stmt{st.updListing, st.updDeal, st.insAlert, st.prior, st.dups, st.shared, st.setFactors, st.dropFactors} {
		if s != nil {
			_ = s.Close()
		}
	}
}

// ApplyFetch writes one source's answer for one watch in one short
// transaction: listings, price history, deals, gone marks, source state and
// the alerts the deals cause. Nothing here waits on the network.
func (s *Store) ApplyFetch(ctx context.Context, b scout.FetchBatch) (scout.FetchCounts, error) {
	return s.Ingest(ctx, b, nil)
}

// Ingest writes one source's answer for one watch in one transaction: first
// b.Items and b.Unmatched, then whatever fn writes, a batch at a time, then
// the gone marks (when b.Complete) over every listing written, b.Recovered
// and the source state. Nothing here waits on the network; fn runs while the
// write lock is held, so it must not either. With b.DryRun the transaction
// is read-only: fn may read, Write refuses, and nothing is stored.
func (s *Store) Ingest(ctx context.Context, b scout.FetchBatch, fn func(scout.FetchWriter) error) (scout.FetchCounts, error) {
	var c scout.FetchCounts
	var fnErr error // fn's own error, returned as it is
	run := s.write
	if b.DryRun {
		run = s.read
	}
	err := run(ctx, func(tx *sql.Tx) error {
		c = scout.FetchCounts{}
		if err := watchExists(ctx, tx, b.Watch.ID); err != nil {
			return err
		}
		now := ts(b.Now)
		st, err := prepareFetch(ctx, tx)
		if err != nil {
			return err
		}
		defer st.close()
		w := newFetchWrite(tx, st, &b, &c)
		defer w.close()
		if n := len(b.Unmatched) + len(b.Items); n > 0 && !b.DryRun {
			listing := func(i int) *scout.Listing {
				if i < len(b.Unmatched) {
					return &b.Unmatched[i]
				}
				return &b.Items[i-len(b.Unmatched)].Listing
			}
			if err := w.loadPrior(ctx, n, listing); err != nil {
				return err
			}
			if err := w.write(ctx, b.Items, b.Unmatched); err != nil {
				return err
			}
		}
		if fn != nil {
			if fnErr = fn(w); fnErr != nil {
				return fnErr
			}
		}
		if b.DryRun {
			return nil
		}
		if b.Complete {
			gone, err := markMissing(ctx, tx, b.Watch.ID, b.Spec, w.seen, b.GoneAfter, now)
			if err != nil {
				return err
			}
			c.Gone = gone
		}
		n, err := insertAlerts(ctx, tx, b.Watch.ID, 0, b.Recovered, b.Now)
		if err != nil {
			return err
		}
		c.AlertsQueued += n
		_, err = tx.ExecContext(ctx, `INSERT INTO source_state (watch_id, spec, etag, last_modified, failure_streak, last_error,
			last_success_at, failing_alerted) VALUES (?, ?, ?, ?, 0, '', ?, 0)
			ON CONFLICT(watch_id, spec) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
			failure_streak = 0, last_error = '', last_success_at = excluded.last_success_at, next_check_at = NULL, failing_alerted = 0`,
			b.Watch.ID, b.Spec, b.State.ETag, b.State.LastModified, now)
		return err
	})
	if err != nil {
		if fnErr != nil && errors.Is(err, fnErr) {
			return c, err
		}
		return c, fmt.Errorf("store: save %s for watch %q: %w", b.Spec, b.Watch.Name, err)
	}
	return c, nil
}

// markMissing counts a complete fetch that lacked a watch's listings from
// this source, and marks those missing goneAfter times in a row as gone.
func markMissing(ctx context.Context, tx *sql.Tx, watchID int64, spec string, seen []int64, goneAfter int, now string) (int, error) {
	if goneAfter < 1 {
		goneAfter = 3
	}
	ids, _ := json.Marshal(seen)
	if _, err := tx.ExecContext(ctx, `UPDATE deals SET missed = missed + 1 WHERE watch_id = ? AND source_spec = ?
		AND listing_id NOT IN (SELECT value FROM json_each(?))`, watchID, spec, string(ids)); err != nil {
		return 0, fmt.Errorf("mark missing: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE listings SET gone_at = ? WHERE gone_at IS NULL AND id IN
		(SELECT listing_id FROM deals WHERE watch_id = ? AND source_spec = ? AND missed >= ?)`, now, watchID, spec, goneAfter)
	if err != nil {
		return 0, fmt.Errorf("mark gone: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// insertAlerts writes outbox rows; a dedupe key already present is skipped,
// which is what makes re-running a poll harmless.
func insertAlerts(ctx context.Context, tx *sql.Tx, watchID, listingID int64, alerts []scout.OutboxAlert, now time.Time) (int, error) {
	if len(alerts) == 0 {
		return 0, nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload,
		next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(dedupe_key) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	return insertAlertsWith(ctx, stmt, watchID, listingID, alerts, now)
}

func insertAlertsWith(ctx context.Context, stmt *sql.Stmt, watchID, listingID int64, alerts []scout.OutboxAlert, now time.Time) (int, error) {
	n := 0
	for _, a := range alerts {
		next := now
		if a.NotBefore.After(now) {
			next = a.NotBefore
		}
		var lid any
		if listingID != 0 {
			lid = listingID
		}
		res, err := stmt.ExecContext(ctx, a.DedupeKey, watchID, lid, a.Channel, a.Reason, string(a.Payload), ts(next), ts(now))
		if err != nil {
			return n, fmt.Errorf("queue alert: %w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// RecordSourceFailure counts a failed fetch and returns the failure streak
// and whether a "failing" alert was already sent for it.
func (s *Store) RecordSourceFailure(ctx context.Context, f scout.SourceFailure) (streak int, alerted bool, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := watchExists(ctx, tx, f.WatchID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO source_state (watch_id, spec, failure_streak, last_error, last_failure_at, next_check_at)
			VALUES (?, ?, 1, ?, ?, ?)
			ON CONFLICT(watch_id, spec) DO UPDATE SET failure_streak = failure_streak + 1, last_error = excluded.last_error,
			last_failure_at = excluded.last_failure_at, next_check_at = excluded.next_check_at
			RETURNING failure_streak, failing_alerted`,
			f.WatchID, f.Spec, clipError(f.Error), ts(f.At), nullTS(f.RetryAt)).Scan(&streak, &alerted)
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: record source failure: %w", err)
	}
	return streak, alerted, nil
}

// EnqueueAlerts writes system alerts (a source failing) for a watch.
func (s *Store) EnqueueAlerts(ctx context.Context, watchID int64, spec string, alerts []scout.OutboxAlert, failingAlerted bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := watchExists(ctx, tx, watchID); err != nil {
			return err
		}
		if _, err := insertAlerts(ctx, tx, watchID, 0, alerts, s.Now()); err != nil {
			return err
		}
		if failingAlerted {
			_, err := tx.ExecContext(ctx, `UPDATE source_state SET failing_alerted = 1 WHERE watch_id = ? AND spec = ?`, watchID, spec)
			return err
		}
		return nil
	})
}

// watchExists returns scout.ErrWatchGone when `watch rm` removed the watch
// while it was being polled. Asked inside the write transaction, which holds
// the write lock, so the answer stays true until commit.
func watchExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM watches WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return scout.ErrWatchGone
	}
	return err
}

func clipError(s string) string {
	if len(s) > 500 {
		return s[:500] + "…"
	}
	return s
}
