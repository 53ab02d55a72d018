package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// This file holds the reads the web UI's pages need and the settings it keeps.

// Deal list orders.
const (
	SortScore  = "score"
	SortNewest = "newest"
	SortPrice  = "price"
	SortProfit = "profit"
)

// DealQuery narrows and orders a page of deals.
type DealQuery struct {
	Watch    string
	MinScore float64
	Source   string // listing source ("ebay") or watch source spec
	Free     bool
	Status   string    // "" = every status but dismissed; else one status
	Since    time.Time // only deals first seen after this; zero = any time
	Sort     string    // SortScore (default), SortNewest, SortPrice, SortProfit
	Limit    int       // default 50
	Offset   int
}

// dealOrders are the ORDER BY clauses of the sorts; ids break ties so pages
// never overlap. Profit lives in the stored components: "p" in the compact
// form, "profit_cents" in rows written before it; deals without an estimate
// come last.
var dealOrders = map[string]string{
	SortScore:  "d.score DESC, d.first_seen DESC, d.id",
	SortNewest: "d.first_seen DESC, d.id DESC",
	SortPrice:  "l.price_known DESC, l.price_cents ASC, d.score DESC, d.id",
	SortProfit: "COALESCE(json_extract(d.components, '$.p'), json_extract(d.components, '$.profit_cents')) DESC NULLS LAST, d.score DESC, d.id",
}

// DealsPage returns one page of deals and how many match in all.
func (s *Store) DealsPage(ctx context.Context, q DealQuery) ([]scout.Deal, int, error) {
	where, args := DealFilter{Watch: q.Watch, MinScore: q.MinScore, Source: q.Source, Free: q.Free, Status: q.Status}.where()
	if q.Status == "" {
		where = append(where, "d.status != 'dismissed'")
	}
	if !q.Since.IsZero() {
		where, args = append(where, "d.first_seen > ?"), append(args, ts(q.Since))
	}
	order, ok := dealOrders[q.Sort]
	if !ok {
		order = dealOrders[SortScore]
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	var out []scout.Deal
	var total int
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deals d JOIN listings l ON l.id = d.listing_id
			JOIN watches w ON w.id = d.watch_id`+cond, args...).Scan(&total)
		if err != nil {
			return err
		}
		out, err = queryDeals(ctx, tx, dealSelect+cond+" ORDER BY "+order+" LIMIT ? OFFSET ?", // #nosec G202 -- fixed clauses; values are bound
			append(args, q.Limit, q.Offset)...)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list deals page: %w", err)
	}
	return out, total, nil
}

// DealSources lists the listing sources that have deals, for the filter menu.
func (s *Store) DealSources(ctx context.Context) ([]string, error) {
	var out []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		// Skip from one source to the next along the listings' unique
		// (source, source_id) index, then ask whether each has a deal: a
		// handful of index seeks, where DISTINCT over the join read every
		// deal (0.13 s for 100,000).
		rows, err := tx.QueryContext(ctx, `WITH RECURSIVE src(s) AS (
				SELECT (SELECT min(source) FROM listings)
				UNION ALL
				SELECT (SELECT min(source) FROM listings WHERE source > src.s) FROM src WHERE src.s IS NOT NULL)
			SELECT s FROM src WHERE s IS NOT NULL
				AND EXISTS (SELECT 1 FROM listings l JOIN deals d ON d.listing_id = l.id WHERE l.source = src.s)
			ORDER BY 1 LIMIT 100`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var src string
			if err := rows.Scan(&src); err != nil {
				return err
			}
			out = append(out, src)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: deal sources: %w", err)
	}
	return out, nil
}

// SameItem returns the other listings of the same item at other sources: the
// listing it duplicates and every listing that duplicates the same first one.
func (s *Store) SameItem(ctx context.Context, listingID int64) ([]scout.Listing, error) {
	var out []scout.Listing
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `WITH root AS (SELECT COALESCE(duplicate_of, id) AS id FROM listings WHERE id = ?1)
			SELECT l.id, l.source, l.title, l.price_cents, l.currency, l.price_known, l.free, l.url, l.first_seen FROM listings l, root
			WHERE (l.id = root.id OR l.duplicate_of = root.id) AND l.id != ?1 ORDER BY l.first_seen, l.id LIMIT 20`, listingID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l scout.Listing
			var first sql.NullString
			if err := rows.Scan(&l.ID, &l.Source, &l.Title, &l.PriceCents, &l.Currency, &l.PriceKnown, &l.Free, &l.URL, &first); err != nil {
				return err
			}
			l.PostedAt = parseTS(first) // when dealscout first saw it there
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: same item as listing %d: %w", listingID, err)
	}
	return out, nil
}

// CompListing is a listing of a watch that may have served as a comparable.
type CompListing struct {
	ID         int64
	Title      string
	PriceCents int64
	Currency   string
	Condition  scout.Condition
	LastSeen   time.Time
	Gone       bool
}

// compPool is how many of a watch's most recently seen listings CompsUsed
// looks through.
const compPool = 2000

// compsUsedQuery walks the newest listings by the listings_seen index and
// keeps the watch's: as the market's own comps (compsQuery), duplicates of a
// listing seen first elsewhere are not comps. Joining from the watch's deals
// instead sorted all of them on every deal page (0.1 s for 20,000).
const compsUsedQuery = `SELECT l.id, l.title, l.price_cents, l.currency, l.condition, l.last_seen, l.gone_at IS NOT NULL
	FROM listings l
	WHERE l.last_seen >= ? AND l.duplicate_of IS NULL AND l.id != ? AND l.price_known = 1
		AND EXISTS (SELECT 1 FROM deals d WHERE d.watch_id = ? AND d.listing_id = l.id)
	ORDER BY l.last_seen DESC, l.id DESC LIMIT ?`

// CompsUsed returns up to limit of the listings d's market value counted,
// most recently seen first: the watch's priced listings, other than d's own
// and other than duplicates, seen within the market's window before now,
// that scout.Market.Counted accepts. None when the deal has no market value.
// The deal page, the API and `deals show` list these.
func (s *Store) CompsUsed(ctx context.Context, d scout.Deal, now time.Time, limit int) ([]CompListing, error) {
	m := d.Score.Market
	if !m.Known() || limit <= 0 {
		return nil, nil
	}
	since := now.Add(-time.Duration(m.CompWindowDays()) * 24 * time.Hour)
	var out []CompListing
	err := s.read(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, compsUsedQuery, ts(since), d.Listing.ID, d.WatchID, compPool)
		if err != nil {
			return err
		}
		defer rows.Close()
		// Rows are read only until limit are kept: usually a few dozen.
		for len(out) < limit && rows.Next() {
			var c CompListing
			var cond string
			var seen sql.NullString
			if err := rows.Scan(&c.ID, &c.Title, &c.PriceCents, &c.Currency, &cond, &seen, &c.Gone); err != nil {
				return err
			}
			c.Condition, c.LastSeen = scout.Condition(cond), parseTS(seen)
			if m.Counted(d.Listing.Currency, scout.Comp{Title: c.Title, PriceCents: c.PriceCents, Currency: c.Currency, Condition: c.Condition}) {
				out = append(out, c)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: comps used: %w", err)
	}
	return out, nil
}

// WatchDealCount is how many open deals a watch has.
type WatchDealCount struct {
	Open, New int
}

// WatchDealCounts returns, by watch id, its deals that are not dismissed and
// those still new.
func (s *Store) WatchDealCounts(ctx context.Context) (map[int64]WatchDealCount, error) {
	out := map[int64]WatchDealCount{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT watch_id, count(*), sum(status = 'new') FROM deals
			WHERE status != 'dismissed' GROUP BY watch_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var c WatchDealCount
			if err := rows.Scan(&id, &c.Open, &c.New); err != nil {
				return err
			}
			out[id] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: deal counts: %w", err)
	}
	return out, nil
}

// RecentRuns returns the last limit poll runs, newest first, with their reports.
func (s *Store) RecentRuns(ctx context.Context, limit int) ([]scout.RunReport, error) {
	var out []scout.RunReport
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, started_at, finished_at, status, report FROM poll_runs ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r scout.RunReport
			var id int64
			var started, finished sql.NullString
			var status, report string
			if err := rows.Scan(&id, &started, &finished, &status, &report); err != nil {
				return err
			}
			// A report that does not parse still shows its run: the
			// columns are the authority on id, times and status (a run
			// still going has only its start).
			_ = json.Unmarshal([]byte(report), &r)
			r.RunID, r.Status, r.StartedAt, r.FinishedAt = id, status, parseTS(started), parseTS(finished)
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: recent poll runs: %w", err)
	}
	return out, nil
}

// DatabaseSize is the size in bytes of the database file and its write-ahead log.
func (s *Store) DatabaseSize() (int64, error) {
	var total int64
	for _, p := range []string{s.path, s.path + "-wal"} {
		fi, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("store: database size: %w", err)
		}
		total += fi.Size()
	}
	return total, nil
}

// ListingTitles returns the titles of the listings with these ids.
func (s *Store) ListingTitles(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, title FROM listings WHERE id IN (SELECT value FROM json_each(?))`, string(b))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var title string
			if err := rows.Scan(&id, &title); err != nil {
				return err
			}
			out[id] = title
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: listing titles: %w", err)
	}
	return out, nil
}

// settingFeedKey names the key secret feed paths are derived from.
const settingFeedKey = "feed_key"

// FeedKey returns the key the secret per-watch feed paths are derived from.
// Migration 00008 creates it; ErrNotFound when it has been removed.
func (s *Store) FeedKey(ctx context.Context) ([]byte, error) {
	var v string
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingFeedKey).Scan(&v)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: feed key: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: feed key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("store: feed key is not at least 16 hex-encoded bytes")
	}
	return key, nil
}

// RotateFeedKey replaces the feed key with a new random one, so every feed
// link handed out before stops working.
func (s *Store) RotateFeedKey(ctx context.Context) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("store: rotate feed key: %w", err)
	}
	now := ts(s.Now())
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			settingFeedKey, hex.EncodeToString(key), now)
		if err != nil {
			return fmt.Errorf("store: rotate feed key: %w", err)
		}
		return nil
	})
}

// HighestPrices returns, for the listings with these ids, the highest price
// each was seen at, so a page can say how far it has dropped.
func (s *Store) HighestPrices(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT listing_id, max(price_cents) FROM price_history
			WHERE listing_id IN (SELECT value FROM json_each(?)) GROUP BY listing_id`, string(b))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, cents int64
			if err := rows.Scan(&id, &cents); err != nil {
				return err
			}
			out[id] = cents
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: highest prices: %w", err)
	}
	return out, nil
}
