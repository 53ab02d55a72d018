package cmd

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// switchServer serves one body at every path until told otherwise and counts
// the requests, so a test can prove the bad body was actually fetched.
type switchServer struct {
	*httptest.Server
	mu    sync.Mutex
	ctype string
	body  string
	hits  int
}

func newSwitchServer(t *testing.T, ctype, body string) *switchServer {
	t.Helper()
	s := &switchServer{ctype: ctype, body: body}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		s.hits++
		body := s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", s.ctype)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *switchServer) set(body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = body
}

func (s *switchServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// ebaySearchFake is eBay's OAuth endpoint (always a valid token) and Browse
// search (whatever body it is given).
type ebaySearchFake struct {
	*httptest.Server
	search *switchServer
}

func newEbaySearchFake(t *testing.T, body string) *ebaySearchFake {
	t.Helper()
	f := &ebaySearchFake{search: newSwitchServer(t, "application/json", body)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /identity/v1/oauth2/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"v^1.1#i^1#fake-app-token","expires_in":7200,"token_type":"Application Access Token"}`))
	})
	mux.Handle("GET /buy/browse/v1/item_summary/search", f.search.Config.Handler)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

const goodRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Local deals</title><link>https://deals.example.com/</link><description>deals</description>
<item><title>Oak coffee table - $40</title><link>https://deals.example.com/1</link><guid>deal-1</guid>
<description>Solid oak, good condition</description><pubDate>Tue, 24 Nov 2026 12:00:00 GMT</pubDate></item>
<item><title>Glass side table $25</title><link>https://deals.example.com/2</link><guid>deal-2</guid>
<description>Like new</description><pubDate>Tue, 24 Nov 2026 13:00:00 GMT</pubDate></item>
</channel></rss>`

const goodEbaySearch = `{"total": 2, "limit": 200, "offset": 0, "itemSummaries": [
 {"itemId": "v1|110011001100|0", "title": "Solid oak dining table", "price": {"value": "150.00", "currency": "USD"},
  "condition": "Used", "conditionId": "3000", "buyingOptions": ["FIXED_PRICE"], "itemWebUrl": "https://www.ebay.com/itm/110011001100",
  "image": {"imageUrl": "https://i.ebayimg.com/images/g/a/s-l225.jpg"}, "itemCreationDate": "2026-11-24T10:00:00.000Z",
  "itemLocation": {"postalCode": "941**", "country": "US"}},
 {"itemId": "v1|220022002200|0", "title": "Oak side table", "price": {"value": "80.00", "currency": "USD"},
  "condition": "Used", "conditionId": "3000", "buyingOptions": ["FIXED_PRICE"], "itemWebUrl": "https://www.ebay.com/itm/220022002200",
  "itemCreationDate": "2026-11-24T11:00:00.000Z"}
]}`

// Tables and columns compared before and after each bad input: everything
// the user would lose or see change, i.e. the watches, channels, listings,
// their price history, the deals and the alert outbox.
//
// Left out on purpose, because a failed poll legitimately writes them:
//   - watches.last_polled_at: a poll that ran records the attempt even when
//     its sources failed, so the schedule moves on instead of hammering a
//     broken source;
//   - source_state (failure_streak, last_error, last_failure_at, …): that is
//     where a source's failure is meant to be recorded;
//   - poll_runs: one row per run, with its report (errors included);
//   - api_usage and oauth_tokens: the eBay calls a poll spent and the token
//     it cached, whatever the answer;
//   - goose_db_version: the schema, which nothing here changes.
var snapshotTables = []string{"watches", "channels", "listings", "price_history", "deals", "notifications"}

var snapshotExcluded = map[string]bool{"watches.last_polled_at": true}

// snapshot returns every row of snapshotTables, in id order, one line each,
// without the excluded columns. It opens the database read-only.
func snapshot(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, table := range snapshotTables {
		rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY id`)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString(table)
			for i, v := range vals {
				if snapshotExcluded[table+"."+cols[i]] {
					continue
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			out = append(out, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
	}
	return out
}

// sameSnapshot reports the rows that differ between two snapshots.
func sameSnapshot(t *testing.T, what string, before, after []string) {
	t.Helper()
	gone, added := diffLines(before, after), diffLines(after, before)
	if len(gone) > 0 || len(added) > 0 {
		t.Errorf("%s changed the stored data:\n--- rows before that are no longer there:\n%s\n+++ rows after that were not there before:\n%s",
			what, strings.Join(gone, "\n"), strings.Join(added, "\n"))
	}
}

func diffLines(a, b []string) []string {
	in := map[string]int{}
	for _, l := range b {
		in[l]++
	}
	var out []string
	for _, l := range a {
		if in[l] > 0 {
			in[l]--
			continue
		}
		out = append(out, l)
	}
	return out
}

// TestBadInputNeverLosesData feeds every kind of bad input to a database
// that holds watches, channels, listings, price history and deals, and
// checks that each is refused with a message naming the input and an exit
// code scripts can act on, and that the stored data is exactly as before.
func TestBadInputNeverLosesData(t *testing.T) {
	t.Parallel()
	feed := newSwitchServer(t, "application/rss+xml", goodRSS)
	ebay := newEbaySearchFake(t, goodEbaySearch)
	hook := newHookServer(t)
	// DEALSCOUT_SOURCE_FAILURE_ALERT=0: the "source failing" alert a third
	// failure in a row queues is a legitimate write; it is turned off so the
	// alert outbox can be compared row for row like the rest.
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true", "DEALSCOUT_SOURCE_FAILURE_ALERT=0",
		"DEALSCOUT_EBAY_CLIENT_ID=dealscout-test-PRD-0001", "DEALSCOUT_EBAY_CLIENT_SECRET=PRD-test-secret",
		"DEALSCOUT_EBAY_API_URL="+ebay.URL, "DEALSCOUT_EBAY_AUTH_URL="+ebay.URL)
	dbPath := filepath.Join(c.dir, "dealscout.db")
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(3, 20000))
	feedURL := feed.URL + "/deals.rss"
	c.ok("channel", "add", "hook", "webhook+"+hook.URL+"/hook")
	c.ok("watch", "add", "files", "--query", "sofa", "--source", "file:"+file, "--notify", "hook", "--zip", "94103", "--radius-mi", "30")
	c.ok("watch", "add", "feeds", "--query", "table", "--source", "feed:"+feedURL, "--notify", "hook")
	c.ok("watch", "add", "ebays", "--query", "oak table", "--source", "ebay", "--notify", "hook", "--max-price", "500")
	code, rep := c.poll("--all")
	if code != 0 || rep.Status != "ok" || len(rep.Watches) != 3 {
		t.Fatalf("first poll of good inputs: exit %d, %+v; want ok for 3 watches", code, rep)
	}
	for _, w := range rep.Watches {
		if w.New == 0 {
			t.Fatalf("first poll stored nothing for %s: %+v", w.Watch, w)
		}
	}
	// A price drop in the file adds price history, so it is part of what must survive.
	recs := sofas(3, 20000)
	recs[1].PriceCents = 15000
	writeListings(t, file, recs)
	if code, rep = c.poll("--watch", "files"); code != 0 || rep.Watches[0].PriceDrops != 1 {
		t.Fatalf("second poll: exit %d, %+v; want one price drop", code, rep)
	}
	before := snapshot(t, dbPath)
	for _, want := range []string{"watches", "channels", "listings", "price_history", "deals"} {
		found := false
		for _, row := range before {
			found = found || strings.HasPrefix(row, want+" ")
		}
		if !found {
			t.Fatalf("the starting database has no %s rows; the comparison would prove nothing", want)
		}
	}

	// Bad answers from sources. A poll whose only source fails reports
	// status "failed" and exits 1 (3 is for a run where other sources
	// still worked); the error names the source and what is wrong.
	writeFile := func(body string) func() {
		return func() {
			if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	polls := []struct {
		name    string
		watch   string
		feed    func()
		hits    func() int
		want    []string // substrings of the watch's error
		wantLog string   // substring of stderr
	}{
		{"feed with broken XML", "feeds",
			func() {
				feed.set(`<?xml version="1.0"?><rss version="2.0"><channel><title>Local deals</title>` +
					`<item><title>Oak coffee table - $1</title><link>https://deals.example.com/1</link><guid>deal-1</guid></item><item><title>Bro`)
			},
			feed.count, []string{"feed:" + feedURL, "malformed XML"}, "source failed"},
		{"feed that is an HTML page", "feeds",
			func() { feed.set(`<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>`) },
			feed.count, []string{"feed:" + feedURL}, "source failed"},
		{"truncated JSON array file", "files",
			writeFile(`[{"source":"fixture","source_id":"sofa-000","title":"Grey sofa","price_cents":100,"currency":"USD"},` +
				`{"source":"fixture","source_id":"sofa-001","title":"Grey so`),
			nil, []string{"file:" + file, file}, "source failed"},
		{"JSONL file cut off mid-record", "files",
			writeFile(`{"source":"fixture","source_id":"sofa-000","title":"Grey sofa","price_cents":100,"currency":"USD"}` + "\n" +
				`{"source":"fixture","source_id":"sofa-001","title":"Grey sofa","price_c`),
			nil, []string{file, "line 2"}, "source failed"},
		{"file with a wrong type", "files",
			writeFile(`{"source":"fixture","source_id":"sofa-000","title":"Grey sofa","price_cents":"cheap","currency":"USD"}` + "\n"),
			nil, []string{file, "price_cents"}, "source failed"},
		{"eBay answer with wrong types", "ebays",
			func() {
				ebay.search.set(`{"total": "two", "itemSummaries": [{"itemId": "v1|110011001100|0", "title": "Solid oak dining table", "price": 1}]}`)
			},
			ebay.search.count, []string{"ebay", "malformed response"}, "source failed"},
		{"eBay answer that is not JSON", "ebays",
			func() { ebay.search.set(`<html><body>Bad gateway</body></html>`) },
			ebay.search.count, []string{"ebay", "malformed response"}, "source failed"},
	}
	for _, p := range polls {
		t.Run(p.name, func(t *testing.T) {
			start := snapshot(t, dbPath)
			hitsBefore := 0
			if p.hits != nil {
				hitsBefore = p.hits()
			}
			p.feed()
			code, out, errs := c.run("poll", "--watch", p.watch, "--json")
			var rep pollJSON
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("poll --json printed no report (exit %d): %v\n%s\n%s", code, err, out, errs)
			}
			if code != ExitError || rep.Status != "failed" {
				t.Errorf("exit %d, status %q; want 1 and failed (the watch's only source failed)", code, rep.Status)
			}
			if len(rep.Watches) != 1 || len(rep.Watches[0].Errors) != 1 {
				t.Fatalf("report %+v: want one watch with one error", rep)
			}
			for _, w := range p.want {
				if !strings.Contains(rep.Watches[0].Errors[0], w) {
					t.Errorf("error %q does not name %q", rep.Watches[0].Errors[0], w)
				}
			}
			if !strings.Contains(errs, p.wantLog) {
				t.Errorf("stderr does not log %q:\n%s", p.wantLog, errs)
			}
			if p.hits != nil && p.hits() == hitsBefore {
				t.Fatal("the source was not fetched; the bad input was never read")
			}
			sameSnapshot(t, p.name, start, snapshot(t, dbPath))
		})
	}

	// A well-formed eBay answer with fields missing: an item without a
	// price, one without an id. The answer is used, but a missing price is
	// not a price drop to zero, and an item eBay did not identify adds
	// nothing.
	t.Run("eBay answer with missing fields", func(t *testing.T) {
		start := snapshot(t, dbPath)
		ebay.search.set(`{"total": 3, "limit": 200, "offset": 0, "itemSummaries": [
 {"itemId": "v1|110011001100|0", "title": "Solid oak dining table",
  "condition": "Used", "conditionId": "3000", "buyingOptions": ["FIXED_PRICE"], "itemWebUrl": "https://www.ebay.com/itm/110011001100",
  "image": {"imageUrl": "https://i.ebayimg.com/images/g/a/s-l225.jpg"}, "itemCreationDate": "2026-11-24T10:00:00.000Z",
  "itemLocation": {"postalCode": "941**", "country": "US"}},
 {"itemId": "v1|220022002200|0", "title": "Oak side table", "price": {"value": "80.00", "currency": "USD"},
  "condition": "Used", "conditionId": "3000", "buyingOptions": ["FIXED_PRICE"], "itemWebUrl": "https://www.ebay.com/itm/220022002200",
  "itemCreationDate": "2026-11-24T11:00:00.000Z"},
 {"title": "Oak table without an id", "price": {"value": "1.00", "currency": "USD"}}
]}`)
		code, rep := c.poll("--watch", "ebays")
		if code != 0 || rep.Status != "ok" {
			t.Errorf("exit %d, status %q; want 0 and ok (eBay answered)", code, rep.Status)
		}
		if w := rep.Watches[0]; w.PriceDrops != 0 || w.New != 0 {
			t.Errorf("report %+v: want no price drop and nothing new", w)
		}
		sameSnapshot(t, "an eBay answer with missing fields", start, snapshot(t, dbPath))
	})

	// Bad configuration: refused before anything is opened.
	junk := filepath.Join(c.dir, "junk.env")
	if err := os.WriteFile(junk, []byte("DEALSCOUT_GONE_AFTER=1\nthis is not a setting\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	invalid := filepath.Join(c.dir, "invalid.env")
	if err := os.WriteFile(invalid, []byte("# settings\nDEALSCOUT_GONE_AFTER=1\nDEALSCOUT_POLL_CONCURRENCY=lots\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	truncated := writeTemp(t, `[{"name":"files","query":"chair","sources":["demo"]},{"name":"new","qu`)
	wrongType := writeTemp(t, `[{"name":"files","query":"chair"},{"name":"new","query":"lamp","min_price":"cheap"}]`)
	commands := []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"settings file with a junk line", []string{"--config", junk, "poll", "--all"}, []string{junk, "line 2", "KEY=VALUE"}},
		{"settings file with an invalid value", []string{"--config", invalid, "poll", "--all"},
			[]string{"DEALSCOUT_POLL_CONCURRENCY", "lots", "1 to 64"}},
		{"invalid value in the environment", []string{"poll", "--all"}, nil}, // env set below
		{"truncated watch import", []string{"watch", "import", truncated}, []string{truncated}},
		{"watch import with a wrong type", []string{"watch", "import", wrongType}, []string{wrongType, "item 2", "min_price", "cheap"}},
		{"negative min price", []string{"watch", "edit", "files", "--min-price", "-5"}, []string{"min_price"}},
		{"ZIP that does not exist", []string{"watch", "edit", "files", "--zip", "00000"}, []string{"zip", "00000"}},
		{"new watch with a bad ZIP", []string{"watch", "add", "other", "--query", "lamp", "--zip", "00000"}, []string{"zip", "00000"}},
		{"price that is not a number", []string{"watch", "edit", "files", "--max-price", "cheap"}, []string{"max-price", "cheap"}},
		{"unknown flag", []string{"watch", "edit", "files", "--max-prize", "5"}, []string{"max-prize"}},
	}
	for _, cmd := range commands {
		t.Run(cmd.name, func(t *testing.T) {
			start := snapshot(t, dbPath)
			run := c
			want := cmd.want
			if cmd.name == "invalid value in the environment" {
				run = &cli{t: t, dir: c.dir, env: withEnv(c.env, "DEALSCOUT_GONE_AFTER=0"), now: c.now}
				want = []string{"DEALSCOUT_GONE_AFTER", "1 to 100"}
			}
			code, out, errs := run.run(cmd.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errs)
			}
			for _, w := range want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not name %q", errs, w)
				}
			}
			sameSnapshot(t, cmd.name, start, snapshot(t, dbPath))
		})
	}

	// The good inputs still work afterwards, and change the data as they should.
	feed.set(goodRSS)
	if code, rep := c.poll("--watch", "feeds"); code != 0 || rep.Status != "ok" {
		t.Errorf("poll of a repaired feed: exit %d, %+v", code, rep)
	}
}
