package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

// pruneSeed writes rows straight into the tables, dated against testNow, and
// remembers their ids by name.
type pruneSeed struct {
	t     *testing.T
	s     *Store
	watch int64
	ids   map[string]int64
	n     int
}

func newPruneSeed(t *testing.T, s *Store) *pruneSeed {
	t.Helper()
	p := &pruneSeed{t: t, s: s, ids: map[string]int64{}}
	p.watch = p.insert(`INSERT INTO watches (name, query, created_at, updated_at) VALUES ('chairs', 'chair', ?, ?)`, ts(testNow), ts(testNow))
	return p
}

func (p *pruneSeed) insert(q string, args ...any) int64 {
	p.t.Helper()
	res, err := p.s.db.ExecContext(context.Background(), q, args...)
	if err != nil {
		p.t.Fatalf("seed %q: %v", q, err)
	}
	id, _ := res.LastInsertId()
	return id
}

func ago(d time.Duration) string { return ts(testNow.Add(-d)) }

// listing adds a listing last seen lastSeen ago, gone goneAgo ago (0 = not gone).
func (p *pruneSeed) listing(name string, lastSeen, goneAgo time.Duration) int64 {
	p.t.Helper()
	p.n++
	var gone any
	if goneAgo > 0 {
		gone = ago(goneAgo)
	}
	id := p.insert(`INSERT INTO listings (source, source_id, title, price_cents, currency, first_seen, last_seen, gone_at)
		VALUES ('demo', ?, ?, 1000, 'USD', ?, ?, ?)`, fmt.Sprint(p.n), "chair "+name, ago(lastSeen+day), ago(lastSeen), gone)
	p.ids[name] = id
	return id
}

// deal adds the watch's deal for the listing, its score stored as factors.
func (p *pruneSeed) deal(listing, status string) {
	p.t.Helper()
	id := p.insert(`INSERT INTO deals (watch_id, listing_id, source_spec, score, components, status, first_seen, updated_at)
		VALUES (?, ?, 'demo', 50, '{}', ?, ?, ?)`, p.watch, p.ids[listing], status, ts(testNow), ts(testNow))
	p.insert(`INSERT INTO deal_factors (deal_id, factors) VALUES (?, '{"x":[0,[],[0,0,"",0,"",60]]}')`, id)
}

func (p *pruneSeed) prices(listing string, agos ...time.Duration) {
	p.t.Helper()
	for _, a := range agos {
		p.insert(`INSERT INTO price_history (listing_id, price_cents, currency, seen_at) VALUES (?, 1000, 'USD', ?)`, p.ids[listing], ago(a))
	}
}

func (p *pruneSeed) run(name, status string, startedAgo time.Duration) {
	p.t.Helper()
	var finished any
	if status != "running" {
		finished = ago(startedAgo - time.Minute)
	}
	p.ids["run "+name] = p.insert(`INSERT INTO poll_runs (started_at, finished_at, status) VALUES (?, ?, ?)`, ago(startedAgo), finished, status)
}

func (p *pruneSeed) alert(name, listing, status string, createdAgo time.Duration) {
	p.t.Helper()
	var l any
	if listing != "" {
		l = p.ids[listing]
	}
	p.ids["alert "+name] = p.insert(`INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, 'phone', 'score', '{}', ?, ?, ?)`, name, p.watch, l, status, ago(createdAgo), ago(createdAgo))
}

// seedRetention builds one database covering every rule, against a 90-day window.
func seedRetention(t *testing.T, s *Store) *pruneSeed {
	p := newPruneSeed(t, s)
	p.listing("gone long ago", 100*day, 100*day)
	p.deal("gone long ago", "new")
	p.prices("gone long ago", 120*day, 110*day, 100*day)
	p.listing("saved and gone", 100*day, 100*day)
	p.deal("saved and gone", "saved")
	p.prices("saved and gone", 200*day, 150*day, 100*day)
	p.listing("gone lately", 10*day, 10*day)
	p.deal("gone lately", "dismissed")
	p.listing("matched, unpolled", 100*day, 0)
	p.deal("matched, unpolled", "new")
	p.listing("unmatched, unseen", 100*day, 0)
	p.listing("active", time.Hour, 0)
	p.deal("active", "seen")
	p.prices("active", 200*day, 150*day, 100*day, 10*day)
	p.listing("duplicate", time.Hour, 0)
	if _, err := s.db.Exec(`UPDATE listings SET duplicate_of = ? WHERE id = ?`, p.ids["gone long ago"], p.ids["duplicate"]); err != nil {
		t.Fatal(err)
	}
	p.run("old ok", "ok", 100*day)
	p.run("old partial", "partial", 95*day)
	p.run("recent ok", "ok", 10*day)
	p.run("killed long ago", "running", 100*day)
	p.run("running near the cutoff", "running", 90*day+time.Hour)
	p.alert("old sent", "gone long ago", "sent", 100*day)
	p.alert("old dead", "active", "dead", 100*day)
	p.alert("old pending", "gone long ago", "pending", 100*day)
	p.alert("recent sent", "active", "sent", 10*day)
	return p
}

func count(t *testing.T, s *Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func exists(t *testing.T, s *Store, table string, id int64) bool {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM `+table+` WHERE id = ?`, id) == 1
}

func noOrphans(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		_ = rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("after prune, %s row %v references a missing %s row", table, rowid, parent)
	}
	integrityOK(t, s)
}

func TestPruneRemovesWhatTheWindowNoLongerNeeds(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	p := seedRetention(t, s)
	rep, err := s.Prune(context.Background(), 90*day, false)
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	if !rep.Cutoff.Equal(testNow.Add(-90 * day)) {
		t.Errorf("cutoff %v, want 90 days before the injected clock's %v", rep.Cutoff, testNow)
	}
	got := fmt.Sprintf("listings=%d deals=%d price_history=%d poll_runs=%d alerts=%d kept_saved=%d other=%v",
		rep.Listings, rep.Deals, rep.PriceHistory, rep.PollRuns, rep.Alerts, rep.KeptSaved, rep.Other)
	// price history: 3 of the removed listing, 2 of "active" (200 and 150 days; 100 days is the price at the cutoff).
	want := "listings=2 deals=1 price_history=5 poll_runs=3 alerts=2 kept_saved=1 other=map[]"
	if got != want {
		t.Errorf("report\n got %s\nwant %s", got, want)
	}
	for name, keep := range map[string]bool{
		"gone long ago": false, "saved and gone": true, "gone lately": true, "matched, unpolled": true,
		"unmatched, unseen": false, "active": true, "duplicate": true,
	} {
		if exists(t, s, "listings", p.ids[name]) != keep {
			t.Errorf("listing %q: kept=%v, want %v", name, !keep, keep)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM deals WHERE status = 'saved'`); n != 1 {
		t.Errorf("%d saved deals left, want the 1 there was", n)
	}
	if n := count(t, s, `SELECT count(*) FROM price_history WHERE listing_id = ?`, p.ids["saved and gone"]); n != 3 {
		t.Errorf("the saved deal's listing has %d price records, want all 3", n)
	}
	var ages []string
	rows, _ := s.db.Query(`SELECT seen_at FROM price_history WHERE listing_id = ? ORDER BY seen_at`, p.ids["active"])
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		ages = append(ages, a)
	}
	_ = rows.Close()
	if want := []string{ago(100 * day), ago(10 * day)}; strings.Join(ages, ",") != strings.Join(want, ",") {
		t.Errorf("active listing's price history %v, want the price at the cutoff and the newer one %v", ages, want)
	}
	if n := count(t, s, `SELECT count(*) FROM listings WHERE id = ? AND duplicate_of IS NULL`, p.ids["duplicate"]); n != 1 {
		t.Error("the duplicate of a removed listing still points at it")
	}
	for name, keep := range map[string]bool{
		"run old ok": false, "run old partial": false, "run recent ok": true, "run killed long ago": false,
		"run running near the cutoff": true, "alert old sent": false, "alert old dead": false,
		"alert old pending": true, "alert recent sent": true,
	} {
		table := "poll_runs"
		if strings.HasPrefix(name, "alert") {
			table = "notifications"
		}
		if exists(t, s, table, p.ids[name]) != keep {
			t.Errorf("%s: kept=%v, want %v", name, !keep, keep)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM notifications WHERE id = ? AND listing_id IS NULL`, p.ids["alert old pending"]); n != 1 {
		t.Error("the pending alert of a removed listing still points at it")
	}
	noOrphans(t, s)
	if n := count(t, s, `SELECT count(*) FROM deal_factors WHERE deal_id NOT IN (SELECT id FROM deals)`); n != 0 {
		t.Errorf("%d stored factors outlive their deals", n)
	}
	if n := count(t, s, `SELECT count(*) FROM deal_factors`); n == 0 {
		t.Error("the kept deals lost their factors")
	}

	again, err := s.Prune(context.Background(), 90*day, false)
	if err != nil || again.Listings+again.Deals+again.PriceHistory+again.PollRuns+again.Alerts != 0 {
		t.Errorf("a second prune removed more: %+v, %v", again, err)
	}
}

func TestPruneDryRunChangesNothingAndCountsTheSame(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	seedRetention(t, s)
	tables := []string{"listings", "deals", "price_history", "poll_runs", "notifications"}
	before := map[string]int64{}
	for _, tb := range tables {
		before[tb] = count(t, s, `SELECT count(*) FROM `+tb)
	}
	dry, err := s.Prune(context.Background(), 90*day, true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	for _, tb := range tables {
		if n := count(t, s, `SELECT count(*) FROM `+tb); n != before[tb] {
			t.Errorf("dry run changed %s: %d rows, had %d", tb, n, before[tb])
		}
	}
	real, err := s.Prune(context.Background(), 90*day, false)
	if err != nil {
		t.Fatal(err)
	}
	dry.DryRun, dry.FreeBytes, dry.FileBytes, dry.LongestBatchMillis = false, real.FreeBytes, real.FileBytes, real.LongestBatchMillis
	if fmt.Sprint(dry) != fmt.Sprint(real) {
		t.Errorf("dry run reported\n%+v\nthe real run\n%+v", dry, real)
	}
	if real.Listings == 0 {
		t.Error("the real run removed nothing; the seed is wrong")
	}
}

func TestPruneWorksInBatches(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	p := newPruneSeed(t, s)
	const n = 2*pruneBatch + pruneBatch/2
	for _, q := range []string{
		`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
		 INSERT INTO listings (source, source_id, title, price_cents, currency, first_seen, last_seen, gone_at)
		 SELECT 'demo', 'id' || i, 'chair', 1000, 'USD', ?2, ?3, ?3 FROM k`,
		`INSERT INTO deals (watch_id, listing_id, source_spec, score, components, first_seen, updated_at)
		 SELECT ?4, id, 'demo', 1, '{}', ?2, ?2 FROM listings`,
	} {
		if _, err := s.db.Exec(q, n, ago(200*day), ago(100*day), p.watch); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := s.Prune(context.Background(), 90*day, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Listings != n || rep.Deals != n {
		t.Errorf("removed %d listings and %d deals, want %d of each", rep.Listings, rep.Deals, n)
	}
	if rep.Batches != 3 {
		t.Errorf("%d write transactions for %d listings, want 3 of at most %d", rep.Batches, n, pruneBatch)
	}
	noOrphans(t, s)
}

// Tables that later migrations add are followed through their declared
// foreign keys: CASCADE rows go with their listing, SET NULL rows stay, and a
// key without an action stops the prune as SQLite itself would.
func TestPruneFollowsForeignKeysOfOtherTables(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	p := newPruneSeed(t, s)
	p.listing("old", 100*day, 100*day)
	p.deal("old", "new")
	for _, q := range []string{
		`CREATE TABLE deal_notes (id INTEGER PRIMARY KEY, deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE, note TEXT)`,
		`CREATE TABLE listing_tags (id INTEGER PRIMARY KEY, source TEXT, source_id TEXT, FOREIGN KEY (source, source_id) REFERENCES listings(source, source_id))`,
		`INSERT INTO deal_notes (deal_id, note) SELECT id, 'call back' FROM deals`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Prune(context.Background(), 90*day, false); err == nil || !strings.Contains(err.Error(), "listing_tags") {
		t.Fatalf("a foreign key of several columns: got %v, want an error naming listing_tags", err)
	}
	if _, err := s.db.Exec(`DROP TABLE listing_tags`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`CREATE TABLE listing_holds (id INTEGER PRIMARY KEY, listing_id INTEGER REFERENCES listings(id))`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO listing_holds (listing_id) VALUES (?)`, p.ids["old"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prune(context.Background(), 90*day, false); err == nil || !strings.Contains(err.Error(), "listing_holds") {
		t.Fatalf("a reference without ON DELETE: got %v, want an error naming listing_holds", err)
	}
	if !exists(t, s, "listings", p.ids["old"]) || count(t, s, `SELECT count(*) FROM deal_notes`) != 1 {
		t.Fatal("a refused prune removed rows")
	}
	if _, err := s.db.Exec(`DELETE FROM listing_holds`); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Prune(context.Background(), 90*day, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Listings != 1 || rep.Deals != 1 || rep.Other["deal_notes"] != 1 {
		t.Errorf("report %+v, want the listing, its deal and the deal's note", rep)
	}
	noOrphans(t, s)
}

func TestPruneRefusesANonPositiveWindow(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	for _, d := range []time.Duration{0, -day} {
		if _, err := s.Prune(context.Background(), d, false); err == nil {
			t.Errorf("Prune(%v) succeeded", d)
		}
	}
}

// A prune cut short after removing listings leaves references to them in
// columns without an index (cleared in one pass at the end); the next prune
// clears them, even when it has nothing else to remove.
func TestPruneClearsReferencesLeftByAnInterruptedRun(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	p := newPruneSeed(t, s)
	p.listing("kept", time.Hour, 0)
	p.alert("orphan", "kept", "pending", time.Hour)
	for _, q := range []string{
		`PRAGMA foreign_keys = OFF`,
		`UPDATE listings SET duplicate_of = 999`,
		`UPDATE notifications SET listing_id = 999`,
		`PRAGMA foreign_keys = ON`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Prune(context.Background(), 90*day, false); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM listings WHERE duplicate_of IS NOT NULL`) + count(t, s, `SELECT count(*) FROM notifications WHERE listing_id IS NOT NULL`); n != 0 {
		t.Errorf("%d references to a missing listing left", n)
	}
	if !exists(t, s, "listings", p.ids["kept"]) || !exists(t, s, "notifications", p.ids["alert orphan"]) {
		t.Error("the rows holding the references were removed, not cleared")
	}
	noOrphans(t, s)
}
