package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// item is one generated listing. Every title contains "table", the query of
// every watch the harness adds, so every listing becomes a deal; titles
// repeat a few hundred products so comps find similar listings, as in a
// real market.
type item struct {
	id        int
	title     string
	desc      string
	cents     int64
	condition string
	posted    time.Time
	lat, lng  float64
	images    int
}

var (
	woods    = []string{"oak", "walnut", "pine", "teak", "maple", "cherry", "birch", "glass", "marble", "steel"}
	kinds    = []string{"dining table", "coffee table", "side table", "console table", "desk table", "kitchen table", "patio table", "drafting table"}
	extras   = []string{"", "with 4 chairs", "extendable", "mid-century", "farmhouse", "round", "6ft", "like new", "IKEA", "solid wood"}
	conds    = []string{"new", "excellent", "great", "good", "good", "fair", "poor"}
	basePric = []int64{9000, 12000, 15000, 20000, 25000, 30000, 40000, 60000}
)

// benchEpoch anchors posting times; listings are posted in the 72 hours
// before the harness starts, so recency scores vary as they do live.
var benchEpoch = time.Now().UTC().Truncate(time.Hour)

// genItems makes n listings with ids from first on, the same for the same
// arguments in every run.
func genItems(first, n int) []item {
	out := make([]item, n)
	for i := range out {
		id := first + i
		r := rand.New(rand.NewPCG(uint64(id), 13)) // #nosec G115 G404 -- benchmark data: ids are non-negative and the sequence is deterministic on purpose
		kind := r.IntN(len(kinds))
		model := r.IntN(40)
		wood := woods[r.IntN(len(woods))]
		title := fmt.Sprintf("%s %s %s", strings.ToUpper(wood[:1])+wood[1:], kinds[kind], extras[r.IntN(len(extras))])
		title = strings.TrimSpace(title) + fmt.Sprintf(" T%02d", model)
		base := basePric[kind]
		cents := base * int64(40+r.IntN(90)) / 100 // 0.4×–1.3× the product's price
		out[i] = item{
			id:        id,
			title:     title,
			desc:      "Solid and sturdy, a few marks from use. Pick up in the Mission or Noe Valley; cash or Venmo.",
			cents:     cents / 100 * 100,
			condition: conds[r.IntN(len(conds))],
			posted:    benchEpoch.Add(-time.Duration(r.IntN(72*60)) * time.Minute),
			lat:       37.70 + r.Float64()*0.12,
			lng:       -122.50 + r.Float64()*0.12,
			images:    1 + r.IntN(3),
		}
	}
	return out
}

// repriced returns items with the price of one in every `every` changed
// (every = 1 changes them all): down 15 %, so some become price drops.
func repriced(items []item, every int) []item {
	out := make([]item, len(items))
	copy(out, items)
	for i := range out {
		if i%every == 0 {
			out[i].cents = max(100, out[i].cents*85/100/100*100)
		}
	}
	return out
}

// fileRecord is the import schema (DESIGN.md §4) the file: source reads.
type fileRecord struct {
	Source       string   `json:"source"`
	SourceID     string   `json:"source_id"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	PriceCents   int64    `json:"price_cents"`
	Currency     string   `json:"currency"`
	Condition    string   `json:"condition"`
	Category     string   `json:"category"`
	PostedAt     string   `json:"posted_at"`
	Lat          float64  `json:"lat"`
	Lng          float64  `json:"lng"`
	LocationText string   `json:"location_text"`
	URL          string   `json:"url"`
	Images       []string `json:"images"`
}

func (it item) record() fileRecord {
	imgs := make([]string, it.images)
	for k := range imgs {
		imgs[k] = fmt.Sprintf("https://img.example.com/bench/%d/%d.jpg", it.id, k)
	}
	return fileRecord{Source: "bench", SourceID: "b" + strconv.Itoa(it.id), Title: it.title, Description: it.desc,
		PriceCents: it.cents, Currency: "USD", Condition: it.condition, Category: "furniture",
		PostedAt: it.posted.Format(time.RFC3339), Lat: it.lat, Lng: it.lng, LocationText: "San Francisco, CA",
		URL: fmt.Sprintf("https://example.com/listing/%d", it.id), Images: imgs}
}

// writeJSONL writes items as JSON lines, replacing path atomically so a
// poll never reads half a file.
func writeJSONL(path string, items []item) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(it.record()); err != nil {
			_ = f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ebayItem is one itemSummary of the Browse API's search response, with
// the fields dealscout reads and a few it does not, as eBay sends them.
func (it item) ebayItem() map[string]any {
	cond, condID := "Used", "3000"
	if it.condition == "new" {
		cond, condID = "New", "1000"
	}
	return map[string]any{
		"itemId":           fmt.Sprintf("v1|%d|0", 100000000000+it.id),
		"title":            it.title,
		"leafCategoryIds":  []string{"38204"},
		"categories":       []map[string]string{{"categoryId": "38204", "categoryName": "Tables"}},
		"image":            map[string]string{"imageUrl": fmt.Sprintf("https://i.ebayimg.example/%d/s-l225.jpg", it.id)},
		"price":            map[string]string{"value": fmt.Sprintf("%d.%02d", it.cents/100, it.cents%100), "currency": "USD"},
		"itemHref":         fmt.Sprintf("https://api.ebay.example/buy/browse/v1/item/v1%%7C%d%%7C0", 100000000000+it.id),
		"seller":           map[string]any{"username": "seller" + strconv.Itoa(it.id%500), "feedbackPercentage": "99.1", "feedbackScore": 120},
		"condition":        cond,
		"conditionId":      condID,
		"shippingOptions":  []map[string]any{{"shippingCostType": "FIXED", "shippingCost": map[string]string{"value": "25.00", "currency": "USD"}}},
		"buyingOptions":    []string{"FIXED_PRICE"},
		"itemWebUrl":       fmt.Sprintf("https://www.ebay.example/itm/%d", 100000000000+it.id),
		"itemLocation":     map[string]string{"postalCode": "941**", "country": "US", "city": "San Francisco"},
		"itemCreationDate": it.posted.Format("2006-01-02T15:04:05.000Z"),
	}
}

// writeRSSItem writes one RSS 2.0 item the way deal sites do: the price in
// the title, the description as escaped HTML.
func writeRSSItem(w io.Writer, it item, desc string) {
	fmt.Fprintf(w, "<item><title>%s - $%d.%02d</title><link>https://example.com/feed/%d</link><guid isPermaLink=\"false\">bench-feed-%d</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
		html.EscapeString(it.title), it.cents/100, it.cents%100, it.id, it.id, it.posted.Format(time.RFC1123Z),
		html.EscapeString("<p>"+desc+"</p><img src=\"https://img.example.com/f/"+strconv.Itoa(it.id)+".jpg\">"))
}

func rssHead(w io.Writer) {
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<rss version="2.0"><channel><title>bench deals</title><link>https://example.com/</link><description>generated</description>`+"\n")
}

func rssTail(w io.Writer) { fmt.Fprint(w, "</channel></rss>\n") }

// longDesc is a description of about n bytes, for the large feed.
func longDesc(id, n int) string {
	var b strings.Builder
	for b.Len() < n {
		fmt.Fprintf(&b, "Listing %d: solid hardwood, smoke-free home, minor scuffs on one leg, dimensions on request. ", id)
	}
	return b.String()[:n]
}
