package notify

import "testing"

func TestLinkDealPages(t *testing.T) {
	for _, tc := range []struct {
		name, base, watch string
		id                int64
		want              string
	}{
		{"with watch", "https://deals.example.com/", "couches & chairs", 42, "https://deals.example.com/deals/42?watch=couches+%26+chairs"},
		{"no watch", "http://127.0.0.1:8080", "", 7, "http://127.0.0.1:8080/deals/7"},
		{"no base URL", "", "couches", 42, ""},
		{"no stored listing", "https://x.example", "couches", 0, ""},
	} {
		m := Message{Watch: tc.watch, Deals: []Deal{{ListingID: tc.id}}}
		linkDealPages(&m, tc.base)
		if got := m.Deals[0].PageURL; got != tc.want {
			t.Errorf("%s: PageURL = %q, want %q", tc.name, got, tc.want)
		}
	}
}
