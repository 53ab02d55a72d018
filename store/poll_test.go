package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// pollWatch stores a watch named name over the demo source.
func pollWatch(t *testing.T, s *Store, name string) scout.Watch {
	t.Helper()
	w := scout.NewWatch(name)
	w.Query, w.Sources = "chair", []string{"demo"}
	if err := w.Validate(scout.LegalOff); err != nil {
		t.Fatalf("watch does not validate: %v", err)
	}
	if err := s.CreateWatch(context.Background(), &w); err != nil {
		t.Fatalf("CreateWatch: %v", err)
	}
	return w
}

func chairListing(id string, cents int64) scout.Listing {
	return scout.Listing{Source: "demo", SourceID: id, Title: "Oak chair " + id, PriceCents: cents, Currency: "USD",
		PriceKnown: true, Condition: scout.CondGood, ShippingCents: -1}
}

// batchOf is a complete fetch of ls for w, all matched.
func batchOf(w *scout.Watch, now time.Time, ls ...scout.Listing) scout.FetchBatch {
	b := scout.FetchBatch{Watch: w, Spec: "demo", Complete: true, GoneAfter: 2, Now: now}
	for _, l := range ls {
		b.Items = append(b.Items, scout.FetchItem{Listing: l, Score: scout.Score{Total: 50}})
	}
	return b
}

func queryInt(t *testing.T, s *Store, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := s.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

// rmSource removes its watch while it is being fetched, as `watch rm` run
// beside a poll does, then answers (or fails).
type rmSource struct {
	s     *Store
	watch string
	fail  bool
	once  sync.Once
}

func (r *rmSource) Fetch(ctx context.Context, _ scout.Query) (scout.FetchResult, error) {
	r.once.Do(func() {
		if err := r.s.DeleteWatch(ctx, r.watch); err != nil {
			panic(err)
		}
	})
	if r.fail {
		return scout.FetchResult{}, errors.New("server answered 503")
	}
	return scout.FetchResult{Listings: []scout.Listing{chairListing("c1", 3000)}, Complete: true}, nil
}

// Item 24: a watch removed while its sources are fetched is skipped with one
// info line; the run stays ok and no FOREIGN KEY error reaches anyone.
func TestPollSkipsWatchRemovedMidPoll(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fail bool // the source fails too, so the failure record meets the removed watch
	}{{"source answered", false}, {"source failed", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestStore(t)
			ctx := context.Background()
			gone := pollWatch(t, s, "gone")
			kept := pollWatch(t, s, "kept")
			var logs bytes.Buffer
			src := &rmSource{s: s, watch: "gone", fail: tc.fail}
			p := &scout.Poller{Store: s, Sources: map[string]scout.Source{"demo": src}, Now: func() time.Time { return testNow },
				Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Loc: time.UTC,
				FailAlertAt: 1, Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
			rep := p.Run(ctx, []scout.Watch{gone})
			if rep.Status != scout.StatusOK || len(rep.Errors) > 0 {
				t.Errorf("run with a watch removed mid-poll: status %q errors %q, want ok and none", rep.Status, rep.Errors)
			}
			for _, wr := range rep.Watches {
				t.Errorf("the removed watch is still reported: %+v", wr)
			}
			if strings.Contains(logs.String(), "FOREIGN KEY") || strings.Contains(logs.String(), "level=WARN") ||
				strings.Contains(logs.String(), "level=ERROR") {
				t.Errorf("logs warn about the removed watch:\n%s", logs.String())
			}
			if n := strings.Count(logs.String(), "level=INFO"); n != 1 || !strings.Contains(logs.String(), "removed") {
				t.Errorf("want exactly one info line saying the watch was removed, got %d:\n%s", n, logs.String())
			}
			if n := queryInt(t, s, `SELECT count(*) FROM source_state WHERE watch_id = ?`, gone.ID); n != 0 {
				t.Errorf("%d source_state rows left for the removed watch", n)
			}
			// The other watch polls normally afterwards.
			rep = p.Run(ctx, []scout.Watch{kept})
			if rep.Status != scout.StatusOK && !tc.fail {
				t.Errorf("the next watch's poll: status %q, want ok", rep.Status)
			}
		})
	}
}

// Item 24, at the store: writes for a removed watch say so with
// scout.ErrWatchGone instead of a constraint failure.
func TestWritesForRemovedWatchReturnErrWatchGone(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "gone")
	if err := s.DeleteWatch(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyFetch(ctx, batchOf(&w, testNow, chairListing("c1", 3000))); !errors.Is(err, scout.ErrWatchGone) {
		t.Errorf("ApplyFetch for a removed watch = %v, want scout.ErrWatchGone", err)
	}
	if _, _, err := s.RecordSourceFailure(ctx, scout.SourceFailure{WatchID: w.ID, Spec: "demo", Error: "x", At: testNow}); !errors.Is(err, scout.ErrWatchGone) {
		t.Errorf("RecordSourceFailure for a removed watch = %v, want scout.ErrWatchGone", err)
	}
	if err := s.EnqueueAlerts(ctx, w.ID, "demo", []scout.OutboxAlert{{DedupeKey: "k", Channel: "c", Reason: "source_failing", Payload: []byte(`{}`)}}, true); !errors.Is(err, scout.ErrWatchGone) {
		t.Errorf("EnqueueAlerts for a removed watch = %v, want scout.ErrWatchGone", err)
	}
}

// goneOf reads whether a listing is marked gone and its deal's miss count.
func goneOf(t *testing.T, s *Store, watchID int64, sourceID string) (gone bool, missed int64) {
	t.Helper()
	var g sql.NullString
	err := s.db.QueryRowContext(context.Background(), `SELECT l.gone_at, d.missed FROM listings l
		JOIN deals d ON d.listing_id = l.id AND d.watch_id = ? WHERE l.source_id = ?`, watchID, sourceID).Scan(&g, &missed)
	if err != nil {
		t.Fatalf("read listing %s: %v", sourceID, err)
	}
	return g.Valid, missed
}

// Item 31: "gone after N complete fetches in a row" — a listing missed,
// seen again, then missed once more is not gone with N = 2, because seeing
// it resets the count; two misses in a row do mark it gone.
func TestMarkMissingCountsMissesInARow(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "chairs")
	a, b := chairListing("a", 3000), chairListing("b", 4000)
	steps := []struct {
		name       string
		fetched    []scout.Listing
		wantMissed int64
		wantGone   bool
		wantCount  int
	}{
		{"both there", []scout.Listing{a, b}, 0, false, 0},
		{"a missed once", []scout.Listing{b}, 1, false, 0},
		{"a seen again", []scout.Listing{a, b}, 0, false, 0},
		{"a missed once more: not two in a row", []scout.Listing{b}, 1, false, 0},
		{"a missed twice in a row", []scout.Listing{b}, 2, true, 1},
	}
	for i, st := range steps {
		c, err := s.ApplyFetch(ctx, batchOf(&w, testNow.Add(time.Duration(i)*time.Hour), st.fetched...))
		if err != nil {
			t.Fatalf("step %q: ApplyFetch: %v", st.name, err)
		}
		gone, missed := goneOf(t, s, w.ID, "a")
		if missed != st.wantMissed || gone != st.wantGone || c.Gone != st.wantCount {
			t.Errorf("step %q: missed %d gone %v (counted %d), want missed %d gone %v (counted %d)",
				st.name, missed, gone, c.Gone, st.wantMissed, st.wantGone, st.wantCount)
		}
		if g, _ := goneOf(t, s, w.ID, "b"); g {
			t.Errorf("step %q: b, fetched every time, is marked gone", st.name)
		}
	}
	// An incomplete fetch (a page cap hit) never counts a miss.
	inc := batchOf(&w, testNow.Add(10*time.Hour), b)
	inc.Complete = false
	if _, err := s.ApplyFetch(ctx, inc); err != nil {
		t.Fatal(err)
	}
	if _, missed := goneOf(t, s, w.ID, "a"); missed != 2 {
		t.Errorf("an incomplete fetch changed a's miss count to %d, want it left at 2", missed)
	}
	// Coming back clears the gone mark.
	if _, err := s.ApplyFetch(ctx, batchOf(&w, testNow.Add(11*time.Hour), a, b)); err != nil {
		t.Fatal(err)
	}
	if gone, missed := goneOf(t, s, w.ID, "a"); gone || missed != 0 {
		t.Errorf("a back in the feed: gone %v missed %d, want neither", gone, missed)
	}
}

// Item 35: ApplyFetch's counts, price history, alert rows and source state.
func TestApplyFetchWritesListingsDealsHistoryAndAlerts(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "chairs")
	held := testNow.Add(8 * time.Hour)

	b := batchOf(&w, testNow, chairListing("a", 3000), chairListing("b", 4000))
	b.Unmatched = []scout.Listing{chairListing("u", 9000)}
	b.State = scout.SourceState{ETag: `"v1"`}
	b.Items[0].Alerts = []scout.OutboxAlert{
		{DedupeKey: "k-now", Channel: "phone", Reason: scout.ReasonScore, Payload: []byte(`{"kind":"deal"}`)},
		{DedupeKey: "k-held", Channel: "mail", Reason: scout.ReasonScore, NotBefore: held, Payload: []byte(`{}`)},
	}
	c, err := s.ApplyFetch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if c != (scout.FetchCounts{New: 2, AlertsQueued: 2}) {
		t.Errorf("first fetch counts %+v, want 2 new and 2 alerts", c)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM listings`); n != 3 {
		t.Errorf("%d listings stored, want 3 (two matched, one unmatched kept for comps)", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM deals WHERE watch_id = ?`, w.ID); n != 2 {
		t.Errorf("%d deals, want 2 (the unmatched listing makes none)", n)
	}
	aID := queryInt(t, s, `SELECT id FROM listings WHERE source_id = 'a'`)
	for key, wantNext := range map[string]time.Time{"k-now": testNow, "k-held": held} {
		var lid int64
		var next string
		if err := s.db.QueryRowContext(ctx, `SELECT listing_id, next_attempt_at FROM notifications WHERE dedupe_key = ?`, key).Scan(&lid, &next); err != nil {
			t.Fatalf("alert %s: %v", key, err)
		}
		if lid != aID {
			t.Errorf("alert %s has listing_id %d, want %d", key, lid, aID)
		}
		if next != ts(wantNext) {
			t.Errorf("alert %s is due %s, want %s (NotBefore kept)", key, next, ts(wantNext))
		}
	}
	var etag string
	if err := s.db.QueryRowContext(ctx, `SELECT etag FROM source_state WHERE watch_id = ? AND spec = 'demo'`, w.ID).Scan(&etag); err != nil || etag != `"v1"` {
		t.Errorf("source state etag %q (%v), want \"v1\"", etag, err)
	}

	// Again: a's price drops, b changes nothing, the same alert keys are not queued twice.
	a2 := chairListing("a", 2500)
	b2 := batchOf(&w, testNow.Add(time.Hour), a2, chairListing("b", 4000))
	b2.Items[0].PriceDrop, b2.Items[0].PriceChanged = true, true
	b2.Items[0].Alerts = []scout.OutboxAlert{{DedupeKey: "k-now", Channel: "phone", Reason: scout.ReasonScore, Payload: []byte(`{}`)}}
	c, err = s.ApplyFetch(ctx, b2)
	if err != nil {
		t.Fatal(err)
	}
	if c != (scout.FetchCounts{Updated: 1, PriceDrops: 1}) {
		t.Errorf("second fetch counts %+v, want 1 updated, 1 price drop, no alert (same key)", c)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM price_history WHERE listing_id = ?`, aID); n != 2 {
		t.Errorf("a has %d price history rows, want 2 (first price and the drop)", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM price_history h JOIN listings l ON l.id = h.listing_id WHERE l.source_id = 'b'`); n != 1 {
		t.Errorf("b, unchanged, has %d price history rows, want 1", n)
	}
}

// Item 35: the outbox hands out due alerts only, oldest first, and a sent
// one never again.
func TestDueAlertsAndMarkAlertSent(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "chairs")
	if err := s.CreateChannel(ctx, &Channel{Name: "phone", URL: "sms:+14155550123", Kind: "sms"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		key string
		at  time.Time
	}{{"later", testNow.Add(time.Hour)}, {"first", testNow.Add(-time.Hour)}, {"second", testNow.Add(-time.Minute)}} {
		if ok, err := s.QueueAlert(ctx, w.ID, 0, scout.OutboxAlert{DedupeKey: a.key, Channel: "phone", Reason: "score",
			NotBefore: a.at, Payload: []byte(`{}`)}); err != nil || !ok {
			t.Fatalf("QueueAlert %s: %v %v", a.key, ok, err)
		}
	}
	// A NotBefore in the past means now: "first" and "second" are due now, in queue order.
	keys := func(as []Alert) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.DedupeKey)
		}
		return out
	}
	due, err := s.DueAlerts(ctx, testNow, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys(due), ","); got != "first,second" {
		t.Fatalf("due now: %s, want first,second (the held one later)", got)
	}
	if err := s.MarkAlertFailed(ctx, due[0].ID, "phone", testNow.Add(time.Minute), "503", false); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT failures FROM channels WHERE name = 'phone'`); n != 1 {
		t.Errorf("channel failures %d after a failed send, want 1", n)
	}
	if err := s.MarkAlertSent(ctx, due[1].ID, "phone", testNow); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, s, `SELECT failures FROM channels WHERE name = 'phone'`); n != 0 {
		t.Errorf("channel failures %d after a send, want 0", n)
	}
	due, err = s.DueAlerts(ctx, testNow.Add(2*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys(due), ","); got != "first,later" {
		t.Errorf("due in two hours: %s, want first (retry) and later; never the sent one", got)
	}
	if due, _ := s.DueAlerts(ctx, testNow.Add(2*time.Hour), 1); len(due) != 1 {
		t.Errorf("DueAlerts with limit 1 returned %d", len(due))
	}
}

// Item 35: one poll lock per database; a released lock can be taken again.
func TestTryLockIsExclusive(t *testing.T) {
	t.Parallel()
	db := t.TempDir() + "/x.db"
	l1, err := TryLock(db)
	if err != nil {
		t.Fatal(err)
	}
	if l2, err := TryLock(db); !errors.Is(err, ErrLocked) {
		_ = l2.Release()
		t.Fatalf("second TryLock = %v, want ErrLocked", err)
	}
	if err := l1.Release(); err != nil {
		t.Fatal(err)
	}
	l3, err := TryLock(db)
	if err != nil {
		t.Fatalf("TryLock after Release = %v", err)
	}
	_ = l3.Release()
}
