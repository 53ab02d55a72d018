package ebay

import (
	"net/url"
	"testing"

	"github.com/dealscout/dealscout/scout"
)

func cents(v int64) *int64 { return &v }

func TestBuildSearchURL(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://api.ebay.com/")
	tests := []struct {
		name        string
		q           scout.Query
		marketplace string
		want        url.Values
	}{
		{
			name: "words only", marketplace: "EBAY_US",
			q: scout.Query{Terms: `oak table`, Include: []string{"oak", "table"}},
			want: url.Values{"q": {"oak table"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"itemLocationCountry:US"}},
		},
		{
			name: "typed terms without parsed words drop exclusions and quotes", marketplace: "EBAY_US",
			q: scout.Query{Terms: `"oak table" -broken`},
			want: url.Values{"q": {"oak table"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"itemLocationCountry:US"}},
		},
		{
			name: "categories, closed price range, conditions", marketplace: "EBAY_US",
			q: scout.Query{Include: []string{"oak"}, Spec: scout.SourceSpec{Kind: "ebay", Arg: "38204, 3197"},
				MinCents: cents(1000), MaxCents: cents(25050), Currency: "usd",
				Conditions: []scout.Condition{scout.CondNew, scout.CondGood, scout.CondFair}},
			want: url.Values{"q": {"oak"}, "category_ids": {"38204,3197"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"price:[10.00..250.50],priceCurrency:USD,conditions:{NEW|USED},itemLocationCountry:US"}},
		},
		{
			name: "open-ended price, unknown condition disables the condition filter", marketplace: "EBAY_GB",
			q: scout.Query{Include: []string{"oak"}, MinCents: cents(1000), Currency: "GBP",
				Conditions: []scout.Condition{scout.CondNew, scout.CondUnknown}},
			want: url.Values{"q": {"oak"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"price:[10.00..],priceCurrency:GBP,itemLocationCountry:GB"}},
		},
		{
			name: "max only, no currency defaults to USD", marketplace: "EBAY_MOTORS_US",
			q: scout.Query{Include: []string{"oak"}, MaxCents: cents(5000)},
			want: url.Values{"q": {"oak"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"price:[..50.00],priceCurrency:USD"}},
		},
		{
			name: "postal code and radius ask for local pickup", marketplace: "EBAY_US",
			q: scout.Query{Include: []string{"couch"}, PostalCode: "94105", RadiusMi: 25.4},
			want: url.Values{"q": {"couch"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"itemLocationCountry:US,deliveryOptions:{SELLER_ARRANGED_LOCAL_PICKUP},pickupCountry:US,pickupPostalCode:94105,pickupRadius:25,pickupRadiusUnit:mi"}},
		},
		{
			name: "postal code alone quotes delivery", marketplace: "EBAY_US",
			q: scout.Query{Include: []string{"couch"}, PostalCode: "94105-1234"},
			want: url.Values{"q": {"couch"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"itemLocationCountry:US,deliveryCountry:US,deliveryPostalCode:94105"}},
		},
		{
			name: "malformed postal code and category ids are left out", marketplace: "EBAY_US",
			q: scout.Query{Include: []string{"couch"}, PostalCode: "SW1A 1AA", RadiusMi: 10,
				Spec: scout.SourceSpec{Kind: "ebay", Arg: "12a,,34"}},
			want: url.Values{"q": {"couch"}, "category_ids": {"34"}, "sort": {"newlyListed"}, "limit": {"200"},
				"filter": {"itemLocationCountry:US"}},
		},
	}
	for _, tt := range tests {
		u := buildSearchURL(base, tt.q, tt.marketplace, 200)
		if u.Scheme+"://"+u.Host+u.Path != "https://api.ebay.com/buy/browse/v1/item_summary/search" {
			t.Errorf("%s: endpoint = %s", tt.name, u)
		}
		if got := u.Query(); got.Encode() != tt.want.Encode() {
			t.Errorf("%s: query\n got: %v\nwant: %v", tt.name, got, tt.want)
		}
	}
}

func TestEndUserContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zip, marketplace, want string
	}{
		{"94105", "EBAY_US", "contextualLocation=country%3DUS%2Czip%3D94105"},
		{"94105", "EBAY_MOTORS_US", "contextualLocation=country%3DUS%2Czip%3D94105"},
		{"", "EBAY_US", ""},
		{"9410", "EBAY_US", ""},
	}
	for _, tt := range tests {
		if got := endUserContext(scout.Query{PostalCode: tt.zip}, tt.marketplace); got != tt.want {
			t.Errorf("endUserContext(zip %q, %s) = %q, want %q", tt.zip, tt.marketplace, got, tt.want)
		}
	}
}

func TestSameHost(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://api.ebay.com")
	tests := []struct {
		next string
		ok   bool
	}{
		{"https://api.ebay.com/buy/browse/v1/item_summary/search?offset=200", true},
		{"https://API.EBAY.COM/buy/browse/v1/item_summary/search?offset=200", true},
		{"/buy/browse/v1/item_summary/search?offset=200", true}, // relative: same host by construction
		{"http://api.ebay.com/buy/browse/v1/item_summary/search?offset=200", false},
		{"https://api.ebay.com.evil.example/steal", false},
		{"https://evil.example/buy/browse/v1/item_summary/search", false},
		{"https://api.ebay.com:8443/x", false},
		{"://bad", false},
	}
	for _, tt := range tests {
		if _, ok := sameHost(base, tt.next); ok != tt.ok {
			t.Errorf("sameHost(%q) = %v, want %v", tt.next, ok, tt.ok)
		}
	}
}
