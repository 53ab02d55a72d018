package craigslist

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// testNow is a day after the fixture's postings.
var testNow = time.Date(2025, 11, 24, 18, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func TestDecodeSearch(t *testing.T) {
	t.Parallel()
	pg, err := decodeSearch(fixture(t, "search.json"), decodeOptions{Site: "sfbay", Query: "oak table", Now: testNow})
	if err != nil {
		t.Fatalf("decodeSearch: %v", err)
	}
	want := []scout.Listing{
		{
			Source: "craigslist", SourceID: "7895012345", Title: "Solid oak dining table",
			PriceCents: 15000, Currency: "USD", PriceKnown: true, Condition: scout.CondUnknown,
			PostedAt:  time.Unix(1763903600, 0).UTC(),
			HasCoords: true, Lat: 37.7599, Lng: -122.4148, LocationText: "mission district, san francisco",
			URL: "https://sfbay.craigslist.org/d/san-francisco-solid-oak-dining-table/7895012345.html",
			Images: []string{
				"https://images.craigslist.org/00a0a_abcDEF123_0CI0t2_600x450.jpg",
				"https://images.craigslist.org/00b0b_ghiJKL456_0CI0t2_600x450.jpg",
			},
			ShippingCents: -1,
		},
		{
			Source: "craigslist", SourceID: "7895012400", Title: "Free oak coffee table",
			Currency: "USD", PriceKnown: true, Free: true, Condition: scout.CondUnknown,
			PostedAt:  time.Unix(1763907200, 0).UTC(),
			HasCoords: true, Lat: 37.8445, Lng: -122.2517, LocationText: "rockridge, oakland east",
			URL:           "https://sfbay.craigslist.org/d/oakland-free-oak-coffee-table/7895012400.html",
			ShippingCents: -1,
		},
		{
			Source: "craigslist", SourceID: "7895012500", Title: "Oak table, make offer",
			Currency: "USD", Condition: scout.CondUnknown,
			PostedAt:  time.Unix(1763900100, 0).UTC(),
			HasCoords: true, Lat: 37.4419, Lng: -122.143, LocationText: "palo alto",
			URL:           "https://sfbay.craigslist.org/search/sss?query=oak+table",
			ShippingCents: -1,
		},
		{
			Source: "craigslist", SourceID: "7895012700", Title: "Oak bench",
			PriceCents: 2000, Currency: "USD", PriceKnown: true, Condition: scout.CondUnknown,
			PostedAt:      time.Unix(1763900001, 0).UTC(),
			URL:           "https://sfbay.craigslist.org/search/sss?query=oak+table",
			ShippingCents: -1,
		},
		{
			Source: "craigslist", SourceID: "7895012800", Title: "Oak desk",
			PriceCents: 8000, Currency: "USD", PriceKnown: true, Condition: scout.CondUnknown,
			PostedAt:  time.Unix(1763900050, 0).UTC(),
			HasCoords: true, Lat: 38.5816, Lng: -121.4944,
			URL:           "https://sacramento.craigslist.org/d/sacramento-oak-desk/7895012800.html",
			ShippingCents: -1,
		},
	}
	if len(pg.Listings) != len(want) {
		t.Fatalf("got %d listings, want %d: %+v", len(pg.Listings), len(want), pg.Listings)
	}
	for i := range want {
		if !reflect.DeepEqual(pg.Listings[i], want[i]) {
			t.Errorf("listing %d\n got: %+v\nwant: %+v", i, pg.Listings[i], want[i])
		}
	}
	if pg.Skipped != 3 {
		t.Errorf("skipped %d items, want 3 (string id, no title, not an array)", pg.Skipped)
	}
	if !pg.Complete {
		t.Error("Complete = false with every matching posting in the answer")
	}
}

func TestDecodeSearchKeepsOnlyTheSiteAsked(t *testing.T) {
	t.Parallel()
	pg, err := decodeSearch(fixture(t, "search.json"), decodeOptions{Site: "sfbay", OnlySite: "sfbay", Now: testNow})
	if err != nil {
		t.Fatalf("decodeSearch: %v", err)
	}
	for _, l := range pg.Listings {
		if strings.Contains(l.URL, "sacramento") {
			t.Errorf("posting from another site kept: %s", l.URL)
		}
	}
	if len(pg.Listings) != 4 {
		t.Errorf("got %d listings, want 4 (the sacramento desk dropped)", len(pg.Listings))
	}
}

func TestDecodeSearchShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		body         string
		wantErr      string
		wantListings int
		wantComplete bool
	}{
		{"nothing matched", string(fixture(t, "search_empty.json")), "", 0, true},
		{"more than one batch", string(fixture(t, "search_partial.json")), "", 1, false},
		{"errors instead of data", string(fixture(t, "search_errors.json")), "bad details_length", 0, false},
		{"not JSON", `<html>blocked</html>`, "malformed response", 0, false},
		{"top level array", `[1,2]`, "malformed response", 0, false},
		{"items not a list", `{"data":{"items":{"a":1},"decode":{"minPostingId":1}}}`, "items is not a list", 0, false},
		{"items without decode", `{"data":{"items":[[1,2,3,4,"1~2~3",0,"t"]],"decode":0}}`, "minPostingId", 0, false},
		{"no count: a short batch is complete", `{"data":{"items":[],"decode":0}}`, "", 0, true},
	}
	for _, tt := range tests {
		pg, err := decodeSearch([]byte(tt.body), decodeOptions{Site: "sfbay", Now: testNow})
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: decodeSearch: %v", tt.name, err)
			continue
		}
		if len(pg.Listings) != tt.wantListings || pg.Complete != tt.wantComplete {
			t.Errorf("%s: listings=%d complete=%v, want %d %v", tt.name, len(pg.Listings), pg.Complete, tt.wantListings, tt.wantComplete)
		}
	}
}

func TestDecodeItemEdges(t *testing.T) {
	t.Parallel()
	table := `"decode":{"minPostingId":1000,"minPostedDate":1763900000,"locations":[0,[1,"sfbay"],[2,"Bad Host!"]],"locationDescriptions":[0,"sf"]}`
	tests := []struct {
		name  string
		item  string
		check func(scout.Listing) string
	}{
		{"coordinates out of range are dropped", `[1,0,95,10,"1:1~95~-122",0,"t"]`, func(l scout.Listing) string {
			if l.HasCoords {
				return "HasCoords true for lat 95"
			}
			return ""
		}},
		{"zero coordinates mean none", `[1,0,95,10,"1:1~0~0",0,"t"]`, func(l scout.Listing) string {
			if l.HasCoords {
				return "HasCoords true for 0,0"
			}
			return ""
		}},
		{"a bad host name falls back to the site", `[1,0,95,10,"2:1~37~-122",0,[6,"a-slug"],"t"]`, func(l scout.Listing) string {
			if !strings.HasPrefix(l.URL, "https://sfbay.craigslist.org/d/a-slug/") {
				return "URL " + l.URL
			}
			return ""
		}},
		{"a slug with odd characters is not used", `[1,0,95,10,"1:1~37~-122",0,[6,"../evil"],"t"]`, func(l scout.Listing) string {
			if strings.Contains(l.URL, "evil") {
				return "URL " + l.URL
			}
			return ""
		}},
		{"image ids with odd characters are dropped", `[1,0,95,10,"1:1",0,[4,"3:ok_id","3:bad/id",7],"t"]`, func(l scout.Listing) string {
			if len(l.Images) != 1 {
				return "images " + strings.Join(l.Images, " ")
			}
			return ""
		}},
		{"a price too large is unknown", `[1,0,95,99999999999,"1:1",0,"t"]`, func(l scout.Listing) string {
			if l.PriceKnown {
				return "PriceKnown for a price over the maximum"
			}
			return ""
		}},
		{"fractional price is unknown", `[1,0,95,10.5,"1:1",0,"t"]`, func(l scout.Listing) string {
			if l.PriceKnown {
				return "PriceKnown for 10.5"
			}
			return ""
		}},
		{"zero price with free in the title is free", `[1,0,95,0,"1:1",0,"free couch, you haul"]`, func(l scout.Listing) string {
			if !l.Free {
				return "not free"
			}
			return ""
		}},
		{"zero price with freedom in the title is not free", `[1,0,95,0,"1:1",0,"Freedom chair"]`, func(l scout.Listing) string {
			if l.Free || l.PriceKnown {
				return "free or priced"
			}
			return ""
		}},
		{"a posting time in the future is dropped", `[1,99999999,95,10,"1:1",0,"t"]`, func(l scout.Listing) string {
			if !l.PostedAt.IsZero() {
				return "PostedAt " + l.PostedAt.String()
			}
			return ""
		}},
		{"short item with only id and title", `[1,0,95,10,"1:1",0,"only title"]`, func(l scout.Listing) string {
			if l.Title != "only title" || l.SourceID != "1001" {
				return "title " + l.Title + " id " + l.SourceID
			}
			return ""
		}},
	}
	for _, tt := range tests {
		body := `{"data":{` + table + `,"items":[` + tt.item + `]}}`
		pg, err := decodeSearch([]byte(body), decodeOptions{Site: "sfbay", Now: testNow})
		if err != nil || len(pg.Listings) != 1 {
			t.Errorf("%s: err=%v listings=%d, want one listing", tt.name, err, len(pg.Listings))
			continue
		}
		if problem := tt.check(pg.Listings[0]); problem != "" {
			t.Errorf("%s: %s", tt.name, problem)
		}
	}
}
