package store

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Comps carry what the score needs to keep junk and other categories out:
// a "broken" in the description, the category; and a re-score reads them
// too.
func TestCompsAndRescoreReadDescriptionAndCategory(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	w := scout.NewWatch("switch")
	w.Query = "switch"
	if err := s.CreateWatch(ctx, &w); err != nil {
		t.Fatal(err)
	}
	l := scout.Listing{Source: "demo", SourceID: "1", Title: "Nintendo Switch", Description: "Broken screen.", Category: "consoles",
		PriceCents: 9000, PriceKnown: true, Currency: "USD", Condition: scout.CondGood, ShippingCents: -1}
	if _, err := s.ApplyFetch(ctx, scout.FetchBatch{Watch: &w, Spec: "demo", Now: testNow,
		Items: []scout.FetchItem{{Listing: l, Score: scout.Score{Total: 1, Components: map[string]scout.Component{}}}}}); err != nil {
		t.Fatal(err)
	}
	comps, err := s.Comps(ctx, w.ID, testNow.Add(-24*time.Hour))
	if err != nil || len(comps) != 1 {
		t.Fatalf("Comps = %v, %v; want the one listing", comps, err)
	}
	if comps[0].Description != "Broken screen." || comps[0].Category != "consoles" {
		t.Errorf("comp description %q category %q, want the listing's", comps[0].Description, comps[0].Category)
	}
	deals, err := s.DealsForRescore(ctx, nil, w.ID, 0, 10)
	if err != nil || len(deals) != 1 {
		t.Fatalf("DealsForRescore = %v, %v", deals, err)
	}
	if d := deals[0].Listing; d.Description != "Broken screen." || d.Category != "consoles" {
		t.Errorf("re-score reads description %q category %q, want the listing's", d.Description, d.Category)
	}
}

func TestWatchesOfListing(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	l := scout.Listing{Source: "demo", SourceID: "1", Title: "Oak table", PriceCents: 9000, PriceKnown: true, Currency: "USD", ShippingCents: -1}
	for _, name := range []string{"tables", "oak"} {
		w := scout.NewWatch(name)
		if err := s.CreateWatch(ctx, &w); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyFetch(ctx, scout.FetchBatch{Watch: &w, Spec: "demo", Now: testNow,
			Items: []scout.FetchItem{{Listing: l, Score: scout.Score{Total: 1, Components: map[string]scout.Component{}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	deals, err := s.Deals(ctx, DealFilter{Limit: 10})
	if err != nil || len(deals) == 0 {
		t.Fatalf("Deals = %v, %v", deals, err)
	}
	got, err := s.WatchesOfListing(ctx, deals[0].Listing.ID)
	if err != nil || !slices.Equal(got, []string{"oak", "tables"}) {
		t.Errorf("WatchesOfListing = %v, %v; want [oak tables]", got, err)
	}
	if got, err := s.WatchesOfListing(ctx, 999); err != nil || len(got) != 0 {
		t.Errorf("WatchesOfListing(999) = %v, %v; want none", got, err)
	}
}

// imageList reads what encoding/json reads, for stored arrays of every kind.
func TestImageListMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, arr := range [][]string{nil, {}, {"https://x/a.jpg"}, {"a", "b", ""}, {`q"uote`, `back\slash`}, {"", ""},
		{"https://x/a.jpg?x=1,2", `","`}, {"café 日本"}} {
		b, _ := json.Marshal(arr)
		var want []string
		_ = json.Unmarshal(b, &want)
		got := imageList(string(b))
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("imageList(%s) = %q, want %q", b, got, want)
		}
	}
	if got := imageList(`[ "a" , "b" ]`); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("spaced array: %q", got)
	}
}
