package store

import (
	"context"
	"strings"
	"testing"
)

// The source menu lists, in order, each source that has at least one deal:
// not one whose listings matched no watch.
func TestDealSourcesListsSourcesWithDeals(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	if got, err := s.DealSources(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty database: sources %v (%v), want none", got, err)
	}
	seedDeals(t, s, "tables", 4, testNow) // source demo
	now := ts(testNow)
	for _, q := range []string{
		`UPDATE listings SET source = 'ebay' WHERE source_id = 'tables-1'`,
		`UPDATE listings SET source = 'craigslist:sfbay' WHERE source_id = 'tables-2'`,
		`INSERT INTO listings (source, source_id, title, price_cents, currency, first_seen, last_seen)
			VALUES ('feed:https://example.com/rss', 'x', 'Unmatched', 100, 'USD', '` + now + `', '` + now + `')`,
		`INSERT INTO listings (source, source_id, title, price_cents, currency, first_seen, last_seen)
			VALUES ('aaa', 'y', 'Unmatched', 100, 'USD', '` + now + `', '` + now + `')`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.DealSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g, want := strings.Join(got, " "), "craigslist:sfbay demo ebay"; g != want {
		t.Errorf("sources %q, want %q (in order; none without a deal)", g, want)
	}
}
