package ui_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/store"
)

// TestWatchEditRemovesUnmatchedDeals: saving narrower filters from the edit
// form removes the deals they exclude, as `dealscout watch edit` does, and the
// message after saving says how many left.
func TestWatchEditRemovesUnmatchedDeals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before, err := e.st.DealsAfter(ctx, store.DealFilter{Watch: "bikes"}, store.DealCursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) < 3 {
		t.Fatalf("fixture has %d bike deals, want at least 3", len(before))
	}
	w, err := e.st.Watch(ctx, "bikes")
	if err != nil {
		t.Fatal(err)
	}
	res, _ := e.do(http.MethodPost, "/watches/bikes", watchForm("name", "bikes", "query", "specialized", "max_price", "",
		"min_score", "0", "radius_mi", "50", "sources", strings.Join(w.Sources, "\n")))
	page := e.follow(res)
	after, err := e.st.DealsAfter(ctx, store.DealFilter{Watch: "bikes"}, store.DealCursor{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || !strings.Contains(after[0].Listing.Title, "Specialized") {
		t.Fatalf("after the edit the watch has %d deals, want only the Specialized one", len(after))
	}
	want := "no longer match the new filters and were removed; 1 left."
	if !strings.Contains(page, want) || !strings.Contains(page, strconv.Itoa(len(before)-1)+" deals") {
		t.Errorf("the message after saving does not say %d deals %s", len(before)-1, want)
	}
}
