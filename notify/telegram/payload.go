package telegram

import (
	"strings"
	"unicode/utf8"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
	"github.com/dealscout/dealscout/notify/render"
)

// maxText is sendMessage's limit. Telegram counts it after parsing the HTML;
// counting the markup too keeps us safely below.
const maxText = 4096

type payload struct {
	ChatID    string `json:"chat_id"`
	Text      string `json:"text"`
	ParseMode string `json:"parse_mode"`
	// false: the preview of the listing link shows its photo.
	DisableWebPagePreview bool `json:"disable_web_page_preview"`
}

// buildPayload renders m as a sendMessage body for chatID.
func buildPayload(chatID string, m notify.Message) ([]byte, error) {
	var text string
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		text = dealText(m, m.Deals[0])
	case m.Kind == notify.KindDigest:
		text = digestText(m)
	default:
		text = bold(m.Title) + "\n" + escape(render.Truncate(m.Text, 3500))
	}
	return deliver.JSON(payload{ChatID: chatID, Text: text, ParseMode: "HTML"})
}

func dealText(m notify.Message, d notify.Deal) string {
	lines := []string{bold(render.Truncate(m.Title, 256)), link(d.URL, render.Truncate(d.Title, 256))}
	for _, l := range render.Details(d) {
		lines = append(lines, escape(l))
	}
	if d.ImageURL != "" {
		lines = append(lines, link(d.ImageURL, "Photo"))
	}
	if d.SellerMessage != "" {
		// <code> makes the message one tap to copy.
		lines = append(lines, "<i>Message to seller:</i> <code>"+escape(render.Truncate(d.SellerMessage, 2000))+"</code>")
	}
	return strings.Join(lines, "\n")
}

// digestText lists the deals by band; those past the length limit join the
// "and N more" count.
func digestText(m notify.Message) string {
	text := bold(render.Truncate(m.Title, 256))
	const reserve = 40 // room for the "and N more" line
	dropped := 0
	for _, g := range render.Groups(m.Deals) {
		heading := "\n\n" + bold(g.Band.Label())
		added := false
		for _, d := range g.Deals {
			line := "\n• " + link(d.URL, render.Brief(d))
			extra := line
			if !added {
				extra = heading + line
			}
			if utf8.RuneCountInString(text)+utf8.RuneCountInString(extra) > maxText-reserve {
				dropped++
				continue
			}
			text += extra
			added = true
		}
	}
	if more := render.More(m.More + dropped); more != "" {
		text += "\n\n" + escape(more)
	}
	return text
}

func bold(s string) string { return "<b>" + escape(s) + "</b>" }

func link(u, label string) string {
	if u == "" {
		return escape(label)
	}
	return `<a href="` + escapeAttr(u) + `">` + escape(label) + "</a>"
}

// Telegram's HTML mode needs exactly these escapes in text; quotes too in
// attribute values.
var (
	escape     = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
	escapeAttr = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace
)
