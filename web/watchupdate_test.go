package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/dealscout/dealscout/store"
)

// TestAPIUpdateWatchRemovesUnmatchedDeals: a PUT with narrower filters
// removes the deals they exclude, as `dealscout watch edit` does, and says
// how many in deals_removed; a PUT that keeps them all removes none.
func TestAPIUpdateWatchRemovesUnmatchedDeals(t *testing.T) {
	s, st, auth := authed(t, nil)
	h := s.Handler()
	wa := seedWatch(t, st, "sofas")
	seedDeal(t, st, &wa, "s1", "Grey sofa", 70)
	seedDeal(t, st, &wa, "s2", "Blue sofa", 60)
	seedDeal(t, st, &wa, "s3", "Leather sofa", 50)
	cases := []struct {
		name               string
		body               string
		removed, kept, lft int
	}{
		{"same filters keep every deal", `{"query":"sofa","sources":["demo"]}`, 0, 3, 3},
		{"a narrower query removes two", `{"query":"leather sofa","sources":["demo"]}`, 2, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := do(t, h, "PUT", "/api/v1/watches/sofas", c.body, auth...)
			if res.Code != http.StatusOK {
				t.Fatalf("PUT = %d: %s", res.Code, res.Body)
			}
			var got map[string]any
			decode(t, res, &got)
			if got["deals_removed"] != float64(c.removed) || got["deals_kept"] != float64(c.kept) || got["name"] != "sofas" {
				t.Errorf("response deals_removed=%v deals_kept=%v name=%v, want %d, %d, sofas", got["deals_removed"], got["deals_kept"], got["name"], c.removed, c.kept)
			}
			ds, err := st.DealsAfter(context.Background(), store.DealFilter{Watch: "sofas"}, store.DealCursor{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != c.lft {
				t.Errorf("the watch has %d deals after the PUT, want %d", len(ds), c.lft)
			}
		})
	}
}
