package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// Both ways of reading a watch's comps give the same rows in the same order:
// other watches' listings, duplicates and listings last seen before the
// window left out, ties on last_seen broken by id, newest first.
func TestCompsQueriesAgree(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w1, _ := seedDeals(t, s, "tables", 60, testNow)
	w2, _ := seedDeals(t, s, "chairs", 40, testNow.Add(-30*time.Second))
	for _, q := range []string{
		// ties: every fifth listing of tables shares the time of the next one
		`UPDATE listings SET last_seen = (SELECT l2.last_seen FROM listings l2 WHERE l2.id = listings.id + 1) WHERE source_id LIKE 'tables-%' AND id % 5 = 0`,
		`UPDATE listings SET duplicate_of = 1 WHERE source_id IN ('tables-7', 'chairs-3')`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	since := ts(testNow.Add(-50 * time.Minute)) // leaves out the oldest of both watches
	read := func(q string, args ...any) []string {
		t.Helper()
		rows, err := s.rdb.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var src, sid, cur, cond, title string
			var price int64
			var seen, posted, first, gone, cat, desc any
			if err := rows.Scan(&src, &sid, &price, &cur, &cond, &title, &seen, &posted, &first, &gone, &cat, &desc); err != nil {
				t.Fatal(err)
			}
			out = append(out, sid)
		}
		return out
	}
	for _, w := range []int64{w1, w2} {
		big := read(compsQuery, since, w, MaxComps)
		small := read(compsOfSmallWatchQuery, w, since, MaxComps)
		if len(big) == 0 || !slices.Equal(big, small) {
			t.Fatalf("watch %d: by listings %v\nby deals %v\nwant the same, non-empty", w, big, small)
		}
		if slices.Contains(big, "tables-7") || slices.Contains(big, "chairs-3") || slices.Contains(big, "tables-55") {
			t.Errorf("watch %d comps %v include a duplicate or a listing seen before the window", w, big)
		}
		limited := read(compsOfSmallWatchQuery, w, since, 5)
		if !slices.Equal(limited, big[:5]) {
			t.Errorf("watch %d: the first 5 by deals %v, want %v", w, limited, big[:5])
		}
	}
	if plan := fullQueryPlan(t, s, compsOfSmallWatchQuery, w1, since, MaxComps); !strings.Contains(plan, "SEARCH d USING") || !strings.Contains(plan, "(watch_id=?") {
		t.Errorf("small watch comps plan %q: want a search of the watch's deals", plan)
	}
}
