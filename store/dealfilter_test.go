package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/scout"
)

// The API's deal pages (DealsAfter) and the UI's (DealsPage) read the same
// filters the same way; the UI's leaves dismissed deals out unless asked.
func TestDealFiltersOfAPIAndUIPages(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	seedDeals(t, s, "tables", 5, testNow) // score 50, status new, not free, source demo
	seedDeals(t, s, "chairs", 2, testNow)
	for _, q := range []string{
		`UPDATE deals SET score = 90 WHERE listing_id = (SELECT id FROM listings WHERE source_id = 'tables-0')`,
		`UPDATE listings SET free = 1 WHERE source_id = 'tables-1'`,
		`UPDATE deals SET status = 'saved' WHERE listing_id = (SELECT id FROM listings WHERE source_id = 'tables-2')`,
		`UPDATE deals SET status = 'dismissed' WHERE listing_id = (SELECT id FROM listings WHERE source_id = 'tables-3')`,
		`UPDATE listings SET source = 'ebay' WHERE source_id = 'tables-4'`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	all := "chairs-0 chairs-1 tables-0 tables-1 tables-2 tables-3 tables-4"
	cases := []struct {
		name    string
		f       DealFilter
		api, ui string // source ids, sorted
	}{
		{"no filter", DealFilter{}, all, "chairs-0 chairs-1 tables-0 tables-1 tables-2 tables-4"},
		{"watch", DealFilter{Watch: "chairs"}, "chairs-0 chairs-1", "chairs-0 chairs-1"},
		{"min score", DealFilter{MinScore: 60}, "tables-0", "tables-0"},
		{"source", DealFilter{Source: "ebay"}, "tables-4", "tables-4"},
		{"free", DealFilter{Free: true}, "tables-1", "tables-1"},
		{"status", DealFilter{Status: "saved"}, "tables-2", "tables-2"},
		{"dismissed", DealFilter{Status: "dismissed"}, "tables-3", "tables-3"},
		{"watch and min score", DealFilter{Watch: "tables", MinScore: 60}, "tables-0", "tables-0"},
	}
	ids := func(ds []scout.Deal) string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Listing.SourceID)
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for _, c := range cases {
		api, err := s.DealsAfter(ctx, c.f, DealCursor{}, 100)
		if err != nil {
			t.Fatalf("%s: DealsAfter: %v", c.name, err)
		}
		if got := ids(api); got != c.api {
			t.Errorf("%s: API page = %s, want %s", c.name, got, c.api)
		}
		ui, _, err := s.DealsPage(ctx, DealQuery{Watch: c.f.Watch, MinScore: c.f.MinScore, Source: c.f.Source, Free: c.f.Free, Status: c.f.Status})
		if err != nil {
			t.Fatalf("%s: DealsPage: %v", c.name, err)
		}
		if got := ids(ui); got != c.ui {
			t.Errorf("%s: UI page = %s, want %s", c.name, got, c.ui)
		}
	}
}

// The deals page's sorts walk an index in order (migration 00009) instead of
// sorting the deals: a far page or "newest first" sorted all 20,000 of them.
func TestDealsPageSortsWalkAnIndex(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	seedDeals(t, s, "tables", 20, testNow)
	cases := []struct{ name, where, sort, index string }{
		{"by score", "d.status != 'dismissed'", SortScore, "deals_score"},
		{"by score, one watch", "w.name = 'tables' AND d.status != 'dismissed'", SortScore, "deals_watch_score"},
		{"newest first", "d.status != 'dismissed'", SortNewest, "deals_first_seen"},
	}
	for _, c := range cases {
		got := fullQueryPlan(t, s, dealSelect+" WHERE "+c.where+" ORDER BY "+dealOrders[c.sort]+" LIMIT 50 OFFSET 500")
		if !strings.Contains(got, "INDEX "+c.index) || strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want a walk of %s and no sort", c.name, got, c.index)
		}
	}
}
