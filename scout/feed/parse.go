package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"

	"github.com/dealscout/dealscout/scout"
)

// Limits on what one item may contribute, so a hostile feed cannot make
// listings the UI and the store choke on.
const (
	maxTitle       = 300
	maxDescription = 2000
	maxImages      = 12
	maxSourceID    = 256
)

// Parse reads one feed document (RSS 1.0, RSS 2.0 or Atom; gofeed also reads
// JSON Feed) and maps every item to a listing of source "feed:"+feedURL (its
// SourceSpec.ID when the URL carries credentials or a query). The
// result is Complete: a feed is its publisher's whole current window. Items
// that cannot become a listing are skipped with a warning; a document that is
// not a feed is an error and yields no listings.
func Parse(r io.Reader, feedURL string) (scout.FetchResult, error) {
	shown := redact(feedURL)
	var buf bytes.Buffer
	if lr, ok := r.(interface{ Len() int }); ok {
		buf.Grow(lr.Len() + 1) // one allocation for a document already in memory
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return scout.FetchResult{}, fmt.Errorf("feed: read %s: %w", shown, err)
	}
	return parseData(buf.Bytes(), feedURL)
}

// parseData is Parse of a document already read, so Fetch does not copy it.
func parseData(data []byte, feedURL string) (res scout.FetchResult, err error) {
	shown := redact(feedURL)
	// gofeed is third-party code fed hostile input; a panic in it must fail
	// this source, not the whole poll.
	defer func() {
		if p := recover(); p != nil {
			res, err = scout.FetchResult{}, fmt.Errorf("feed: parse %s: parser failed: %v", shown, p)
		}
	}()
	data, repaired := repairUTF8(data)
	if err := checkDocument(data); err != nil {
		return scout.FetchResult{}, fmt.Errorf("feed: parse %s: %w", shown, err)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("feed: parse %s: %w", shown, err)
	}
	base, err := url.Parse(feedURL)
	if err != nil {
		base = nil
	}
	res.Complete = true
	seen := make(map[string]bool, len(f.Items))
	res.Listings = make([]scout.Listing, 0, len(f.Items))
	var untitled, dups int
	for i, it := range f.Items {
		// Each item is dropped once mapped: a large feed's parsed items
		// and its listings are never all held at once.
		f.Items[i] = nil
		if it == nil {
			continue
		}
		l, ok := toListing(it, feedURL, base)
		switch {
		case !ok:
			untitled++
		case seen[l.SourceID]:
			dups++ // the store keys on (source, source_id); the first copy wins
		default:
			seen[l.SourceID] = true
			res.Listings = append(res.Listings, l)
		}
	}
	if repaired > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("feed %s: replaced %d invalid UTF-8 sequence(s) with U+FFFD", shown, repaired))
	}
	if untitled > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("feed %s: skipped %d item(s) with neither title nor description", shown, untitled))
	}
	if dups > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("feed %s: skipped %d item(s) repeating an earlier item's id", shown, dups))
	}
	return res, nil
}

// toListing maps one item; ok is false when it has nothing to call it by.
func toListing(it *gofeed.Item, feedURL string, base *url.URL) (scout.Listing, bool) {
	descHTML := it.Description
	if strings.TrimSpace(descHTML) == "" {
		descHTML = it.Content
	}
	desc := plainText(descHTML, maxDescription)
	title := plainText(it.Title, maxTitle)
	if title == "" {
		title = truncate(desc, 120)
	}
	if title == "" {
		return scout.Listing{}, false
	}
	l := scout.Listing{
		Source:        scout.SourceSpec{Kind: scout.KindFeed, Arg: feedURL}.ID(), // never the credentials
		SourceID:      sourceID(it),
		Title:         title,
		Description:   desc,
		Currency:      scout.DefaultCurrency,
		Condition:     detectCondition(title, desc),
		URL:           itemLink(it, base),
		Images:        images(it, descHTML, base),
		ShippingCents: -1,
	}
	if t := it.PublishedParsed; t != nil {
		l.PostedAt = t.UTC()
	} else if t := it.UpdatedParsed; t != nil {
		l.PostedAt = t.UTC()
	}
	if len(it.Categories) > 0 {
		l.Category = truncate(plainText(it.Categories[0], 100), 100)
	}
	if len(it.Authors) > 0 && it.Authors[0] != nil {
		l.Seller = truncate(plainText(it.Authors[0].Name, 100), 100)
	}

	cents, currency, free, ok := ParsePrice(title)
	if !ok {
		cents, currency, free, ok = ParsePrice(desc)
	}
	l.PriceCents, l.Free, l.PriceKnown = cents, free, ok
	if currency != "" {
		l.Currency = currency
	}
	if mentionsFreeShipping(title) || mentionsFreeShipping(desc) {
		l.ShippingCents = 0
	}
	return l, true
}

// sourceID is the item's identity across polls: its GUID, else its link,
// else a hash of what it says, which changes only if the publisher edits it.
func sourceID(it *gofeed.Item) string {
	id := strings.TrimSpace(it.GUID)
	if id == "" {
		id = strings.TrimSpace(it.Link)
	}
	if id == "" && len(it.Links) > 0 {
		id = strings.TrimSpace(it.Links[0])
	}
	if id == "" {
		id = "sha256:" + hashHex(it.Title+"\x00"+it.Published)
	}
	if len(id) > maxSourceID {
		id = "sha256:" + hashHex(id)
	}
	return id
}

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func itemLink(it *gofeed.Item, base *url.URL) string {
	if u := absURL(base, it.Link); u != "" {
		return u
	}
	for _, l := range it.Links {
		if u := absURL(base, l); u != "" {
			return u
		}
	}
	return ""
}

// absURL resolves raw against the feed's URL and keeps only http(s) results:
// a "javascript:" link from a feed must never reach the UI.
func absURL(base *url.URL, raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 2048 {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// images collects photo URLs from everywhere feeds put them, best first.
func images(it *gofeed.Item, descHTML string, base *url.URL) []string {
	var raw []string
	if it.Image != nil {
		raw = append(raw, it.Image.URL)
	}
	for _, e := range it.Enclosures {
		if e != nil && (strings.HasPrefix(strings.ToLower(e.Type), "image/") || (e.Type == "" && looksLikeImage(e.URL))) {
			raw = append(raw, e.URL)
		}
	}
	if media := it.Extensions["media"]; media != nil {
		raw = append(raw, mediaImages(media)...)
		for _, g := range media["group"] {
			raw = append(raw, mediaImages(g.Children)...)
		}
	}
	if it.ITunesExt != nil {
		raw = append(raw, it.ITunesExt.Image)
	}
	raw = append(raw, firstImage(descHTML))
	if descHTML != it.Content {
		raw = append(raw, firstImage(it.Content))
	}

	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		u := absURL(base, r)
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, u)
		if len(out) == maxImages {
			break
		}
	}
	return out
}

// mediaImages reads Media RSS content and thumbnail elements. A media:content
// with no medium or type is taken as a picture: that is what deal feeds use it
// for, and a video URL in Images only costs a broken thumbnail.
func mediaImages(m map[string][]ext.Extension) []string {
	var out []string
	for _, name := range []string{"content", "thumbnail"} {
		for _, e := range m[name] {
			attrs := e.Attrs
			medium, typ := strings.ToLower(attrs["medium"]), strings.ToLower(attrs["type"])
			if name == "content" && medium != "image" && !strings.HasPrefix(typ, "image/") && (medium != "" || typ != "") {
				continue
			}
			out = append(out, attrs["url"])
		}
	}
	return out
}

func looksLikeImage(u string) bool {
	p := strings.ToLower(u)
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// conditionPhrase finds wording that states an item's condition. Running
// scout.NormalizeCondition over a whole description would misfire on words
// that merely contain a condition ("Goodwill", "newest", "used it daily"), so
// only these phrases are handed to it. Compiled on first use, like
// freeShipping: every dealscout process initialises this package (a cron
// poll with nothing due included), and compiling them took it about 0.2 ms.
var conditionPhrase = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\bcondition\s*(?:is\s*)?[:\-–]?\s*(brand new|new|like[ -]new|mint|excellent|very good|great|good|fair|poor|used|rough|worn|refurbished)\b` +
		`|\b(brand[ -]new|like[ -]new|mint|excellent|very good|great|good|fair|poor|rough|used)\s+(?:cond\.?|condition)\b` +
		`|\b(for parts|not working|broken|damaged|open[ -]box|never used|barely used|brand[ -]new|new in box|new with tags|refurbished|like[ -]new)\b`)
})

// detectCondition reads the title first — sellers put what matters there — and
// lets a "for parts" or "broken" anywhere in a text win over praise.
func detectCondition(title, desc string) scout.Condition {
	for _, text := range []string{title, desc} {
		if !mayStateCondition(text) {
			continue
		}
		best := scout.CondUnknown
		for _, m := range conditionPhrase().FindAllStringSubmatch(text, 8) {
			phrase := m[1] + m[2] + m[3]
			c := scout.NormalizeCondition(phrase)
			if c == scout.CondPoor {
				return c
			}
			if best == scout.CondUnknown {
				best = c
			}
		}
		if best != scout.CondUnknown {
			return best
		}
	}
	return scout.CondUnknown
}

// conditionWords holds a part of every phrase conditionPhrase matches, in
// lower case: a text with none of them states no condition. (Its first two
// alternatives all say "cond…"; the third's phrases each hold one of the
// others.)
var conditionWords = []string{"cond", "parts", "working", "broken", "damaged", "open", "used", "new", "refurb"}

// mayStateCondition is a cheap test before conditionPhrase, whose many
// case-insensitive alternatives cost about half a millisecond on a
// 2,000-character description (half the CPU of polling a large feed) and
// rarely match.
func mayStateCondition(text string) bool {
	lower := strings.ToLower(text)
	for _, w := range conditionWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// mentionsFreeShipping is freeShipping's match, tested only on text that
// says "free" or "shipped" (in any case): the pattern costs as much as the
// condition phrases on a long description.
func mentionsFreeShipping(text string) bool {
	lower := strings.ToLower(text)
	if !strings.Contains(lower, "free") && !strings.Contains(lower, "shipped") {
		return false
	}
	return freeShipping().MatchString(text)
}

var freeShipping = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\bfree\s+(?:[\w-]+\s+){0,2}(?:shipping|delivery|s&h)\b|\$[\d.,]+\s+shipped\b`)
})
