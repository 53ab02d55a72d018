package feed

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/scout"
)

// Item 33 of issue 12: a title without a price takes it from the
// description, in any currency the parser knows (HK$ included); a price in
// the title wins over one in the description.
func TestParsePriceFromDescription(t *testing.T) {
	t.Parallel()
	res, err := Parse(bytes.NewReader(readFixture(t, "description_price.xml")), testFeedURL)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id       string
		cents    int64
		currency string
	}{{"sb-1", 14500, "USD"}, {"rc-2", 128000, "HKD"}, {"bc-3", 6000, "USD"}}
	if len(res.Listings) != len(want) {
		t.Fatalf("got %d listings, want %d", len(res.Listings), len(want))
	}
	for i, w := range want {
		l := res.Listings[i]
		if l.SourceID != w.id || l.PriceCents != w.cents || l.Currency != w.currency || !l.PriceKnown {
			t.Errorf("listing %d: %s %d %s known=%v, want %s %d %s known", i, l.SourceID, l.PriceCents, l.Currency,
				l.PriceKnown, w.id, w.cents, w.currency)
		}
	}
}

// Item 11: a feed: URL that answers JSON or an HTML page is an error saying
// it is not a feed, not "ok, 0 fetched".
func TestParseRejectsNonFeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc, want string
	}{
		{"JSON API answer", `{"items": [], "next": null}`, "not an RSS or Atom feed (the answer is JSON)"},
		{"JSON array", `[{"title": "couch"}]`, "not an RSS or Atom feed (the answer is JSON)"},
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Login</title></head><body><p>Sign in</body></html>", "not an RSS or Atom feed (the answer is an HTML page)"},
		{"XHTML page", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>hi</p></body></html>`, "not an RSS or Atom feed (the answer is an HTML page)"},
		{"other XML", `<?xml version="1.0"?><error><code>403</code></error>`, `not an RSS or Atom feed (its root element is <error>)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := Parse(strings.NewReader(tt.doc), testFeedURL)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tt.want)
			}
			if len(res.Listings) != 0 {
				t.Errorf("got %d listings with the error", len(res.Listings))
			}
		})
	}
	// A JSON Feed (jsonfeed.org), which gofeed reads, is still a feed.
	jf := `{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "1", "title": "Lamp $20"}]}`
	if res, err := Parse(strings.NewReader(jf), testFeedURL); err != nil || len(res.Listings) != 1 {
		t.Errorf("JSON Feed: %d listings, %v; want 1 and no error", len(res.Listings), err)
	}
}

// Item 11, through Fetch: the error names the feed and what came back.
func TestFetchJSONIsNotAFeed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"results": []}`))
	}))
	defer srv.Close()
	_, err := newTestSource(srv.Client(), 0, nil).Fetch(context.Background(), query(srv.URL+"/api", scout.SourceState{}))
	if err == nil || !strings.Contains(err.Error(), "not an RSS or Atom feed") {
		t.Fatalf("Fetch of a JSON API = %v, want a 'not an RSS or Atom feed' error", err)
	}
}

// Item 27: one invalid UTF-8 byte no longer rejects the feed: it is replaced,
// every item is kept, and a warning says how many were repaired.
func TestParseRepairsInvalidUTF8(t *testing.T) {
	t.Parallel()
	doc := "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>x</title>" +
		"<item><guid>a</guid><title>Lamp $20</title></item>" +
		"<item><guid>b</guid><title>Caf\xe9 table $40</title></item>" +
		"<item><guid>c</guid><title>Chair $10</title></item></channel></rss>"
	res, err := Parse(strings.NewReader(doc), testFeedURL)
	if err != nil {
		t.Fatalf("Parse of a feed with one bad byte: %v", err)
	}
	if len(res.Listings) != 3 {
		t.Fatalf("got %d listings, want all 3", len(res.Listings))
	}
	if got := res.Listings[1].Title; got != "Caf\uFFFD table $40" || res.Listings[1].PriceCents != 4000 {
		t.Errorf("repaired item: title %q price %d, want %q and 4000", got, res.Listings[1].PriceCents, "Caf\uFFFD table $40")
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "1 invalid UTF-8") {
		t.Errorf("warnings %q, want one reporting 1 invalid UTF-8 sequence replaced", res.Warnings)
	}
}

// nestedFeed is a hostile RSS document of about size bytes: one item whose
// description holds elements nested as deep as the bytes allow.
func nestedFeed(size int) []byte {
	head := `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>t</title><x:a xmlns:x="urn:x">`
	var b bytes.Buffer
	b.WriteString(head)
	n := (size - len(head)) / 11
	for range n {
		b.WriteString("<x:a>")
	}
	for range n {
		b.WriteString("</x:a>")
	}
	b.WriteString("</x:a></item></channel></rss>")
	return b.Bytes()
}

// manyElementsFeed is a hostile RSS document of about size bytes: one item
// with as many tiny sibling elements as fit.
func manyElementsFeed(size int) []byte {
	head := `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>t</title>`
	var b bytes.Buffer
	b.WriteString(head)
	for b.Len() < size-40 {
		b.WriteString("<x/>")
	}
	b.WriteString("</item></channel></rss>")
	return b.Bytes()
}

// Item 26: nesting depth and element count are bounded before gofeed builds a
// tree, so a hostile 10 MB feed fails with a clear error having allocated at
// most 4× the body limit. Measured before the bounds: 10 MB of nesting
// allocated 1.5 GB (peak RSS 1.4 GB, 11 s), 10 MB of sibling elements
// 1.46 GB; after: 1.0× and 3.5×.
func TestParseRefusesHostileStructure(t *testing.T) {
	// Not parallel: it measures this goroutine's allocations.
	const size = 10 << 20
	tests := []struct {
		name string
		doc  []byte
		want string
	}{
		{"deep nesting", nestedFeed(size), "elements nested deeper than 64"},
		{"too many elements", manyElementsFeed(size), "more than 50000 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse(bytes.NewReader(tt.doc), testFeedURL)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d MB document, %d MB allocated by Parse (%.1f×)", len(tt.doc)>>20, alloc>>20, float64(alloc)/float64(len(tt.doc)))
			// Parse copies the document once and streams it once, stopping
			// at a bound: the copy plus about 500 bytes per element counted,
			// so at most 4× the 10 MB body limit. Before the bounds gofeed's
			// tree took over 140×.
			if limit := uint64(4 * DefaultMaxBody); alloc > limit && !raceEnabled {
				t.Errorf("Parse allocated %d MB for a %d MB document, want at most 4× the body limit (%d MB)", alloc>>20, len(tt.doc)>>20, limit>>20)
			}
		})
	}
}

// Feeds within the bounds still parse: 64 levels and many items are fine.
func TestParseAcceptsDeepButReasonableFeeds(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>x</title>`)
	for i := range 2000 {
		fmt.Fprintf(&b, "<item><guid>g%d</guid><title>Lamp $20</title><description>ok</description></item>", i)
	}
	b.WriteString(`<item><guid>deep</guid><title>Deep</title><x:a xmlns:x="urn:x">` + strings.Repeat("<x:a>", 55) + strings.Repeat("</x:a>", 55) + `</x:a></item>`)
	b.WriteString(`</channel></rss>`)
	res, err := Parse(strings.NewReader(b.String()), testFeedURL)
	if err != nil || len(res.Listings) != 2001 {
		t.Fatalf("Parse of 2001 items, one 60 levels deep: %d listings, %v; want 2001 and no error", len(res.Listings), err)
	}
}

// Item 23: a network error quotes the URL (net/http hides only the
// password); Fetch's error shows neither the password nor query values.
func TestFetchErrorMasksCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://user:PASSWORD@", 1) + "/rss?apikey=SECRETKEY"
	_, err := newTestSource(srv.Client(), 0, nil).Fetch(context.Background(), query(u, scout.SourceState{}))
	if err == nil || strings.Contains(err.Error(), "PASSWORD") || strings.Contains(err.Error(), "SECRETKEY") || strings.Contains(err.Error(), "user") {
		t.Fatalf("Fetch error = %v, want one without the credentials", err)
	}
}
