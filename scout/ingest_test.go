package scout

import (
	"fmt"
	"testing"
	"time"
)

// A fetch adds at most MaxComps of its own listings to a market, the last
// ones it read (the newest, as the store's comps query orders them), and
// the stored comps fill what is left, without the ones the fetch priced.
func TestWithBatchCapsTheFetchsComps(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	w := NewWatch("tables")
	w.Query = "table"
	terms := ParseQuery(w.Query, w.Exclude)
	fetch := func(n int) []Listing {
		ls := make([]Listing, n)
		for i := range ls {
			ls[i] = Listing{Source: "s", SourceID: fmt.Sprint(i), Title: fmt.Sprintf("Oak table T%d", i), PriceCents: 10000,
				Currency: "USD", PriceKnown: true, ShippingCents: -1}
		}
		return ls
	}
	stored := []Comp{{Key: "s\x001", Title: "Oak table T1", PriceCents: 9000}, {Key: "old\x00x", Title: "Oak table", PriceCents: 8000}}
	for _, tc := range []struct {
		name            string
		n               int
		want            int
		wantFirst       string // the fetch's oldest comp kept
		wantStoredOld   bool   // the stored comp the fetch did not bring
		wantStoredDupes bool   // the stored comp the fetch priced again
	}{
		{"small fetch: all of it, then stored comps", 10, 11, "s\x000", true, false},
		{"large fetch: its newest MaxComps only", MaxComps + 500, MaxComps, "s\x00500", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := FetchResult{Listings: fetch(tc.n)}
			pr := safePrepare(&w, terms, &res, now)
			got := withBatch(stored, pr.comps.items, func(k string) bool { return pr.first[k].priced })
			if len(got) != tc.want {
				t.Fatalf("%d comps, want %d", len(got), tc.want)
			}
			keys := map[string]int{}
			for _, c := range got {
				keys[c.Key]++
			}
			if keys[tc.wantFirst] != 1 {
				t.Errorf("comp %q missing: the fetch's newest comps are its last ones", tc.wantFirst)
			}
			if before := fmt.Sprintf("s\x00%d", tc.n-MaxComps-1); tc.n > MaxComps && keys[before] != 0 {
				t.Errorf("comp %q kept: older than the newest MaxComps of the fetch", before)
			}
			if (keys["old\x00x"] == 1) != tc.wantStoredOld {
				t.Errorf("stored comp the fetch did not bring: kept %v, want %v", keys["old\x00x"] == 1, tc.wantStoredOld)
			}
			if keys["s\x001"] > 1 {
				t.Errorf("listing s/1 is a comp twice: the stored copy was not dropped for the fetched one")
			}
		})
	}
}

// A listing repeated in one answer counts once, where it first appears;
// listings without an id are not kept at all.
func TestPrepareKeepsTheFirstOfARepeatedListing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	w := NewWatch("tables")
	w.Query = "table"
	res := FetchResult{Listings: []Listing{
		{Source: "s", SourceID: "a", Title: "Oak table", PriceCents: 100, PriceKnown: true},
		{Source: "s", SourceID: "", Title: "Pine table", PriceCents: 100, PriceKnown: true},
		{Source: "s", SourceID: "a", Title: "Oak table again", PriceCents: 200, PriceKnown: true},
	}}
	pr := safePrepare(&w, ParseQuery(w.Query, w.Exclude), &res, now)
	if pr.fetched != 3 || len(pr.first) != 1 || pr.first["s\x00a"].pos != 0 {
		t.Errorf("fetched %d, first %v; want 3 fetched and s/a first at 0", pr.fetched, pr.first)
	}
	if len(pr.comps.items) != 1 || pr.comps.items[0].PriceCents != 100 {
		t.Errorf("comps %+v, want the first s/a only", pr.comps.items)
	}
}
