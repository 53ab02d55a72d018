package store

import (
	"strings"
	"testing"
)

// The re-score's pages come from the (watch_id, listing_id) index in its
// order: no scan of other watches' deals and no sort of the watch's.
func TestRescoreQueryWalksTheWatchIndex(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	watchID, _ := seedDeals(t, s, "tables", 10, testNow)
	plan := fullQueryPlan(t, s, rescoreQuery, watchID, 0, 5)
	if !strings.Contains(plan, "SEARCH d USING INDEX sqlite_autoindex_deals_1 (watch_id=? AND listing_id>?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("re-score query plan %q: want a search of the (watch_id, listing_id) index and no sort", plan)
	}
}

// Applying weights reads a watch's deals along the same index, or every
// watch's along the deals' primary key; each deal's factors by theirs.
func TestFactorsQueriesWalkAnIndex(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	watchID, _ := seedDeals(t, s, "tables", 10, testNow)
	plan := fullQueryPlan(t, s, factorsQuery, watchID, 0, 5)
	if !strings.Contains(plan, "SEARCH d USING INDEX sqlite_autoindex_deals_1 (watch_id=? AND listing_id>?)") ||
		!strings.Contains(plan, "SEARCH df USING INTEGER PRIMARY KEY (rowid=?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("factors query plan %q: want a search of the (watch_id, listing_id) index, the factors by key, no sort", plan)
	}
	plan = fullQueryPlan(t, s, allFactorsQuery, 0, 5)
	if !strings.Contains(plan, "SEARCH d USING INTEGER PRIMARY KEY (rowid>?)") ||
		!strings.Contains(plan, "SEARCH df USING INTEGER PRIMARY KEY (rowid=?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("every watch's factors query plan %q: want a range of the deals' key, the factors by key, no sort", plan)
	}
}
