package craigslist

import (
	"strings"
	"testing"
)

// FuzzDecode checks that no answer, however broken, panics the decoder or
// yields a listing without an id, a title or a Craigslist URL. Seeds live in
// testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"search.json", "search_empty.json", "search_partial.json", "search_errors.json"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		pg, err := decodeSearch(body, decodeOptions{Site: "sfbay", Query: "oak", Now: testNow})
		if err != nil {
			return
		}
		for _, l := range pg.Listings {
			if l.SourceID == "" || l.Title == "" {
				t.Errorf("listing without id or title: %+v", l)
			}
			if !strings.HasPrefix(l.URL, "https://") || !strings.Contains(l.URL, ".craigslist.org/") {
				t.Errorf("listing URL %q is not a Craigslist page", l.URL)
			}
			if l.PriceCents < 0 {
				t.Errorf("negative price %d", l.PriceCents)
			}
		}
	})
}
