package scout

import "testing"

// A deal is stored with its source's ID, which masks a feed URL's query and
// credentials; an edit that keeps that feed must keep the feed's deals.
func TestDealStillMatchesComparesSourcesByID(t *testing.T) {
	t.Parallel()
	const raw = "feed:https://u:secret@h.example/rss?q=chair"
	spec, err := ParseSourceSpec(raw)
	if err != nil {
		t.Fatal(err)
	}
	if spec.ID() == raw {
		t.Fatalf("test needs a spec whose ID differs from its text; ID = %q", spec.ID())
	}
	w := NewWatch("chairs")
	w.Query, w.Sources = "chair", []string{raw}
	d := Deal{Listing: Listing{Title: "Oak chair", PriceCents: 2000, Currency: "USD"}}
	keep := DealStillMatches(&w)
	if !keep(d, spec.ID()) {
		t.Errorf("a deal from %s (stored as %q) was dropped although the watch still lists that feed", raw, spec.ID())
	}
	if keep(d, "feed:https://other.example/rss") {
		t.Error("a deal from a feed the watch no longer lists was kept")
	}
	if !keep(Deal{Listing: Listing{Title: "Oak chair"}}, SourceSpec{Kind: KindManual}.ID()) {
		t.Error("a hand-entered listing was dropped")
	}
}
