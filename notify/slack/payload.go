package slack

import (
	"strings"
	"unicode/utf8"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
	"github.com/dealscout/dealscout/notify/render"
)

// Block Kit limits, in characters.
const (
	maxSectionText = 3000
	maxAltText     = 2000
	maxFallback    = 3000
)

type payload struct {
	Text   string  `json:"text"` // notifications and clients without blocks show this
	Blocks []block `json:"blocks"`
}

type block struct {
	Type      string  `json:"type"`
	Text      *text   `json:"text,omitempty"`
	Accessory *image  `json:"accessory,omitempty"`
	Elements  []*text `json:"elements,omitempty"`
}

type text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type image struct {
	Type     string `json:"type"`
	ImageURL string `json:"image_url"`
	AltText  string `json:"alt_text"`
}

// buildPayload renders m as an incoming-webhook body.
func buildPayload(m notify.Message) ([]byte, error) {
	p := payload{Text: render.Truncate(escape(m.Title), maxFallback)}
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		p.Text = render.Truncate(escape(m.Title+" · "+render.Price(m.Deals[0])), maxFallback)
		p.Blocks = dealBlocks(m, m.Deals[0])
	case m.Kind == notify.KindDigest:
		p.Blocks = digestBlocks(m)
	default:
		p.Blocks = []block{section("*" + escape(m.Title) + "*\n" + escape(m.Text))}
	}
	return deliver.JSON(p)
}

func dealBlocks(m notify.Message, d notify.Deal) []block {
	lines := []string{"*" + link(d.URL, d.Title) + "*"}
	for _, l := range render.Details(d) {
		lines = append(lines, escape(l))
	}
	main := section(strings.Join(lines, "\n"))
	if d.ImageURL != "" {
		main.Accessory = &image{Type: "image", ImageURL: d.ImageURL, AltText: render.Truncate(d.Title, maxAltText)}
	}
	blocks := []block{main}
	if d.SellerMessage != "" {
		blocks = append(blocks, section("*Message to seller*\n>"+strings.ReplaceAll(escape(d.SellerMessage), "\n", "\n>")))
	}
	return append(blocks, contextBlock("dealscout · watch "+escape(m.Watch)))
}

// digestBlocks renders a heading, a section per score band and the tail.
// Deals beyond a section's 3000 characters join the "and N more" count.
func digestBlocks(m notify.Message) []block {
	blocks := []block{section("*" + escape(m.Title) + "*")}
	dropped := 0
	for _, g := range render.Groups(m.Deals) {
		sb := "*" + g.Band.Label() + "*"
		for _, d := range g.Deals {
			line := "\n• " + link(d.URL, render.Brief(d))
			if utf8.RuneCountInString(sb)+utf8.RuneCountInString(line) > maxSectionText {
				dropped++
				continue
			}
			sb += line
		}
		blocks = append(blocks, section(sb))
	}
	tail := "dealscout · watch " + escape(m.Watch)
	if more := render.More(m.More + dropped); more != "" {
		tail = more + " · " + tail
	}
	return append(blocks, contextBlock(tail))
}

func section(s string) block {
	return block{Type: "section", Text: &text{Type: "mrkdwn", Text: render.Truncate(s, maxSectionText)}}
}

func contextBlock(s string) block {
	return block{Type: "context", Elements: []*text{{Type: "mrkdwn", Text: render.Truncate(s, maxSectionText)}}}
}

// link renders <url|label>, or just the label when there is no URL.
func link(u, label string) string {
	label = escape(render.OneLine(label))
	if u == "" {
		return label
	}
	return "<" + strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(u) + "|" + label + ">"
}

// escape applies the three escapes Slack requires of text in mrkdwn and
// fallback text, so "<3" is not read as a link or mention.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace
