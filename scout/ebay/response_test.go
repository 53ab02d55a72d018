package ebay

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// fixture reads testdata/name with {{BASE}} pointing at base.
func fixture(t testing.TB, name, base string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return []byte(strings.ReplaceAll(string(b), "{{BASE}}", base))
}

func TestParseSearchPage(t *testing.T) {
	t.Parallel()
	listings, warnings, next, err := parseSearch(fixture(t, "search_page1.json", "https://api.ebay.com"))
	if err != nil {
		t.Fatalf("parseSearch: %v", err)
	}
	want := []scout.Listing{
		{
			Source: "ebay", SourceID: "v1|125432123456|0",
			Title:      "Solid Oak Dining Table 6ft - Mission Style",
			PriceCents: 14999, Currency: "USD", PriceKnown: true,
			Condition: scout.CondFair, Category: "Tables",
			PostedAt:   time.Date(2026, 11, 23, 18, 4, 11, 0, time.UTC),
			PostalCode: "941**", Country: "US", LocationText: "San Francisco, California",
			URL: "https://www.ebay.com/itm/125432123456",
			Images: []string{
				"https://i.ebayimg.com/images/g/abcAAOSw1/s-l225.jpg",
				"https://i.ebayimg.com/images/g/defAAOSw2/s-l225.jpg",
			},
			ShippingCents: 2950, Seller: "oakworks_sf",
		},
		{
			Source: "ebay", SourceID: "v1|296655443322|0",
			Title:      "Antique Oak Side Table - Auction",
			PriceCents: 3500, Currency: "USD", PriceKnown: true,
			Condition: scout.CondPoor, Category: "Tables",
			PostedAt:   time.Date(2026, 11, 22, 7, 30, 0, 0, time.UTC),
			PostalCode: "945**", Country: "US",
			URL:           "https://www.ebay.com/itm/296655443322",
			Images:        []string{"https://i.ebayimg.com/images/g/ghiAAOSw3/s-l225.jpg"},
			ShippingCents: -1, Auction: true, Seller: "estate-finds",
		},
	}
	if !reflect.DeepEqual(listings, want) {
		t.Errorf("listings differ\n got: %+v\nwant: %+v", listings, want)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings = %q, want none", warnings)
	}
	if wantNext := "https://api.ebay.com/buy/browse/v1/item_summary/search?q=oak+table&limit=2&offset=2"; next != wantNext {
		t.Errorf("next = %q, want %q", next, wantNext)
	}
}

func TestParseSearchFreeItemOnLastPage(t *testing.T) {
	t.Parallel()
	listings, _, next, err := parseSearch(fixture(t, "search_page2.json", "https://api.ebay.com"))
	if err != nil {
		t.Fatalf("parseSearch: %v", err)
	}
	if next != "" {
		t.Errorf("next = %q on the last page, want empty", next)
	}
	if len(listings) != 1 {
		t.Fatalf("got %d listings, want 1", len(listings))
	}
	l := listings[0]
	if !l.Free || !l.PriceKnown || l.PriceCents != 0 {
		t.Errorf("free item: Free=%v PriceKnown=%v PriceCents=%d, want true true 0", l.Free, l.PriceKnown, l.PriceCents)
	}
	if l.ShippingCents != 0 {
		t.Errorf("free shipping: ShippingCents = %d, want 0", l.ShippingCents)
	}
	if l.Condition != scout.CondGood {
		t.Errorf("condition %q (Pre-owned - Good) = %q, want good", "Pre-owned - Good", l.Condition)
	}
}

func TestParseSearchWarnings(t *testing.T) {
	t.Parallel()
	listings, warnings, _, err := parseSearch(fixture(t, "search_warnings.json", "https://api.ebay.com"))
	if err != nil {
		t.Fatalf("parseSearch: %v", err)
	}
	if len(listings) != 1 {
		t.Errorf("got %d listings, want 1: warnings must not drop results", len(listings))
	}
	want := []string{"ebay: warning 12023: The 'category_ids' value 'abc' is invalid and was ignored."}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

func TestParseSearchMissingFields(t *testing.T) {
	t.Parallel()
	listings, _, _, err := parseSearch(fixture(t, "search_missing.json", "https://api.ebay.com"))
	if err != nil {
		t.Fatalf("parseSearch: %v", err)
	}
	ids := make([]string, len(listings))
	for i, l := range listings {
		ids[i] = l.SourceID
	}
	if want := []string{"v1|220022002200|0", "v1|330033003300|0", "v1|440044004400|0"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids = %q, want %q (the item without an id skipped)", ids, want)
	}
	tests := []struct {
		name       string
		l          scout.Listing
		priceKnown bool
		cents      int64
		images     int
		cond       scout.Condition
	}{
		{"no price", listings[0], false, 0, 0, scout.CondUnknown},
		{"three decimals", listings[1], false, 0, 0, scout.CondUnknown},
		{"thousands separator, thumbnail only", listings[2], true, 129900, 1, scout.CondLikeNew},
	}
	for _, tt := range tests {
		if tt.l.PriceKnown != tt.priceKnown || tt.l.PriceCents != tt.cents {
			t.Errorf("%s: PriceKnown=%v PriceCents=%d, want %v %d", tt.name, tt.l.PriceKnown, tt.l.PriceCents, tt.priceKnown, tt.cents)
		}
		if tt.l.Free {
			t.Errorf("%s: Free = true, want false (no usable price is not free)", tt.name)
		}
		if len(tt.l.Images) != tt.images {
			t.Errorf("%s: %d images, want %d", tt.name, len(tt.l.Images), tt.images)
		}
		if tt.l.Condition != tt.cond {
			t.Errorf("%s: condition %q, want %q", tt.name, tt.l.Condition, tt.cond)
		}
		if tt.l.ShippingCents != -1 {
			t.Errorf("%s: ShippingCents = %d, want -1 (unknown)", tt.name, tt.l.ShippingCents)
		}
		if !tt.l.PostedAt.IsZero() {
			t.Errorf("%s: PostedAt = %v, want zero", tt.name, tt.l.PostedAt)
		}
	}
}

func TestParseSearchEmptyAndMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		wantErr bool
	}{
		{"no itemSummaries", string(fixture(t, "search_empty.json", "https://api.ebay.com")), false},
		{"truncated JSON", `{"itemSummaries": [{"itemId": "v1|1|0"`, true},
		{"wrong type", `{"itemSummaries": {"itemId": "v1|1|0"}}`, true},
		{"price value as number", `{"itemSummaries": [{"itemId": "v1|1|0", "price": {"value": 10}}]}`, true},
		{"not JSON", `<html>Service Unavailable</html>`, true},
	}
	for _, tt := range tests {
		listings, _, _, err := parseSearch([]byte(tt.body))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if !tt.wantErr && len(listings) != 0 {
			t.Errorf("%s: got %d listings, want 0", tt.name, len(listings))
		}
	}
}

func TestConditionFromID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id string
		want     scout.Condition
	}{
		{"", "1000", scout.CondNew},
		{"", "1500", scout.CondLikeNew},
		{"", "2010", scout.CondLikeNew},
		{"", "2020", scout.CondGreat},
		{"", "2500", scout.CondGood},
		{"", "3000", scout.CondFair},
		{"", "7000", scout.CondPoor},
		{"", "9999", scout.CondUnknown},
		{"", "x", scout.CondUnknown},
		{"Open box", "3000", scout.CondLikeNew}, // the name wins when it says something
	}
	for _, tt := range tests {
		if got := condition(tt.name, tt.id); got != tt.want {
			t.Errorf("condition(%q, %q) = %q, want %q", tt.name, tt.id, got, tt.want)
		}
	}
}
