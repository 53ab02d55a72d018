package e2e

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify"
)

// killWatch is one watch of the kill test: the shelves it polls and the
// channels (hook paths) it alerts.
type killWatch struct {
	name, query string
	shelves     []string
	channels    []string
}

// TestPollSurvivesSIGKILL kills `dealscout poll` at random moments of its run,
// over and over, while the fake sources keep changing, then lets one poll run
// to completion and checks that nothing was corrupted, lost, stored twice or
// alerted twice beyond what the kills explain (issue #6: crash safety).
func TestPollSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 50 polls; skipped with -short")
	}
	kills := 50
	if os.Getenv("DEALSCOUT_E2E_LONG") == "1" {
		kills = 300
	}
	started := time.Now()
	e := newEnv(t, "DEALSCOUT_LOG_LEVEL=debug")
	m, _ := newMarket(t, 6)
	m.addShelf("feed", "desks", "desk", "D", 150)
	m.addShelf("file", "sofas", "sofa", "S", 150)
	m.addShelf("feed", "chairs", "chair", "C", 60)
	m.addShelf("file", "stools", "chair", "T", 60) // a second source of the chairs watch
	hk := newHook(t)
	watches := []killWatch{
		{"desks", "desk", []string{"desks"}, []string{"a"}},
		{"sofas", "sofa", []string{"sofas"}, []string{"a", "b"}},
		{"chairs", "chair", []string{"chairs", "stools"}, []string{"b"}},
	}
	e.ok("channel", "add", "a", "webhook+"+hk.URL+"/a")
	e.ok("channel", "add", "b", "webhook+"+hk.URL+"/b")
	for _, w := range watches {
		args := []string{"watch", "add", w.name, "--query", w.query, "--digest", "off"}
		for _, s := range w.shelves {
			args = append(args, "--source", m.source(s))
		}
		for _, c := range w.channels {
			args = append(args, "--notify", c)
		}
		e.ok(args...)
	}

	// Round 0 backfills quietly; two clean rounds then time a normal poll.
	m.writeFiles(t)
	e.ok("poll", "--all")
	if n := hk.count(); n != 0 {
		t.Fatalf("the backfill poll delivered %d alerts, want 0", n)
	}
	var normal time.Duration
	for i := 0; i < 2; i++ {
		m.advance(3)
		m.writeFiles(t)
		r := e.run("poll", "--all")
		if r.code != exitOK {
			t.Fatalf("calibration poll:\n%s", r)
		}
		normal = max(normal, r.took)
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("a normal poll takes %s; killing %[2]d polls, a quarter each at a uniform random delay in [0, %[1]s), mid-send, within 1 ms after a delivery, and right after a commit (seed %[3]d)",
		ms(normal), kills, seed)

	landed, missed := 0, 0
	phases := map[string]int{}
	var heldIDs []string // alerts the hook had when their sender was killed
	afterCommit := 0     // kills sent right after an observed commit
	modes := [4]string{"random", "mid-send", "after a delivery", "after a commit"}
	// Keep going until the wanted number of kills landed in a running
	// poll; a random delay now and then falls after the poll finished.
	for i := 0; landed < kills; i++ {
		if i >= 2*kills {
			t.Fatalf("only %d of %d kills landed in %d tries: polls finish before the kills arrive", landed, kills, i)
		}
		m.advance(3)
		m.writeFiles(t)
		drain(hk.recorded)
		heldID := ""
		if i%4 == 1 {
			hk.holdNth(1 + rng.IntN(8))
		}
		p := e.start("poll", "--all")
		switch i % 4 {
		case 0:
			// Anywhere in the run: starting, fetching, storing, delivering.
			time.Sleep(time.Duration(rng.Int64N(int64(normal))))
		case 1:
			// Mid-send: the hook has one of the first alerts and holds
			// its answer, so the poll cannot know it was received.
			select {
			case heldID = <-hk.held:
			case <-p.done:
			case <-time.After(10 * time.Second):
			}
		case 2:
			// Just after a delivery, while the poll records it as sent and
			// moves on to the next.
			waitDeliveries(p, hk, 1+rng.IntN(8))
			time.Sleep(time.Duration(rng.Int64N(int64(time.Millisecond))))
		case 3:
			// Right after one of the first commits (the run's start, each
			// source's batch, the watch's poll mark, the first alerts):
			// between two transactions, where a change split across them
			// would be left half done.
			if waitCommits(p, e.db, 1+rng.IntN(10)) {
				afterCommit++
			}
		}
		res, ok := p.kill()
		hk.holdNth(0)
		if heldID != "" && ok {
			heldIDs = append(heldIDs, heldID)
		}
		if mk, busy := busyText(res.stderr); busy {
			t.Fatalf("kill %d: the poll reported %q before it was killed:\n%s", i, mk, res)
		}
		if !ok {
			missed++
			if res.code != exitOK {
				t.Fatalf("kill %d: the poll ended by itself, but not with 0 (a killed poll must never block or break the next):\n%s", i, res)
			}
			continue
		}
		landed++
		phases[modes[i%4]+": "+lastLog(res.stderr)]++
	}

	final := e.run("poll", "--all", "--json")
	if final.code != exitOK {
		t.Fatalf("the poll after the kills:\n%s", final)
	}
	e.ok("notify", "flush")
	sentBefore := hk.count()
	again := e.run("poll", "--all", "--json")
	if again.code != exitOK || hk.count() != sentBefore {
		t.Fatalf("a clean poll of unchanged sources delivered %d more alerts (exit %d), want 0:\n%s", hk.count()-sentBefore, again.code, again)
	}
	assertReport(t, final.stdout)

	db := openRO(t, e.db)
	ctx := t.Context()
	if res, err := integrity(ctx, db); err != nil || res != "ok" {
		t.Fatalf("PRAGMA integrity_check = %q (%v), want ok", res, err)
	}
	if n, err := foreignKeyProblems(ctx, db); err != nil || n != 0 {
		t.Errorf("PRAGMA foreign_key_check: %d problems (%v), want 0", n, err)
	}
	checkListings(t, db, m, watches)
	dups := checkAlerts(t, db, hk, m, watches, landed)
	counts := map[string]int{}
	for _, d := range hk.all() {
		counts[d.id]++
	}
	resent := 0
	for _, id := range heldIDs {
		if counts[id] < 2 {
			t.Errorf("alert %s reached the hook, but its poll was killed before hearing so; it was never sent again (at-most-once, not at-least-once)", id)
			continue
		}
		resent++
	}
	if len(heldIDs) < kills/8 || afterCommit < kills/8 {
		t.Errorf("only %d kills landed mid-send and %d right after a commit, want at least %d of each (is the database in WAL mode?)",
			len(heldIDs), afterCommit, kills/8)
	}
	// A killed run is marked aborted by the next poll (issue 12, item 25);
	// the final poll ran after every kill, so none may be left running.
	midRun := queryInt(t, db, `SELECT count(*) FROM poll_runs WHERE status = 'aborted'`)
	if n := queryInt(t, db, `SELECT count(*) FROM poll_runs WHERE status NOT IN ('aborted', 'ok')`); n != 0 {
		t.Errorf("%d poll runs finished other than ok or aborted (running ones were never marked)", n)
	}
	t.Logf("kills: %d landed, %d missed (the poll had finished); %d landed after the run was recorded and before it finished; %d right after a commit; %d mid-send, %d of them re-sent",
		landed, missed, midRun, afterCommit, len(heldIDs), resent)
	t.Logf("kill mode and the last thing the killed poll logged: %s", histogram(phases))
	t.Logf("alerts: %d deliveries of %d distinct alerts, %d duplicates (allowed ≤ %d landed kills); elapsed %s",
		hk.count(), hk.count()-dups, dups, landed, time.Since(started).Round(time.Millisecond))
}

// assertReport checks the final poll's JSON report: every source answered.
func assertReport(t *testing.T, out string) {
	t.Helper()
	var rep struct {
		Status  string `json:"status"`
		Watches []struct {
			Watch  string   `json:"watch"`
			Errors []string `json:"errors"`
		} `json:"watches"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("poll --json: %v\n%s", err, out)
	}
	if rep.Status != "ok" || len(rep.Watches) != 3 {
		t.Fatalf("final poll report: status %q, %d watches, want ok and 3:\n%s", rep.Status, len(rep.Watches), out)
	}
}

// checkListings: every listing the fakes served is stored once, at the price
// served last, with its price history ending at that price, and matched to
// its watch.
func checkListings(t *testing.T, db *sql.DB, m *market, watches []killWatch) {
	t.Helper()
	ctx := t.Context()
	want := m.served()
	rows, err := db.QueryContext(ctx, `SELECT source, source_id, price_cents FROM listings`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[listingKey]int64{}
	stored := 0
	for rows.Next() {
		var k listingKey
		var cents int64
		if err := rows.Scan(&k.source, &k.sourceID, &cents); err != nil {
			t.Fatal(err)
		}
		got[k] = cents
		stored++
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if stored != len(got) {
		t.Errorf("%d listing rows for %d distinct (source, source_id): a listing is stored twice", stored, len(got))
	}
	var lost, wrong []string
	for k, cents := range want {
		g, ok := got[k]
		switch {
		case !ok:
			lost = append(lost, k.sourceID)
		case g != cents:
			wrong = append(wrong, fmt.Sprintf("%s: stored %d, served %d", k.sourceID, g, cents))
		}
	}
	if len(lost) > 0 || len(wrong) > 0 || len(got) != len(want) {
		slices.Sort(lost)
		slices.Sort(wrong)
		t.Errorf("served %d listings, stored %d: %d lost %v, %d at a stale price %v", len(want), len(got), len(lost), first(lost, 10), len(wrong), first(wrong, 10))
	}
	if n := queryInt(t, db, `SELECT count(*) FROM listings l WHERE l.price_cents IS NOT
		(SELECT h.price_cents FROM price_history h WHERE h.listing_id = l.id ORDER BY h.id DESC LIMIT 1)`); n != 0 {
		t.Errorf("%d listings whose last price history entry is not their price", n)
	}
	for _, w := range watches {
		wantDeals := 0
		for _, s := range w.shelves {
			wantDeals += m.count(s)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM deals d JOIN watches w ON w.id = d.watch_id WHERE w.name = ?`, w.name); n != wantDeals {
			t.Errorf("watch %s has %d deals, want %d (one per listing of its sources)", w.name, n, wantDeals)
		}
	}
}

// count is how many listings a shelf holds.
func (m *market) count(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.shelves[name].items)
}

// checkAlerts: every outbox row was sent and received; nothing was received
// that the outbox does not hold; every free listing that appeared after the
// backfill alerted every channel of its watch; and a delivery repeats only
// as often as kills explain. It returns the number of repeated deliveries.
func checkAlerts(t *testing.T, db *sql.DB, hk *hook, m *market, watches []killWatch, landed int) int {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT dedupe_key, status, channel FROM notifications`)
	if err != nil {
		t.Fatal(err)
	}
	outbox := map[string]string{} // webhook-id → dedupe key
	var unsent []string
	for rows.Next() {
		var key, status, channel string
		if err := rows.Scan(&key, &status, &channel); err != nil {
			t.Fatal(err)
		}
		outbox[notify.MessageID(key)] = key
		if status != "sent" {
			unsent = append(unsent, key+" ("+status+")")
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(unsent) > 0 {
		t.Errorf("%d alerts not sent after poll and notify flush: %v", len(unsent), first(unsent, 10))
	}
	seen := map[string]int{}
	var phantom, unsigned []string
	dups := 0
	for _, d := range hk.all() {
		if !d.signed {
			unsigned = append(unsigned, d.id)
		}
		seen[d.id]++
		if seen[d.id] > 1 {
			dups++
		}
		if _, ok := outbox[d.id]; !ok {
			phantom = append(phantom, d.id)
		}
	}
	if len(unsigned) > 0 {
		t.Errorf("%d deliveries carry no valid webhook-signature: %v", len(unsigned), first(unsigned, 10))
	}
	if len(phantom) > 0 {
		t.Errorf("%d deliveries have no alert in the outbox (sent before their transaction committed?): %v", len(phantom), first(phantom, 10))
	}
	var missing []string
	for id, key := range outbox {
		if seen[id] == 0 {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d alerts in the outbox never reached the hook: %v", len(missing), first(missing, 10))
	}
	if dups > landed {
		t.Errorf("%d duplicate deliveries for %d kills: alerts are sent twice in normal operation", dups, landed)
	}
	// The independent expectation: free listings, from the market's side.
	got := map[string]bool{}
	for _, d := range hk.all() {
		for _, dl := range d.deals {
			got[d.watch+" "+d.path+" "+dl.URL+" "+dl.Reason] = true
		}
	}
	var lost []string
	expected := 0
	for _, w := range watches {
		for _, s := range w.shelves {
			for _, u := range m.freeSince(s, 1) {
				for _, c := range w.channels {
					expected++
					if k := w.name + " /" + c + " " + u + " free"; !got[k] {
						lost = append(lost, k)
					}
				}
			}
		}
	}
	if expected == 0 {
		t.Fatal("the market made no free listings after the backfill: the test checks nothing")
	}
	if len(lost) > 0 {
		sort.Strings(lost)
		t.Errorf("%d of %d free-listing alerts were never delivered: %v", len(lost), expected, first(lost, 10))
	}
	return dups
}

// waitDeliveries waits until the hook has recorded n deliveries, the poll
// has ended, or 10 s have passed.
func waitDeliveries(p *proc, hk *hook, n int) {
	timeout := time.After(10 * time.Second)
	for got := 0; got < n; {
		select {
		case <-hk.recorded:
			got++
		case <-p.done:
			return
		case <-timeout:
			return
		}
	}
}

// waitCommits waits until the database has seen n more commits, the poll
// has ended, or 10 s have passed, and says whether it saw the commits. It
// watches the change counter SQLite keeps in the WAL index header (iChange,
// bytes 8–11 of DB-shm), which every commit bumps; it only reads, takes no
// lock, and so does not disturb the poll.
func waitCommits(p *proc, db string, n int) bool {
	deadline := time.Now().Add(10 * time.Second)
	var f *os.File
	for f == nil {
		var err error
		if f, err = os.Open(db + "-shm"); err != nil {
			select {
			case <-p.done:
				return false
			case <-time.After(100 * time.Microsecond):
			}
			if time.Now().After(deadline) {
				return false
			}
		}
	}
	defer f.Close()
	var last, cur [4]byte
	_, _ = f.ReadAt(last[:], 8)
	for seen := 0; seen < n; {
		select {
		case <-p.done:
			return false
		default:
		}
		if time.Now().After(deadline) {
			return false
		}
		if _, err := f.ReadAt(cur[:], 8); err == nil && cur != last {
			seen++
			last = cur
			continue
		}
		time.Sleep(20 * time.Microsecond)
	}
	return true
}

func drain(c chan struct{}) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// lastLog is the message of the last JSON log line a process wrote, or
// "(nothing logged)".
func lastLog(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var l struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(lines[i]), &l) == nil && l.Msg != "" {
			return l.Msg
		}
	}
	return "(nothing logged)"
}

func histogram(h map[string]int) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return h[keys[i]] > h[keys[j]] || (h[keys[i]] == h[keys[j]] && keys[i] < keys[j]) })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%q ×%d", k, h[k]))
	}
	return strings.Join(parts, ", ")
}

func first[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}
