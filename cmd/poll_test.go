package cmd

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/store"
)

type listingRecord struct {
	Source     string   `json:"source"`
	SourceID   string   `json:"source_id"`
	Title      string   `json:"title"`
	PriceCents int64    `json:"price_cents"`
	Currency   string   `json:"currency"`
	Condition  string   `json:"condition"`
	PostedAt   string   `json:"posted_at"`
	Lat        float64  `json:"lat"`
	Lng        float64  `json:"lng"`
	URL        string   `json:"url"`
	Images     []string `json:"images"`
}

// writeListings writes a JSONL file for the file: source.
func writeListings(t *testing.T, path string, recs []listingRecord) {
	t.Helper()
	var b strings.Builder
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func sofas(n int, price int64) []listingRecord {
	out := make([]listingRecord, n)
	for i := range out {
		out[i] = listingRecord{Source: "fixture", SourceID: fmt.Sprintf("sofa-%03d", i), Title: fmt.Sprintf("Grey sofa number %d", i),
			PriceCents: price + int64(i)*100, Currency: "USD", Condition: "good", PostedAt: "2026-11-24T12:00:00Z",
			Lat: 37.77, Lng: -122.42, URL: fmt.Sprintf("https://example.com/%d", i), Images: []string{"https://example.com/a.jpg"}}
	}
	return out
}

type pollJSON struct {
	RunID   int64  `json:"run_id"`
	Status  string `json:"status"`
	Watches []struct {
		Watch      string   `json:"watch"`
		Fetched    int      `json:"fetched"`
		New        int      `json:"new"`
		Updated    int      `json:"updated"`
		PriceDrops int      `json:"price_drops"`
		Matched    int      `json:"matched"`
		Gone       int      `json:"gone"`
		Errors     []string `json:"errors"`
		Sources    []struct {
			Source        string `json:"source"`
			Status        string `json:"status"`
			Fetched       int    `json:"fetched"`
			New           int    `json:"new"`
			Matched       int    `json:"matched"`
			FailureStreak int    `json:"failure_streak"`
			Error         string `json:"error"`
		} `json:"sources"`
	} `json:"watches"`
}

func (c *cli) poll(args ...string) (int, pollJSON) {
	c.t.Helper()
	code, out, errs := c.run(append([]string{"poll", "--json"}, args...)...)
	var rep pollJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		c.t.Fatalf("poll --json printed no report (exit %d): %v\nstdout: %s\nstderr: %s", code, err, out, errs)
	}
	return code, rep
}

func TestPollTwiceAddsNothingAndTracksPrices(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(5, 20000))
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+file, "--zip", "94103", "--radius-mi", "20")

	code, rep := c.poll()
	if code != 0 || rep.Status != "ok" || rep.Watches[0].New != 5 || rep.Watches[0].Matched != 5 {
		t.Fatalf("first poll: exit %d, %+v; want ok with 5 new", code, rep)
	}
	c.now = c.now.Add(20 * time.Minute)
	_, rep = c.poll()
	if w := rep.Watches[0]; w.New != 0 || w.Updated != 0 || w.PriceDrops != 0 {
		t.Fatalf("second poll of unchanged data: %+v, want nothing new or updated", w)
	}
	var deals []dealJSON
	if err := json.Unmarshal([]byte(c.ok("deals", "--json")), &deals); err != nil || len(deals) != 5 {
		t.Fatalf("deals --json: %v, %d deals, want 5", err, len(deals))
	}

	// A price drop adds history and counts as a drop; nothing is stored twice.
	recs := sofas(5, 20000)
	recs[2].PriceCents = 10000
	writeListings(t, file, recs)
	c.now = c.now.Add(20 * time.Minute)
	_, rep = c.poll()
	if w := rep.Watches[0]; w.Updated != 1 || w.PriceDrops != 1 || w.New != 0 {
		t.Fatalf("poll after a price drop: %+v, want 1 updated, 1 drop", w)
	}
	st := openStore(t, c)
	var id int64
	for _, d := range deals {
		if d.SourceID == "sofa-002" {
			id = d.ID
		}
	}
	hist, err := st.PriceHistory(t.Context(), id)
	if err != nil || len(hist) != 2 || hist[0].PriceCents != 20200 || hist[1].PriceCents != 10000 {
		t.Fatalf("price history of sofa-002 = %+v (%v), want 202.00 then 100.00", hist, err)
	}
	if deals2 := c.ok("deals", "--json"); strings.Count(deals2, `"source_id"`) != 5 {
		t.Errorf("after three polls there are not exactly 5 deals:\n%s", deals2)
	}
}

func TestPollMarksListingsGoneAfterConsecutiveMisses(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "DEALSCOUT_GONE_AFTER=2")
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(3, 20000))
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+file)
	c.poll()
	writeListings(t, file, sofas(2, 20000)) // sofa-002 disappears
	_, rep := c.poll("--all")
	if rep.Watches[0].Gone != 0 {
		t.Fatalf("gone after one miss = %d, want 0 (DEALSCOUT_GONE_AFTER=2)", rep.Watches[0].Gone)
	}
	_, rep = c.poll("--all")
	if rep.Watches[0].Gone != 1 {
		t.Fatalf("gone after two misses = %d, want 1", rep.Watches[0].Gone)
	}
}

func TestPollScheduleAndPausedWatches(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(1, 20000))
	c.ok("watch", "add", "a", "--query", "sofa", "--source", "file:"+file, "--every", "1h")
	c.ok("watch", "add", "b", "--query", "sofa", "--source", "file:"+file, "--every", "1h")
	c.ok("watch", "pause", "b")
	_, rep := c.poll()
	if len(rep.Watches) != 1 || rep.Watches[0].Watch != "a" {
		t.Fatalf("first poll polled %+v, want only the active watch a", rep.Watches)
	}
	c.now = c.now.Add(30 * time.Minute)
	if _, rep = c.poll(); len(rep.Watches) != 0 {
		t.Fatalf("poll 30m later polled %d watches, want 0 (every 1h)", len(rep.Watches))
	}
	if _, rep = c.poll("--all"); len(rep.Watches) != 1 {
		t.Fatalf("poll --all polled %d watches, want 1 (paused stays paused)", len(rep.Watches))
	}
	if _, rep = c.poll("--watch", "b"); len(rep.Watches) != 1 || rep.Watches[0].Watch != "b" {
		t.Fatalf("poll --watch b polled %+v, want b", rep.Watches)
	}
	if code, _, _ := c.run("poll", "--watch", "nope"); code != ExitUsage {
		t.Errorf("poll --watch of a missing watch exit %d, want 2", code)
	}
}

func TestPollPartialFailureExits3AndKeepsTheRest(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	good := filepath.Join(c.dir, "good.jsonl")
	bad := filepath.Join(c.dir, "bad.json")
	writeListings(t, good, sofas(2, 20000))
	if err := os.WriteFile(bad, []byte(`[{"source":"x","source_id":"1","title":"sofa","price_cents":100`), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("watch", "add", "w", "--query", "sofa", "--source", "file:"+good, "--source", "file:"+bad)
	code, rep := c.poll()
	if code != ExitPartial || rep.Status != "partial" {
		t.Fatalf("exit %d status %q, want 3 partial", code, rep.Status)
	}
	if rep.Watches[0].New != 2 || len(rep.Watches[0].Errors) != 1 || !strings.Contains(rep.Watches[0].Errors[0], "bad.json") {
		t.Errorf("report %+v: want the good file's 2 listings stored and one error naming bad.json", rep.Watches[0])
	}
	// Per-source counts and health, in the report and in the poll_runs row.
	srcs := rep.Watches[0].Sources
	if len(srcs) != 2 {
		t.Fatalf("report has %d source entries, want 2: %+v", len(srcs), srcs)
	}
	if g := srcs[0]; g.Source != "file:"+good || g.Status != "ok" || g.Fetched != 2 || g.New != 2 || g.Matched != 2 || g.Error != "" {
		t.Errorf("good source report %+v, want ok with 2 fetched, new and matched", g)
	}
	if b := srcs[1]; b.Source != "file:"+bad || b.Status != "failed" || b.Fetched != 0 || b.FailureStreak != 1 || !strings.Contains(b.Error, "bad.json") {
		t.Errorf("bad source report %+v, want failed, streak 1, an error naming bad.json", b)
	}
	c.now = c.now.Add(time.Hour)
	if _, again := c.poll(); again.Watches[0].Sources[1].FailureStreak != 2 {
		t.Errorf("second failing poll: streak %d, want 2", again.Watches[0].Sources[1].FailureStreak)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(c.dir, "dealscout.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stored string
	if err := db.QueryRowContext(t.Context(), `SELECT report FROM poll_runs WHERE id = ?`, rep.RunID).Scan(&stored); err != nil {
		t.Fatalf("poll_runs row %d: %v", rep.RunID, err)
	}
	if !strings.Contains(stored, `"source":"file:`+bad+`","status":"failed"`) || !strings.Contains(stored, `"failure_streak":1`) {
		t.Errorf("poll_runs report lacks the per-source entries: %s", stored)
	}
}

func TestPollDryRunStoresNothing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(3, 20000))
	c.ok("watch", "add", "w", "--query", "sofa", "--source", "file:"+file)
	_, rep := c.poll("--dry-run")
	if rep.Watches[0].Matched != 3 {
		t.Fatalf("dry run matched %d, want 3", rep.Watches[0].Matched)
	}
	if out := c.ok("deals", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("dry run stored deals: %s", out)
	}
}

func TestSecondPollExits75WhileLockHeld(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "w", "--query", "sofa")
	lock, err := store.TryLock(filepath.Join(c.dir, "dealscout.db"))
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := c.run("poll")
	if code != ExitLocked || !strings.Contains(errs, "another dealscout poll") {
		t.Errorf("poll while locked: exit %d stderr %q, want 75", code, errs)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	c.ok("poll")
}

func TestListingAddNeedsGuidedModeAndScores(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "sofas", "--query", "sofa", "--zip", "94103", "--radius-mi", "30")
	args := []string{"listing", "add", "https://sfbay.craigslist.org/sfc/fuo/d/sofa/123.html", "--title", "Blue velvet sofa",
		"--price", "150", "--condition", "good", "--zip", "94110", "--watch", "sofas"}
	if code, _, errs := c.run(args...); code != ExitUsage || !strings.Contains(errs, "guided") {
		t.Fatalf("listing add in api_only: exit %d stderr %q, want 2 naming guided mode", code, errs)
	}
	g := &cli{t: t, dir: c.dir, env: append(c.env, "DEALSCOUT_LEGAL_MODE=guided"), now: c.now}
	out := g.ok(args...)
	if !strings.Contains(out, "scored") {
		t.Fatalf("listing add said %q, want a score", out)
	}
	g.ok(args...) // the same URL again updates, never duplicates
	var deals []dealJSON
	if err := json.Unmarshal([]byte(g.ok("deals", "--json")), &deals); err != nil || len(deals) != 1 || deals[0].Source != "manual" {
		t.Fatalf("deals after adding one URL twice: %+v (%v), want one manual deal", deals, err)
	}
}

func TestDemoShowsDeals(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	out := c.ok("demo", "--no-serve")
	if !strings.Contains(out, "demo-couches") || !strings.Contains(out, "SCORE") {
		t.Fatalf("demo output lacks the watches or the deals table:\n%s", out)
	}
	var deals []dealJSON
	if err := json.Unmarshal([]byte(c.ok("deals", "--json", "--limit", "1000")), &deals); err != nil || len(deals) < 20 {
		t.Fatalf("after demo: %d deals (%v), want at least 20", len(deals), err)
	}
	for i := 1; i < len(deals); i++ {
		if deals[i].Score > deals[i-1].Score {
			t.Fatalf("deals are not best first at %d: %.1f after %.1f", i, deals[i].Score, deals[i-1].Score)
		}
	}
	c.ok("demo", "--no-serve") // a second run reuses the watches
}

func openStore(t *testing.T, c *cli) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(c.dir, "dealscout.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
