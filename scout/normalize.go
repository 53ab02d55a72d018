package scout

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout/geo"
)

// Limits on stored text: enough for any real listing, small enough that one
// hostile feed cannot bloat the database or the alert messages.
const (
	MaxTitleRunes       = 300
	MaxDescriptionRunes = 5000
)

// freeTextMaxCents is the highest asking price at which "free" in the text is
// believed: marketplaces that insist on a price get "$1" for giveaways, while
// "FREE" on a $150 couch is an advert for something else (delivery, a gift).
const freeTextMaxCents = 100

// Normalize returns l cleaned up for storing, matching and scoring: text
// trimmed and capped (titles on one line), currency upper-case (USD when
// missing), condition mapped onto the vocabulary, out-of-range prices marked
// unknown, Free detected, PostedAt in UTC and never after now, coordinates
// from a US postal code when the source gave none, and ShippingCents -1 when
// unknown (0 when the text promises free shipping). l is not modified.
func Normalize(l Listing, now time.Time) Listing {
	l.Title = capRunes(strings.Join(strings.Fields(strings.ToValidUTF8(l.Title, "")), " "), MaxTitleRunes)
	l.Description = capRunes(strings.TrimSpace(strings.ToValidUTF8(l.Description, "")), MaxDescriptionRunes)
	l.Currency = currencyOr(l.Currency)
	l.Condition = NormalizeCondition(string(l.Condition))
	if l.PriceCents < 0 || l.PriceCents > MaxPriceCents {
		l.PriceCents, l.PriceKnown = 0, false
	}
	l.Free = l.Free || DetectFree(l)
	if l.Free && IsPlaceholderPrice(l) {
		l.Free = false // "$0 — call for price" gives nothing away
	}
	if !l.PostedAt.IsZero() {
		l.PostedAt = l.PostedAt.UTC()
		if l.PostedAt.After(now) {
			l.PostedAt = now.UTC()
		}
	}
	l.PostalCode = strings.TrimSpace(l.PostalCode)
	l.Country = strings.ToUpper(strings.TrimSpace(l.Country))
	if l.HasCoords && !geo.ValidPoint(l.Lat, l.Lng) {
		l.HasCoords, l.Lat, l.Lng = false, 0, 0
	}
	if !l.HasCoords && l.PostalCode != "" && (l.Country == "" || l.Country == "US") {
		if p, ok := geo.LookupZIP(l.PostalCode); ok {
			l.HasCoords, l.Lat, l.Lng = true, p.Lat, p.Lng
		}
	}
	if l.ShippingCents < 0 || l.ShippingCents > MaxPriceCents {
		l.ShippingCents = -1
	}
	if l.ShippingCents == -1 && mentionsFreeShipping(l) {
		l.ShippingCents = 0
	}
	l.Images = cleanImages(l.Images)
	return l
}

// DetectFree reports whether a listing gives the item away: a known price of
// 0, or — when the price is unknown or at most $1 — "curb alert", "free to
// (a) good home", "giving away" or "for free" in the title or description, or
// the word "free" in the title. "free" does not count when it describes
// something else: "free shipping", "free delivery", "+ free case",
// "smoke-free", "pet free home".
func DetectFree(l Listing) bool {
	if l.PriceKnown && l.PriceCents == 0 {
		return true
	}
	if l.PriceKnown && l.PriceCents > freeTextMaxCents {
		return false
	}
	for _, text := range []string{l.Title, l.Description} {
		words := tokens(text)
		for _, p := range freePhrases {
			if containsSeq(words, p) {
				return true
			}
		}
	}
	return titleSaysFree(l.Title)
}

var freePhrases = [][]string{
	{"curb", "alert"}, {"free", "to", "good", "home"}, {"free", "to", "a", "good", "home"},
	{"giving", "away"}, {"for", "free"},
}

// titleSaysFree looks at each "free" in the title and its neighbours.
func titleSaysFree(title string) bool {
	words := tokens(title)
	for i, w := range words {
		if w != "free" {
			continue
		}
		if i+1 < len(words) && freeNotItem[words[i+1]] {
			continue // "free shipping", "free case"
		}
		if i > 0 && (freeCompound[words[i-1]] || freeBonus[words[i-1]]) {
			continue // "smoke free", "with free …"
		}
		if i > 0 && strings.Contains(gapBefore(title, i), "+") {
			continue // "iPhone 12 + free case"
		}
		return true
	}
	return false
}

// Words after "free" that make it about something other than the item.
var freeNotItem = map[string]bool{
	"shipping": true, "ship": true, "ships": true, "delivery": true, "deliver": true, "returns": true,
	"return": true, "gift": true, "case": true, "charger": true, "installation": true, "install": true,
	"trial": true, "estimate": true, "estimates": true, "quote": true, "quotes": true, "consultation": true,
}

// Words before "free" that make it an adjective: "smoke free home".
var freeCompound = map[string]bool{
	"smoke": true, "pet": true, "scratch": true, "hands": true, "rust": true, "stain": true, "damage": true,
	"tax": true, "duty": true, "sugar": true, "gluten": true, "bpa": true, "hassle": true, "worry": true,
	"stress": true, "odor": true, "odour": true, "dust": true, "lead": true, "latex": true, "fragrance": true,
	"maintenance": true, "clutter": true, "wire": true, "cord": true, "tool": true, "crack": true,
}

// Words before "free" that make it a bonus with a paid item: "with free case".
var freeBonus = map[string]bool{"with": true, "plus": true, "and": true, "includes": true, "including": true, "w": true}

// gapBefore returns the text between word i-1 and word i of s, where
// punctuation such as "+" sits: tokens drop it, so it is recovered here.
func gapBefore(s string, i int) string {
	word, inWord, gapStart := -1, false, 0
	for pos, r := range s {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		if isWord && !inWord {
			word++
			if word == i {
				return s[gapStart:pos]
			}
		}
		if !isWord && inWord {
			gapStart = pos
		}
		inWord = isWord
	}
	return ""
}

func mentionsFreeShipping(l Listing) bool {
	for _, text := range []string{l.Title, l.Description} {
		words := tokens(text)
		if containsSeq(words, []string{"free", "shipping"}) || containsSeq(words, []string{"ships", "free"}) {
			return true
		}
	}
	return false
}

// capRunes cuts s to at most n runes without splitting a character.
func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return strings.TrimSpace(s[:pos])
		}
		i++
	}
	return s
}

// cleanImages drops empty image URLs, returning a new slice so the caller's
// listing is not modified.
func cleanImages(images []string) []string {
	if len(images) == 0 {
		return images
	}
	out := make([]string, 0, len(images))
	for _, u := range images {
		if u = strings.TrimSpace(u); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}
