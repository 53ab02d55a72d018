package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the control programs speak to SQLite directly

	"github.com/dealscout/dealscout/store"
)

// The control programs are the ceilings: what the same work costs with
// nothing of dealscout around it. They run as subcommands of this harness,
// each in its own process, on a database the binary migrated.

// dsn opens path with the pragmas the store uses, so the ceiling pays for
// the same durability (WAL, synchronous=NORMAL) and cache: the writer's of a
// poll, or serve's read pool (store.Options.Lean: no memory map, SQLite's
// default 2 MB page cache).
func dsn(path string, readOnly bool) string {
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	if readOnly {
		return base + "&_pragma=mmap_size(0)&_pragma=query_only(1)"
	}
	return base + "&_pragma=mmap_size(268435456)&_pragma=journal_mode(WAL)&_pragma=cache_size(-32000)&_txlock=immediate"
}

func runControl(name string, args []string) error {
	switch name {
	case "control-upsert":
		return controlUpsert(args)
	case "control-api":
		return controlAPI(args)
	}
	return fmt.Errorf("unknown control program %q", name)
}

// upsertResult is what control-upsert prints.
type upsertResult struct {
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
}

// controlUpsert upserts the listings of a JSONL file into the listings table
// with one prepared statement in one transaction: the raw ceiling of
// ingest. Decoding the file is not timed; binding every column the poll
// stores, the write and the commit are.
func controlUpsert(args []string) error {
	fs := flag.NewFlagSet("control-upsert", flag.ContinueOnError)
	db := fs.String("db", "", "migrated database")
	in := fs.String("jsonl", "", "listings in the import schema")
	if err := fs.Parse(args); err != nil {
		return err
	}
	recs, err := readJSONL(*in)
	if err != nil {
		return err
	}
	type prepared struct {
		r            fileRecord
		images, norm string
		posted       any
	}
	rows := make([]prepared, len(recs))
	for i, r := range recs {
		img, _ := json.Marshal(r.Images)
		rows[i] = prepared{r: r, images: string(img), norm: strings.ToLower(r.Title), posted: r.PostedAt}
	}
	conn, err := sql.Open("sqlite", dsn(*db, false))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	conn.SetMaxOpenConns(1)
	ctx := context.Background()
	if err := conn.PingContext(ctx); err != nil {
		return err
	}
	started := time.Now()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO listings (source, source_id, title, description, price_cents, currency,
		price_known, free, condition, category, posted_at, lat, lng, location_text, url, images, norm_title, first_seen, last_seen)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(source, source_id) DO UPDATE SET title = excluded.title, price_cents = excluded.price_cents, last_seen = excluded.last_seen`)
	if err != nil {
		_ = tx.Rollback()
		return err
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	for _, p := range rows {
		r := p.r
		if _, err := stmt.ExecContext(ctx, r.Source, r.SourceID, r.Title, r.Description, r.PriceCents, r.Currency,
			1, r.PriceCents == 0, r.Condition, r.Category, p.posted, r.Lat, r.Lng, r.LocationText, r.URL, p.images, p.norm, now, now); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	_ = stmt.Close()
	if err := tx.Commit(); err != nil {
		return err
	}
	took := time.Since(started)
	return json.NewEncoder(os.Stdout).Encode(upsertResult{Rows: len(rows), Seconds: took.Seconds()})
}

func readJSONL(path string) ([]fileRecord, error) {
	f, err := os.Open(path) // #nosec G304 -- a file the harness wrote
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var out []fileRecord
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	for {
		var r fileRecord
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, r)
	}
}

// bareDeal is one row of store.TopDealsSQL, the query the API's first page
// runs, as JSON, with no more work than scanning and encoding it.
type bareDeal struct {
	ID          int64    `json:"id"`
	WatchID     int64    `json:"watch_id"`
	Watch       string   `json:"watch"`
	Score       float64  `json:"score"`
	ProfitCents *int64   `json:"profit_cents"`
	DistanceMi  *float64 `json:"distance_mi"`
	Status      string   `json:"status"`
	FirstSeen   string   `json:"first_seen"`
	ListingID   int64    `json:"listing_id"`
	Source      string   `json:"source"`
	SourceID    string   `json:"source_id"`
	Title       string   `json:"title"`
	PriceCents  int64    `json:"price_cents"`
	Currency    string   `json:"currency"`
	PriceKnown  bool     `json:"price_known"`
	Free        bool     `json:"free"`
	Condition   string   `json:"condition"`
	URL         string   `json:"url"`
	DuplicateOf *int64   `json:"duplicate_of"`
}

// controlAPI serves GET /deals with store.TopDealsSQL as JSON from a read-only
// pool: the ceiling of the API. It prints its address, then serves until
// SIGTERM.
func controlAPI(args []string) error {
	fs := flag.NewFlagSet("control-api", flag.ContinueOnError)
	db := fs.String("db", "", "database holding deals")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", dsn(*db, true))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	conn.SetMaxOpenConns(8)
	conn.SetMaxIdleConns(8)
	h := func(w http.ResponseWriter, r *http.Request) {
		out, err := queryTop(r.Context(), conn)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(h), ReadHeaderTimeout: 10 * time.Second}
	fmt.Println("http://" + ln.Addr().String())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func queryTop(ctx context.Context, conn *sql.DB) ([]bareDeal, error) {
	rows, err := conn.QueryContext(ctx, store.TopDealsSQL, 50)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := make([]bareDeal, 0, 50)
	for rows.Next() {
		var d bareDeal
		if err := rows.Scan(&d.ID, &d.WatchID, &d.Watch, &d.Score, &d.ProfitCents, &d.DistanceMi, &d.Status, &d.FirstSeen,
			&d.ListingID, &d.Source, &d.SourceID, &d.Title, &d.PriceCents, &d.Currency, &d.PriceKnown, &d.Free,
			&d.Condition, &d.URL, &d.DuplicateOf); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
