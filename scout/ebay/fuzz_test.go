package ebay

import "testing"

// FuzzParseSearch checks that no response body, however broken, panics the
// parser. Seeds live in testdata/fuzz/FuzzParseSearch.
func FuzzParseSearch(f *testing.F) {
	for _, name := range []string{"search_page1.json", "search_page2.json", "search_warnings.json", "search_missing.json"} {
		f.Add(fixture(f, name, "https://api.ebay.com"))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		listings, _, _, err := parseSearch(body)
		if err != nil && len(listings) != 0 {
			t.Errorf("parseSearch returned %d listings with error %v", len(listings), err)
		}
		for _, l := range listings {
			if l.SourceID == "" || l.Source != SourceName {
				t.Errorf("listing without identity: %+v", l)
			}
			if l.PriceCents < 0 || l.ShippingCents < -1 {
				t.Errorf("negative money: price %d shipping %d", l.PriceCents, l.ShippingCents)
			}
		}
	})
}
