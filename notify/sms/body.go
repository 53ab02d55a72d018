package sms

import (
	"fmt"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/render"
)

// Segment sizes: GSM-7 septets, or UTF-16 units when any character is
// outside GSM-7.
const (
	gsmSegment     = 160
	unicodeSegment = 70
	minTitle       = 8 // below this a title says nothing; send two segments instead
)

// buildBody renders m as one SMS where it fits: price, short title, score, link.
func buildBody(m notify.Message) string {
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		d := m.Deals[0]
		return fit(render.Price(d)+": ", d.Title, fmt.Sprintf(" (score %s) %s", render.Score(d), d.URL))
	case m.Kind == notify.KindDigest && len(m.Deals) > 0:
		best := render.Groups(m.Deals)[0].Deals[0]
		tail := fmt.Sprintf(" (score %s) %s", render.Score(best), best.URL)
		if n := len(m.Deals) - 1 + m.More; n > 0 {
			tail += fmt.Sprintf(" +%d more", n)
		}
		return fit(m.Title+". Best: "+render.Price(best)+" - ", best.Title, tail)
	}
	return fit("", m.Title+": "+m.Text, "")
}

// fit joins head, title and tail, shortening the title so the text fits one
// segment of the encoding it needs.
func fit(head, title, tail string) string {
	head, title, tail = gsmFriendly(head), gsmFriendly(render.OneLine(title)), gsmFriendly(tail)
	limit := gsmSegment
	if !isGSM(head + title + tail) {
		limit = unicodeSegment
	}
	budget := limit - length(head+tail)
	if length(title) > budget {
		title = cut(title, max(budget, minTitle))
	}
	return strings.TrimSpace(head + title + tail)
}

// gsmFriendly replaces typography that has a GSM-7 equivalent, so a stray
// "−" or "…" does not halve the segment.
var gsmFriendly = strings.NewReplacer(
	render.Minus, "-", "–", "-", "—", "-", "·", "-", "…", "...",
	"“", `"`, "”", `"`, "‘", "'", "’", "'", "\u00a0", " ",
).Replace

// length is s's size in its encoding: septets (extension characters take
// two) for GSM-7, UTF-16 units otherwise.
func length(s string) int {
	gsm, n := isGSM(s), 0
	for _, r := range s {
		n += cost(r, gsm)
	}
	return n
}

func cost(r rune, gsm bool) int {
	if gsm && strings.ContainsRune(gsmExtension, r) {
		return 2
	}
	if !gsm && r > 0xFFFF {
		return 2 // a surrogate pair
	}
	return 1
}

// cut shortens s to n units (of its encoding), ending in "...".
func cut(s string, n int) string {
	if length(s) <= n {
		return s
	}
	gsm, used := isGSM(s), len("...")
	var b strings.Builder
	for _, r := range s {
		if used+cost(r, gsm) > n {
			break
		}
		used += cost(r, gsm)
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ") + "..."
}

func isGSM(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsmBasic, r) && !strings.ContainsRune(gsmExtension, r) {
			return false
		}
	}
	return true
}

// The GSM 03.38 alphabet and its extension table.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "^{}\\[~]|€\f"
)
