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

// KnownListings returns what is stored for each listing, by Listing.Key().
// One statement per source and 500 keys: a statement per listing cost a
// fifth of an unchanged re-poll.
func (s *Store) KnownListings(ctx context.Context, watchID int64, ls []scout.Listing) (map[string]scout.Known, error) {
	out := make(map[string]scout.Known, len(ls))
	err := s.read(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `SELECT l.source_id, l.id, l.price_cents, l.currency, l.price_known, l.duplicate_of,
				d.id IS NOT NULL, d.alerted_price_cents
			FROM listings l LEFT JOIN deals d ON d.listing_id = l.id AND d.watch_id = ?1
			WHERE l.source = ?2 AND l.source_id IN (SELECT value FROM json_each(?3))`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		return forKeyChunks(ctx, len(ls), func(i int) *scout.Listing { return &ls[i] }, func(rowCtx context.Context, src, ids string) error {
			return readKnown(rowCtx, stmt, watchID, src, ids, out)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: known listings: %w", err)
	}
	return out, nil
}

// MaxComps caps the comparables read per watch: the most recent few thousand
// price a thing as well as all of them, and keep a poll's cost flat as the
// database grows.
const MaxComps = 2000

// compsQuery reads a watch's comparables, newest first. It walks the
// listings_seen index from the newest listing and stops at the cap, rather
// than sorting every deal of the watch.
const compsQuery = `SELECT l.source, l.source_id, l.price_cents, l.currency, l.condition, l.title,
	l.last_seen, l.posted_at, l.first_seen, l.gone_at, l.category, l.description
	FROM listings l
	WHERE l.last_seen >= ? AND l.duplicate_of IS NULL
		AND EXISTS (SELECT 1 FROM deals d WHERE d.watch_id = ? AND d.listing_id = l.id)
	ORDER BY l.last_seen DESC, l.id DESC LIMIT ?`

// Comps returns the listings matched to a watch and seen since, as market comparables.
func (s *Store) Comps(ctx context.Context, watchID int64, since time.Time) ([]scout.Comp, error) {
	var out []scout.Comp
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, compsQuery, ts(since), watchID, MaxComps)
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

// FindDuplicates returns, by Listing.Key(), the first-seen listing at another
// source that is the same item, for each listing that has one.
func (s *Store) FindDuplicates(ctx context.Context, ls []scout.Listing) (map[string]int64, error) {
	out := map[string]int64{}
	if len(ls) == 0 {
		return out, nil
	}
	err := s.read(ctx, func(tx *sql.Tx) error {
		// Two ranges of the (norm_title, source) index around the listing's
		// own source, so same-source listings are never read.
		stmt, err := tx.PrepareContext(ctx, `SELECT id, price_cents, lat, lng FROM (
			SELECT id, price_cents, lat, lng FROM listings
				WHERE norm_title = ?1 AND source < ?2 AND currency = ?3 AND duplicate_of IS NULL
			UNION ALL
			SELECT id, price_cents, lat, lng FROM listings
				WHERE norm_title = ?1 AND source > ?2 AND currency = ?3 AND duplicate_of IS NULL)
			ORDER BY id LIMIT 20`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		// The candidates depend only on (title, source, currency): listings
		// sharing them are read once. Statements run without cancellation
		// (see ingestChunk); ctx is checked once a chunk.
		rowCtx := context.WithoutCancel(ctx)
		cands := map[dupGroup][]dupCandidate{}
		for i, l := range ls {
			if i%ingestChunk == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			norm := normTitle(l.Title)
			if norm == "" {
				continue
			}
			g := dupGroup{norm, l.Source, l.Currency}
			cs, ok := cands[g]
			if !ok {
				var err error
				if cs, err = dupCandidates(rowCtx, stmt, g); err != nil {
					return err
				}
				cands[g] = cs
			}
			if id := firstDuplicate(cs, l); id != 0 {
				out[l.Key()] = id
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: find duplicates: %w", err)
	}
	return out, nil
}

type dupGroup struct{ norm, source, currency string }

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
	updListing, updDeal, insAlert *sql.Stmt
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
		{&st.updDeal, `UPDATE deals SET score = ?, components = ?, distance_mi = ?, missed = 0,
			digest_pending = digest_pending OR ?, alerted_price_cents = COALESCE(?, alerted_price_cents), updated_at = ?
			WHERE watch_id = ? AND listing_id = ?`},
		{&st.insAlert, `INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload,
			next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(dedupe_key) DO NOTHING`},
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
	for _, s := range []*sql.Stmt{st.updListing, st.updDeal, st.insAlert} {
		if s != nil {
			_ = s.Close()
		}
	}
}

// ApplyFetch writes one source's answer for one watch in one short
// transaction: listings, price history, deals, gone marks, source state and
// the alerts the deals cause. Nothing here waits on the network.
func (s *Store) ApplyFetch(ctx context.Context, b scout.FetchBatch) (scout.FetchCounts, error) {
	var c scout.FetchCounts
	err := s.write(ctx, func(tx *sql.Tx) error {
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
		seenIDs, err := applyFetchTx(ctx, tx, st, &b, &c)
		if err != nil {
			return err
		}
		if b.Complete {
			gone, err := markMissing(ctx, tx, b.Watch.ID, b.Spec, seenIDs, b.GoneAfter, now)
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
