package render

import (
	"strings"
	"unicode/utf8"

	"github.com/dealscout/dealscout/notify"
)

// Plain renders the message body as plain text (without the title, which
// channels show as a subject or heading). Kinds without deals show Text.
func Plain(m notify.Message) string {
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		return strings.Join(DealLines(m.Deals[0]), "\n")
	case m.Kind == notify.KindDigest:
		return strings.Join(DigestLines(m), "\n")
	}
	return m.Text
}

// Truncate shortens s to at most max runes, ending with "…" when it cut.
func Truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:max-1]), " ") + "…"
}

// OneLine replaces line breaks and tabs with spaces, for headers and titles.
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
