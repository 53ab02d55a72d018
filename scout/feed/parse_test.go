package feed

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

const testFeedURL = "https://feeds.example.com/deals.xml"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func TestParseFixtures(t *testing.T) {
	t.Parallel()
	src := "feed:" + testFeedURL
	tests := []struct {
		file string
		want []scout.Listing
	}{
		{"rss1.rdf", []scout.Listing{
			{
				Source: src, SourceID: "https://classifieds.example.org/item/1001",
				Title:       "Mid-century walnut dresser $180 - excellent condition",
				Description: "Six drawers, solid walnut. Was $400 new.",
				PriceCents:  18000, Currency: "USD", PriceKnown: true, Condition: scout.CondExcellent,
				PostedAt: time.Date(2026, 11, 20, 22, 5, 0, 0, time.UTC),
				URL:      "https://classifieds.example.org/item/1001", ShippingCents: -1, Seller: "maria",
			},
			{
				Source: src, SourceID: "https://classifieds.example.org/item/1002",
				Title:       "Curb alert: IKEA bookshelf",
				Description: "On the curb at 5th & Main, first come first served.",
				Currency:    "USD", PriceKnown: true, Free: true, Condition: scout.CondUnknown,
				PostedAt: time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC),
				URL:      "https://classifieds.example.org/item/1002", ShippingCents: -1,
			},
		}},
		{"rss2.xml", []scout.Listing{
			{
				Source: src, SourceID: "deal-7731",
				Title:       "Sony WH-1000XM5 Headphones $248 + Free Shipping (reg. $399)",
				Description: "Brand new, sealed. Price drops to $248 at checkout.",
				PriceCents:  24800, Currency: "USD", PriceKnown: true, Condition: scout.CondNew, Category: "Electronics",
				PostedAt: time.Date(2026, 11, 21, 18, 4, 0, 0, time.UTC),
				URL:      "https://deals.example.com/d/sony-xm5",
				Images: []string{"https://img.example.com/xm5-side.jpg", "https://img.example.com/xm5.jpg",
					"https://img.example.com/xm5-inline.jpg"},
				ShippingCents: 0,
			},
			{
				Source: src, SourceID: "https://deals.example.com/d/sleeper-sofa",
				Title:       "FREE sleeper sofa, must go this weekend",
				Description: "Good condition, smoke free home. Pull-out mattress included.",
				Currency:    "USD", PriceKnown: true, Free: true, Condition: scout.CondGood,
				PostedAt: time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC),
				// A relative link resolves against the feed's own URL.
				URL:           "https://feeds.example.com/d/sleeper-sofa",
				Images:        []string{"https://img.example.com/sofa-thumb.jpg"},
				ShippingCents: -1,
			},
			{
				// No GUID: the link is the id, but a javascript: link is never a URL.
				Source: src, SourceID: "javascript:alert(1)",
				Title:       "Bosch 18V drill kit €89,90 – for parts",
				Description: "Motor dead. 2 batteries.",
				PriceCents:  8990, Currency: "EUR", PriceKnown: true, Condition: scout.CondPoor,
				Images: []string{"https://img.example.com/drill.png"}, ShippingCents: -1,
			},
			{
				// Neither GUID nor link: the id is a hash of title and date.
				Source: src, SourceID: "sha256:bc1c12ccf10b45d8830ffcb86634a2ed",
				Title:       "Trek road bike, 56cm",
				Description: "Ask for price. Pickup in Oakland.",
				Currency:    "USD", Condition: scout.CondUnknown, ShippingCents: -1,
			},
		}},
		{"atom.xml", []scout.Listing{
			{
				Source: src, SourceID: "t3_abc123",
				Title:       "[Bay Area] KitchenAid stand mixer 50 USD, like new",
				Description: "Used twice.",
				PriceCents:  5000, Currency: "USD", PriceKnown: true, Condition: scout.CondLikeNew,
				PostedAt: time.Date(2026, 11, 22, 9, 10, 0, 0, time.UTC),
				URL:      "https://forum.example.net/r/example_deals/comments/abc123/",
				Images:   []string{"https://i.example.net/mixer-thumb.jpg", "https://i.example.net/mixer.jpg"},
				// Atom's author becomes the seller.
				ShippingCents: -1, Seller: "/u/mixmaster",
			},
			{
				Source: src, SourceID: "t3_def456",
				Title:       "Dining table £120 (was £300)",
				Description: "Oak, seats six. Fair condition, a few scratches.",
				PriceCents:  12000, Currency: "GBP", PriceKnown: true, Condition: scout.CondFair,
				// No <published>: <updated> stands in.
				PostedAt:      time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC),
				URL:           "https://forum.example.net/r/example_deals/comments/def456/",
				ShippingCents: -1,
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			res, err := Parse(bytes.NewReader(readFixture(t, tt.file)), testFeedURL)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !res.Complete {
				t.Errorf("Complete = false, want true: a feed is its whole current window")
			}
			if len(res.Listings) != len(tt.want) {
				t.Fatalf("got %d listings, want %d", len(res.Listings), len(tt.want))
			}
			for i, want := range tt.want {
				if got := res.Listings[i]; !reflect.DeepEqual(got, want) {
					t.Errorf("listing %d:\n got %s\nwant %s", i, asJSON(got), asJSON(want))
				}
			}
		})
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want string // in the error
	}{
		{"malformed XML", string(readFixture(t, "malformed.xml")), "feed: parse https://feeds.example.com/deals.xml: malformed XML"},
		{"HTML page", "<!DOCTYPE html><html><body><p>Not a feed</body></html>", "feed: parse https://feeds.example.com/deals.xml"},
		{"empty", "", "document is empty"},
		{"plain text", "couch $20", "feed: parse https://feeds.example.com/deals.xml"},
		{"two roots", "<rss version=\"2.0\"><channel></channel></rss><rss></rss>", "malformed XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Parse(strings.NewReader(tt.doc), testFeedURL)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.want)
			}
			if len(res.Listings) != 0 {
				t.Errorf("got %d listings with the error, want none", len(res.Listings))
			}
		})
	}
}

func TestParseRedactsCredentials(t *testing.T) {
	t.Parallel()
	_, err := Parse(strings.NewReader("<rss><channel>"), "https://user:secret@feeds.example.com/x.rss")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("Parse error = %v, want an error without the password", err)
	}
}

func TestParseSkipsRepeatsAndUntitled(t *testing.T) {
	t.Parallel()
	doc := `<rss version="2.0"><channel><title>x</title>
<item><title>Lamp $5</title><guid>a</guid></item>
<item><title>Lamp $6</title><guid>a</guid></item>
<item><description>  </description></item>
</channel></rss>`
	res, err := Parse(strings.NewReader(doc), testFeedURL)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(res.Listings) != 1 || res.Listings[0].PriceCents != 500 {
		t.Fatalf("listings = %s, want only the first item with id a", asJSON(res.Listings))
	}
	if len(res.Warnings) != 2 {
		t.Errorf("warnings = %q, want one for the repeat and one for the untitled item", res.Warnings)
	}
}

func TestParseUntitledItemUsesDescription(t *testing.T) {
	t.Parallel()
	doc := `<rss version="2.0"><channel><title>x</title>
<item><guid>b</guid><description>&lt;p&gt;Oak desk, $40, pickup only&lt;/p&gt;</description></item>
</channel></rss>`
	res, err := Parse(strings.NewReader(doc), testFeedURL)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(res.Listings) != 1 || res.Listings[0].Title != "Oak desk, $40, pickup only" {
		t.Fatalf("listings = %s, want one titled from its description", asJSON(res.Listings))
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"<p>Solid <b>oak</b>&nbsp;table</p><p>Pickup only</p>", "Solid oak table Pickup only"},
		{"Tom &amp; Jerry&#39;s couch", "Tom & Jerry's couch"},
		{"a<script>alert(1)</script>b<style>p{}</style>c", "abc"},
		{"  lots \n\t of   space ", "lots of space"},
		{"Couch < $100", "Couch < $100"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := plainText(tt.in, 100); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlainTextCapsLength(t *testing.T) {
	t.Parallel()
	got := plainText(strings.Repeat("couch ", 1000), maxDescription)
	if n := len([]rune(got)); n > maxDescription || !strings.HasSuffix(got, "…") {
		t.Errorf("plainText of 6000 chars gave %d runes ending %q, want at most %d ending in …", n, got[len(got)-8:], maxDescription)
	}
}

func TestDetectCondition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title, desc string
		want        scout.Condition
	}{
		{"Sofa - like new", "", scout.CondLikeNew},
		{"Sofa", "In great condition, no stains", scout.CondGreat},
		{"Sofa", "Condition: fair", scout.CondFair},
		{"iPhone 12 for parts", "Good condition otherwise", scout.CondPoor},
		{"Sofa", "Excellent condition but the frame is broken", scout.CondPoor},
		{"Brand new in box blender", "", scout.CondNew},
		{"Bought at Goodwill, newest model", "I used it daily", scout.CondUnknown},
		{"Good deal on a great couch", "", scout.CondUnknown},
		{"Open box TV", "", scout.CondLikeNew},
	}
	for _, tt := range tests {
		if got := detectCondition(tt.title, tt.desc); got != tt.want {
			t.Errorf("detectCondition(%q, %q) = %s, want %s", tt.title, tt.desc, got, tt.want)
		}
	}
}

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, and what it
// returns must be usable listings.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss1.rdf", "rss2.xml", "atom.xml", "malformed.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatalf("read fixture: %v", err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), testFeedURL)
		if err != nil {
			if len(res.Listings) != 0 {
				t.Fatalf("error %v came with %d listings", err, len(res.Listings))
			}
			return
		}
		for _, l := range res.Listings {
			if l.SourceID == "" || l.Title == "" {
				t.Fatalf("listing without id or title: %s", asJSON(l))
			}
			if l.PriceCents < 0 || l.PriceCents > scout.MaxPriceCents {
				t.Fatalf("price %d out of range", l.PriceCents)
			}
			if l.URL != "" && !strings.HasPrefix(l.URL, "http://") && !strings.HasPrefix(l.URL, "https://") {
				t.Fatalf("URL %q is not http(s)", l.URL)
			}
		}
	})
}

func TestParseDeclaredCharset(t *testing.T) {
	t.Parallel()
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>x</title>" +
		"<item><guid>c</guid><title>Caf\xe9 table \xa320</title></item></channel></rss>"
	res, err := Parse(strings.NewReader(doc), testFeedURL)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(res.Listings) != 1 || res.Listings[0].Title != "Café table £20" || res.Listings[0].Currency != "GBP" {
		t.Fatalf("listings = %s, want one titled \"Café table £20\" priced in GBP", asJSON(res.Listings))
	}
}
