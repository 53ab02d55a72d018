package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// A fetch larger than one multi-row insert: every listing gets its row, in
// fetch order (ids ascending as before batching), one history row and one
// deal, and the counts say so.
func TestApplyFetchManyNewListingsAcrossInsertChunks(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "chairs")
	const n = 2*multiRows + 37
	var ls []scout.Listing
	for i := range n {
		ls = append(ls, chairListing(fmt.Sprintf("c%04d", i), int64(1000+i)))
	}
	b := batchOf(&w, testNow, ls...)
	b.Unmatched = []scout.Listing{chairListing("u1", 500), chairListing("u2", 600)}
	c, err := s.ApplyFetch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != n || c.Updated != 0 {
		t.Errorf("counts %+v, want %d new, none updated", c, n)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM listings`); got != n+2 {
		t.Errorf("%d listings, want %d", got, n+2)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM price_history`); got != n+2 {
		t.Errorf("%d price history rows, want one per listing (%d)", got, n+2)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM price_history h JOIN listings l ON l.id = h.listing_id
		WHERE h.price_cents != l.price_cents`); got != 0 {
		t.Errorf("%d price history rows carry another listing's price", got)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM deals WHERE watch_id = ?`, w.ID); got != n {
		t.Errorf("%d deals, want %d", got, n)
	}
	// Unmatched first, then items, each in fetch order.
	if got := queryInt(t, s, `SELECT count(*) FROM listings a JOIN listings b ON b.id = a.id + 1
		WHERE a.source_id LIKE 'c%' AND b.source_id LIKE 'c%' AND b.source_id < a.source_id`); got != 0 {
		t.Errorf("%d listings got ids out of fetch order", got)
	}
	if got := queryInt(t, s, `SELECT max(id) FROM listings WHERE source_id LIKE 'u%'`); got != 2 {
		t.Errorf("unmatched listings end at id %d, want 2 (written first)", got)
	}
}

// The same listing twice in one fetch is written twice, the second time as
// an update of the first, as when every listing was read back.
func TestApplyFetchSameListingTwiceInOneFetch(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "chairs")
	b := batchOf(&w, testNow, chairListing("a", 3000), chairListing("a", 2500))
	c, err := s.ApplyFetch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if c.New != 1 || c.Updated != 1 {
		t.Errorf("counts %+v, want 1 new and 1 updated", c)
	}
	if got := queryInt(t, s, `SELECT price_cents FROM listings WHERE source_id = 'a'`); got != 2500 {
		t.Errorf("price %d, want the second write's 2500", got)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM price_history`); got != 2 {
		t.Errorf("%d price history rows, want 2", got)
	}
	if got := queryInt(t, s, `SELECT count(*) FROM deals`); got != 1 {
		t.Errorf("%d deals, want 1", got)
	}
}

// An unchanged re-fetch only moves last_seen and clears gone_at and missed;
// a changed field or score is still written.
func TestApplyFetchUnchangedOnlyTouches(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := pollWatch(t, s, "chairs")
	a, b2 := chairListing("a", 3000), chairListing("b", 4000)
	a.HasCoords, a.Lat, a.Lng = true, 40.5, -73.25
	a.PostedAt = testNow.Add(-time.Hour)
	if _, err := s.ApplyFetch(ctx, batchOf(&w, testNow, a, b2)); err != nil {
		t.Fatal(err)
	}
	// As if earlier fetches had missed them.
	if _, err := s.db.ExecContext(ctx, `UPDATE listings SET gone_at = ? WHERE source_id = 'a'`, ts(testNow)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE deals SET missed = 1`); err != nil {
		t.Fatal(err)
	}
	later := testNow.Add(time.Hour)
	a2 := a
	a2.PostedAt = time.Time{} // a source that stops giving the date keeps the stored one
	b3 := b2
	b3.Description = "now with a cushion"
	batch := batchOf(&w, later, a2, b3)
	batch.Items[1].Score.Total = 60
	c, err := s.ApplyFetch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if c != (scout.FetchCounts{}) {
		t.Errorf("counts %+v, want none (no price or title change)", c)
	}
	for _, tc := range []struct{ q, want string }{
		{`SELECT last_seen FROM listings WHERE source_id = 'a'`, ts(later)},
		{`SELECT coalesce(gone_at, 'NULL') FROM listings WHERE source_id = 'a'`, "NULL"},
		{`SELECT posted_at FROM listings WHERE source_id = 'a'`, ts(a.PostedAt)},
		{`SELECT description FROM listings WHERE source_id = 'b'`, "now with a cushion"},
		{`SELECT group_concat(missed) FROM deals`, "0,0"},
		{`SELECT group_concat(updated_at) FROM deals`, ts(later) + "," + ts(later)},
		{`SELECT group_concat(score) FROM (SELECT score FROM deals ORDER BY listing_id)`, "50.0,60.0"},
		{`SELECT count(*) FROM price_history`, "2"},
	} {
		var got string
		if err := s.db.QueryRowContext(ctx, tc.q).Scan(&got); err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.q, got, tc.want)
		}
	}
}
