package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// The comps a deal's page lists: the watch's newest listings the market
// counted, never the deal's own, inside the window, up to the limit.
func TestCompsUsed(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	watchID, _ := seedDeals(t, s, "tables", 150, testNow) // tables-i: "Oak table", $10.00 + i cents, seen i minutes ago
	seedDeals(t, s, "chairs", 5, testNow.Add(time.Hour))  // newer, but another watch's
	listing := func(i int) int64 {
		var id int64
		if err := s.db.QueryRow(`SELECT id FROM listings WHERE source_id = ?`, fmt.Sprintf("tables-%d", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for _, q := range []string{
		`UPDATE listings SET title = 'Oak table for parts' WHERE source_id = 'tables-2'`,
		`UPDATE listings SET last_seen = '` + ts(testNow.Add(-40*24*time.Hour)) + `' WHERE source_id = 'tables-3'`,
		`UPDATE listings SET currency = 'EUR' WHERE source_id = 'tables-4'`,
		`UPDATE listings SET price_cents = 5000 WHERE source_id = 'tables-7'`, // beyond the fence
		`UPDATE listings SET price_known = 0 WHERE source_id = 'tables-9'`,
		`UPDATE listings SET duplicate_of = (SELECT id FROM listings WHERE source_id = 'chairs-0') WHERE source_id = 'tables-11'`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// Quartiles $10.05–$10.15 around $10.10: the fence is 10% of the median,
	// so $9.09–$11.16 counts.
	market := scout.Market{MedianCents: 1010, P25Cents: 1005, P75Cents: 1015, Samples: 100, Confidence: scout.ConfidenceHigh,
		WindowDays: 30, Condition: "all"}
	deal := scout.Deal{WatchID: watchID, Listing: scout.Listing{ID: listing(0), Currency: "USD"}, Score: scout.Score{Market: market}}
	ids := func(limit int) []int64 {
		t.Helper()
		got, err := s.CompsUsed(ctx, deal, testNow, limit)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, c := range got {
			out = append(out, c.ID)
		}
		return out
	}
	// Every one: tables-1..116 (from $11.17 on, beyond the fence) but for
	// parts, out of the window, in euros, $50, unpriced and a duplicate,
	// newest first.
	var want []int64
	for i := 1; i <= 116; i++ {
		if !slices.Contains([]int{2, 3, 4, 7, 9, 11}, i) {
			want = append(want, listing(i))
		}
	}
	if got := ids(1000); !slices.Equal(got, want) {
		t.Errorf("comps used = %v,\nwant %v", got, want)
	}
	if got := ids(5); !slices.Equal(got, want[:5]) {
		t.Errorf("the first 5 comps used = %v, want %v", got, want[:5])
	}

	if detail := queryPlan(t, s, compsUsedQuery, ts(testNow), 0, watchID, compPool); !strings.Contains(detail, "listings_seen") {
		t.Errorf("comps used query plan starts with %q, want a walk of listings_seen", detail)
	}

	unknown := deal
	unknown.Score.Market = scout.Market{Samples: 3, Confidence: scout.ConfidenceNone}
	if got, err := s.CompsUsed(ctx, unknown, testNow, 10); err != nil || len(got) != 0 {
		t.Errorf("comps used without a market value = %d (%v), want none", len(got), err)
	}
}
