package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// listSource answers with its listings, whole or (each) a batch at a time
// through FetchResult.Each, failing its first read with failFirst.
type listSource struct {
	ls        []scout.Listing
	each      bool
	failFirst error
	reads     int
}

func (s *listSource) Fetch(context.Context, scout.Query) (scout.FetchResult, error) {
	if !s.each {
		return scout.FetchResult{Listings: append([]scout.Listing(nil), s.ls...), Complete: true}, nil
	}
	return scout.FetchResult{Complete: true, Each: func(ctx context.Context, fn func([]scout.Listing) error) error {
		s.reads++
		for start := 0; start < len(s.ls); start += 333 {
			if err := fn(append([]scout.Listing(nil), s.ls[start:min(start+333, len(s.ls))]...)); err != nil {
				return err
			}
		}
		if s.reads == 1 && s.failFirst != nil {
			return s.failFirst
		}
		return nil
	}}, nil
}

func pollerOf(s *Store, src scout.Source, now *time.Time) *scout.Poller {
	return &scout.Poller{Store: s, Sources: map[string]scout.Source{"demo": src}, Now: func() time.Time { return *now },
		Log: slog.New(slog.DiscardHandler), Loc: time.UTC, GoneAfter: 1, Weights: scout.DefaultWeights(),
		Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
}

func pollOnce(t *testing.T, p *scout.Poller, s *Store, name string) scout.WatchReport {
	t.Helper()
	ctx := context.Background()
	w, err := s.Watch(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	rep := p.Run(ctx, []scout.Watch{w})
	if len(rep.Watches) != 1 {
		t.Fatalf("report %+v", rep)
	}
	return rep.Watches[0]
}

// A fetch of more listings than one batch is stored whole: every listing
// once (a repeated one as it first appeared, even in another batch), and
// gone marking counts the listings of every batch as seen.
func TestPollStoresEveryBatchOfALargeFetch(t *testing.T) {
	t.Parallel()
	for _, each := range []bool{false, true} {
		t.Run(fmt.Sprintf("each=%v", each), func(t *testing.T) {
			t.Parallel()
			s := newTestStore(t)
			pollWatch(t, s, "chairs")
			const n = 2*scout.BatchSize + 7
			var ls []scout.Listing
			for i := range n {
				ls = append(ls, chairListing(fmt.Sprintf("c%05d", i), int64(1000+i%50*10)))
			}
			// c00001 again, in the last batch, at another price.
			again := chairListing("c00001", 99999)
			src := &listSource{ls: append(ls, again), each: each}
			now := testNow
			p := pollerOf(s, src, &now)
			wr := pollOnce(t, p, s, "chairs")
			if wr.Failed() || wr.Fetched != n+1 || wr.New != n || wr.Matched != n {
				t.Fatalf("first poll: %+v, want %d fetched, %d new and matched", wr, n+1, n)
			}
			if got := queryInt(t, s, `SELECT count(*) FROM listings`); got != n {
				t.Errorf("%d listings, want %d", got, n)
			}
			if got := queryInt(t, s, `SELECT price_cents FROM listings WHERE source_id = 'c00001'`); got != 1010 {
				t.Errorf("c00001 stored at %d, want its first price 1010", got)
			}
			// The next poll lacks three listings of the first batch and one
			// of the last: those, and only those, are gone.
			src.ls = append([]scout.Listing(nil), ls[3:n-1]...)
			now = testNow.Add(time.Hour)
			wr = pollOnce(t, p, s, "chairs")
			if wr.Failed() || wr.Gone != 4 || wr.New != 0 || wr.Updated != 0 {
				t.Errorf("second poll: %+v, want 4 gone, none new or updated", wr)
			}
			if got := queryInt(t, s, `SELECT count(*) FROM listings WHERE gone_at IS NOT NULL`); got != 4 {
				t.Errorf("%d listings gone, want 4", got)
			}
			if each && src.reads != 2 {
				t.Errorf("Each called %d times in two polls, want 2: an answer is read once, as it is stored", src.reads)
			}
		})
	}
}

// A source whose answer turns out bad while it is read a batch at a time (a
// record deep in a large file) fails as a failed fetch does, and nothing of
// it is stored, though earlier batches were written.
func TestPollStoresNothingOfAnAnswerThatFailsWhileRead(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	pollWatch(t, s, "chairs")
	var ls []scout.Listing
	for i := range scout.BatchSize + 10 {
		ls = append(ls, chairListing(fmt.Sprintf("c%05d", i), 1000))
	}
	src := &listSource{ls: ls, each: true, failFirst: errors.New("line 2010: price_cents: want a whole number")}
	now := testNow
	wr := pollOnce(t, pollerOf(s, src, &now), s, "chairs")
	if !wr.Failed() || len(wr.Errors) != 1 || !strings.Contains(wr.Errors[0], "demo: line 2010") || wr.New != 0 {
		t.Errorf("poll of a bad answer: %+v, want the source failed with its error, nothing new", wr)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM listings`); got != 0 {
		t.Errorf("%d listings stored from a bad answer, want none", got)
	}
	if got := queryInt(t, s, `SELECT failure_streak FROM source_state WHERE spec = 'demo'`); got != 1 {
		t.Errorf("failure streak %d after a bad answer, want 1 (a failed fetch)", got)
	}
}

// A listing seen again exactly as stored keeps its stored score: no market
// search, no rewrite (the daily re-score catches it up). One whose content
// changed, or whose distance from the watch did, is scored again.
func TestPollKeepsTheScoreOfAnUnchangedListing(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	pollWatch(t, s, "chairs")
	var ls []scout.Listing
	for i := range 8 {
		l := chairListing(fmt.Sprintf("c%d", i), int64(2000+i*500))
		l.HasCoords, l.Lat, l.Lng = true, 37.7, -122.4
		ls = append(ls, l)
	}
	src := &listSource{ls: ls}
	now := testNow
	p := pollerOf(s, src, &now)
	if wr := pollOnce(t, p, s, "chairs"); wr.Failed() || wr.New != 8 {
		t.Fatalf("first poll: %+v", wr)
	}
	// A score no scoring gives, to tell kept from recomputed.
	if _, err := s.db.ExecContext(ctx, `UPDATE deals SET score = 1.25`); err != nil {
		t.Fatal(err)
	}
	src.ls = append([]scout.Listing(nil), ls...)
	src.ls[1].Description = "now with a cushion"
	now = testNow.Add(time.Hour)
	wr := pollOnce(t, p, s, "chairs")
	if wr.Failed() || wr.New != 0 || wr.Updated != 0 {
		t.Fatalf("second poll: %+v, want nothing new or updated", wr)
	}
	score := func(id string) float64 {
		var f float64
		if err := s.db.QueryRowContext(ctx, `SELECT d.score FROM deals d JOIN listings l ON l.id = d.listing_id
			WHERE l.source_id = ?`, id).Scan(&f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if got := score("c0"); got != 1.25 {
		t.Errorf("unchanged listing's score = %v, want the stored 1.25 kept", got)
	}
	if got := score("c1"); got == 1.25 {
		t.Errorf("listing with a new description kept its stored score; want it scored again")
	}
	if got := queryInt(t, s, `SELECT count(*) FROM listings WHERE last_seen = ?`, ts(now)); got != 8 {
		t.Errorf("%d listings seen at the second poll, want all 8", got)
	}
	// The watch moves: every distance changes, so every listing is scored.
	w, err := s.Watch(ctx, "chairs")
	if err != nil {
		t.Fatal(err)
	}
	w.HasCoords, w.Lat, w.Lng, w.ZIP = true, 37.8, -122.3, ""
	if _, _, err := s.UpdateWatch(ctx, &w, func(scout.Deal, string) bool { return true }); err != nil {
		t.Fatal(err)
	}
	now = testNow.Add(2 * time.Hour)
	if wr := pollOnce(t, p, s, "chairs"); wr.Failed() {
		t.Fatalf("third poll: %+v", wr)
	}
	if got := score("c0"); got == 1.25 {
		t.Errorf("listing at a new distance kept its stored score; want it scored again")
	}
}

// A new listing with the title of one stored at another source, at about
// its price, is its duplicate; at the same source, or with a title no other
// source has, it is not.
func TestPollLinksDuplicatesAcrossSources(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	pollWatch(t, s, "chairs")
	at := func(src, id, title string, cents int64) scout.Listing {
		l := chairListing(id, cents)
		l.Source, l.Title = src, title
		return l
	}
	first := at("a", "1", "Oak chair, walnut legs", 1000)
	src := &listSource{ls: []scout.Listing{first, at("a", "9", "Pine chair", 500)}}
	now := testNow
	p := pollerOf(s, src, &now)
	if wr := pollOnce(t, p, s, "chairs"); wr.Failed() || wr.New != 2 {
		t.Fatalf("first poll: %+v", wr)
	}
	src.ls = []scout.Listing{
		at("b", "2", "OAK CHAIR - walnut legs!", 1050), // the same item at b
		at("a", "3", "Oak chair, walnut legs", 1000),   // same source: another item
		at("b", "4", "Teak chair", 1000),               // no other source has it
	}
	now = testNow.Add(time.Hour)
	if wr := pollOnce(t, p, s, "chairs"); wr.Failed() || wr.New != 3 {
		t.Fatalf("second poll: %+v", wr)
	}
	firstID := queryInt(t, s, `SELECT id FROM listings WHERE source = 'a' AND source_id = '1'`)
	for _, tc := range []struct {
		src, id string
		want    int64
	}{{"b", "2", firstID}, {"a", "3", 0}, {"b", "4", 0}} {
		if got := queryInt(t, s, `SELECT duplicate_of FROM listings WHERE source = ? AND source_id = ?`, tc.src, tc.id); got != tc.want {
			t.Errorf("%s/%s duplicate_of = %d, want %d", tc.src, tc.id, got, tc.want)
		}
	}
}

// An answer read a batch at a time is priced as the same answer held whole
// when it fits one batch: against itself and the stored comps.
func TestPollPricesAStreamedAnswerAsAHeldOne(t *testing.T) {
	t.Parallel()
	scores := func(each bool) map[string]float64 {
		s := newTestStore(t)
		pollWatch(t, s, "chairs")
		var ls []scout.Listing
		for i := range 300 {
			ls = append(ls, chairListing(fmt.Sprintf("c%03d", i%20), int64(2000+i*37%4000)))
			ls[i].SourceID = fmt.Sprintf("c%03d", i)
		}
		now := testNow
		if wr := pollOnce(t, pollerOf(s, &listSource{ls: ls, each: each}, &now), s, "chairs"); wr.Failed() || wr.New != 300 {
			t.Fatalf("each=%v: poll %+v", each, wr)
		}
		rows, err := s.db.QueryContext(context.Background(), `SELECT l.source_id, d.score FROM deals d JOIN listings l ON l.id = d.listing_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]float64{}
		for rows.Next() {
			var id string
			var sc float64
			if err := rows.Scan(&id, &sc); err != nil {
				t.Fatal(err)
			}
			out[id] = sc
		}
		return out
	}
	held, streamed := scores(false), scores(true)
	if len(held) != 300 {
		t.Fatalf("%d deals, want 300", len(held))
	}
	for id, want := range held {
		if got := streamed[id]; got != want {
			t.Errorf("%s: scored %v read a batch at a time, %v held whole", id, got, want)
		}
	}
}
