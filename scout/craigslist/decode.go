package craigslist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// The search answer is {"data": {"decode": {...}, "items": [[...], ...],
// "totalResultCount": N}, "errors": [...]}. Each item is a positional array:
//
//	[0] posting id, as an offset from decode.minPostingId
//	[1] posted time, seconds after decode.minPostedDate
//	[2] category id
//	[3] price in whole currency units, -1 when none is given
//	[4] "LOC:DESC[:HOOD]~LAT~LNG": indexes into decode.locations,
//	    decode.locationDescriptions and decode.neighborhoods, then coordinates
//	[5…] tagged arrays [tag, values…] — 4 image ids, 6 URL slug, 10 price
//	    text ("$1,524", "free"), 13 posting hash — negative numbers (duplicate
//	    keys) and one bare string, the title, last.
//
// decode.locations[i] is 0 or [areaId, hostname, subareaAbbr].
const (
	tagImages    = 4
	tagSlug      = 6
	tagPriceText = 10
)

type decodeOptions struct {
	Site     string    // the site searched, for URLs when an item names none
	OnlySite string    // when set, postings from other sites are dropped
	Query    string    // for the search link of items without a slug
	Currency string    // prices are in the site's currency; "" means USD
	Now      time.Time // posted times after now+1 day are nonsense and dropped
}

type page struct {
	Listings []scout.Listing
	Complete bool // the answer holds every posting that matched
	Skipped  int  // items that could not be decoded
}

type decodeTable struct {
	minPostingID  int64
	hasMinID      bool
	minPostedDate int64
	hasMinDate    bool
	locations     []any
	descriptions  []any
	neighborhoods []any
}

// decodeSearch turns one search answer into listings. Only an answer that is
// not the documented shape at all is an error; bad items are skipped.
func decodeSearch(body []byte, opt decodeOptions) (page, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // posting ids pass 2^53 soon enough; floats would round them
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		return page{}, fmt.Errorf("malformed response: %w", err)
	}
	data, ok := top["data"].(map[string]any)
	if !ok {
		if msg := apiErrors(top["errors"]); msg != "" {
			return page{}, fmt.Errorf("craigslist answered with errors: %s", msg)
		}
		return page{}, errors.New("malformed response: no data object")
	}
	rawItems, present := data["items"]
	items, ok := rawItems.([]any)
	if present && rawItems != nil && !ok {
		return page{}, errors.New("malformed response: items is not a list")
	}
	table := readDecode(data["decode"])
	if len(items) > 0 && !table.hasMinID {
		return page{}, errors.New("malformed response: items without decode.minPostingId")
	}
	if opt.Currency == "" {
		opt.Currency = scout.DefaultCurrency
	}
	pg := page{Listings: make([]scout.Listing, 0, len(items))}
	for _, it := range items {
		arr, ok := it.([]any)
		if !ok {
			pg.Skipped++
			continue
		}
		l, host, ok := decodeItem(arr, table, opt)
		if !ok {
			pg.Skipped++
			continue
		}
		if opt.OnlySite != "" && host != "" && host != opt.OnlySite {
			continue
		}
		pg.Listings = append(pg.Listings, l)
	}
	if total, ok := toInt(data["totalResultCount"]); ok {
		pg.Complete = int64(len(items)) >= total
	} else {
		pg.Complete = len(items) < batchSize
	}
	return pg, nil
}

func readDecode(v any) decodeTable {
	m, _ := v.(map[string]any) // "decode": 0 when nothing matched
	var t decodeTable
	t.minPostingID, t.hasMinID = toInt(m["minPostingId"])
	t.minPostedDate, t.hasMinDate = toInt(m["minPostedDate"])
	t.locations, _ = m["locations"].([]any)
	t.descriptions, _ = m["locationDescriptions"].([]any)
	t.neighborhoods, _ = m["neighborhoods"].([]any)
	return t
}

// decodeItem decodes one posting; ok is false when it has no usable id or
// title. host is the site the posting belongs to, "" when unknown.
func decodeItem(arr []any, t decodeTable, opt decodeOptions) (l scout.Listing, host string, ok bool) {
	offset, ok := toInt(at(arr, 0))
	if !ok || offset < 0 || t.minPostingID <= 0 || offset > math.MaxInt64-t.minPostingID {
		return scout.Listing{}, "", false
	}
	id := t.minPostingID + offset
	var rest []any
	if len(arr) > 5 {
		rest = arr[5:]
	}
	title := ""
	for _, v := range rest {
		if s, isStr := v.(string); isStr {
			title = strings.TrimSpace(s) // the title is the last bare string
		}
	}
	if title == "" {
		return scout.Listing{}, "", false
	}
	l = scout.Listing{
		Source:        SourceName,
		SourceID:      strconv.FormatInt(id, 10),
		Title:         title,
		Currency:      strings.ToUpper(opt.Currency),
		Condition:     scout.CondUnknown,
		ShippingCents: -1,
	}
	if secs, ok := toInt(at(arr, 1)); ok && t.hasMinDate && secs >= 0 && secs < math.MaxInt32 && t.minPostedDate > 0 {
		posted := time.Unix(t.minPostedDate+secs, 0).UTC()
		if opt.Now.IsZero() || posted.Before(opt.Now.Add(24*time.Hour)) {
			l.PostedAt = posted
		}
	}
	setPrice(&l, at(arr, 3), tagValue(rest, tagPriceText))
	host = decodeLocation(&l, at(arr, 4), t)
	l.Images = imageURLs(rest)
	site := opt.Site
	if host != "" {
		site = host
	}
	if slug, ok := tagValue(rest, tagSlug).(string); ok && validSlug(slug) {
		l.URL = "https://" + site + ".craigslist.org/d/" + slug + "/" + l.SourceID + ".html"
	} else {
		l.URL = searchLink(site, opt.Query)
	}
	return l, host, true
}

// setPrice reads the numeric price and the price text. Craigslist shows $0
// for "no price given" as often as for giveaways, so a zero price counts as
// free only when the price text or the title says so.
func setPrice(l *scout.Listing, num, text any) {
	p, isNum := toInt(num)
	if isNum && p > 0 && p <= scout.MaxPriceCents/100 {
		l.PriceCents, l.PriceKnown = p*100, true
		return
	}
	s, _ := text.(string)
	if strings.EqualFold(strings.TrimSpace(s), "free") || (isNum && p == 0 && containsWord(strings.ToLower(l.Title), "free")) {
		l.PriceCents, l.PriceKnown, l.Free = 0, true, true
	}
}

// decodeLocation fills coordinates and the place name and returns the
// posting's site host name.
func decodeLocation(l *scout.Listing, v any, t decodeTable) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	parts := strings.Split(s, "~")
	if len(parts) >= 3 {
		lat, err1 := strconv.ParseFloat(parts[1], 64)
		lng, err2 := strconv.ParseFloat(parts[2], 64)
		if err1 == nil && err2 == nil && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180 && (lat != 0 || lng != 0) {
			l.Lat, l.Lng, l.HasCoords = lat, lng, true
		}
	}
	idx := strings.Split(parts[0], ":")
	host := ""
	if loc, ok := indexed(t.locations, idx, 0).([]any); ok {
		if h, ok := at(loc, 1).(string); ok && validSite(h) {
			host = h
		}
	}
	desc, _ := indexed(t.descriptions, idx, 1).(string)
	hood, _ := indexed(t.neighborhoods, idx, 2).(string)
	hood, desc = strings.TrimSpace(hood), strings.TrimSpace(desc)
	if strings.EqualFold(hood, desc) {
		hood = ""
	}
	l.LocationText = strings.Trim(hood+", "+desc, ", ")
	return host
}

// imageURLs turns tag-4 image ids ("3:00X0X_abcDEF") into picture URLs.
func imageURLs(rest []any) []string {
	var out []string
	for _, v := range rest {
		arr, ok := v.([]any)
		if !ok || len(arr) < 2 {
			continue
		}
		if tag, ok := toInt(arr[0]); !ok || tag != tagImages {
			continue
		}
		for _, im := range arr[1:] {
			s, ok := im.(string)
			if !ok {
				continue
			}
			if _, after, found := strings.Cut(s, ":"); found {
				s = after
			}
			if validImageID(s) {
				out = append(out, "https://images.craigslist.org/"+s+"_600x450.jpg")
			}
		}
	}
	return out
}

// tagValue is the first value of the tagged array with the given tag.
func tagValue(rest []any, tag int64) any {
	for _, v := range rest {
		arr, ok := v.([]any)
		if !ok || len(arr) < 2 {
			continue
		}
		if t, ok := toInt(arr[0]); ok && t == tag {
			return arr[1]
		}
	}
	return nil
}

// indexed looks up table[idx[pos]] where idx holds decimal strings.
func indexed(table []any, idx []string, pos int) any {
	if pos >= len(idx) {
		return nil
	}
	i, err := strconv.Atoi(idx[pos])
	if err != nil || i < 0 || i >= len(table) {
		return nil
	}
	return table[i]
}

func at(arr []any, i int) any {
	if i < len(arr) {
		return arr[i]
	}
	return nil
}

// toInt accepts JSON integers only: a fractional or huge number is not an id.
func toInt(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

func apiErrors(v any) string {
	list, _ := v.([]any)
	var msgs []string
	for _, e := range list {
		switch e := e.(type) {
		case string:
			msgs = append(msgs, e)
		case map[string]any:
			if m, ok := e["message"].(string); ok {
				msgs = append(msgs, m)
			}
		}
	}
	s := strings.Join(msgs, "; ")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

func validSlug(s string) bool {
	return s != "" && len(s) <= 200 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

func validImageID(s string) bool {
	return s != "" && len(s) <= 100 &&
		strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == ""
}

func containsWord(s, word string) bool {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		if f == word {
			return true
		}
	}
	return false
}
