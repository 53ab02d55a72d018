package discord

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
	"github.com/dealscout/dealscout/notify/render"
)

// Discord's documented limits, in characters.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxTotal       = 6000 // across every embed of one message
)

// Embed colours by score band; red and green for source health.
const (
	colourHigh = 0x2ECC71
	colourMid  = 0xF1C40F
	colourLow  = 0x95A5A6
	colourBad  = 0xE74C3C
)

type payload struct {
	Content string  `json:"content,omitempty"`
	Embeds  []embed `json:"embeds,omitempty"`
	// Listing text is untrusted: never let "@everyone" in a title ping anyone.
	AllowedMentions struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

type embed struct {
	Title       string  `json:"title,omitempty"`
	URL         string  `json:"url,omitempty"`
	Description string  `json:"description,omitempty"`
	Color       int     `json:"color"`
	Fields      []field `json:"fields,omitempty"`
	Thumbnail   *image  `json:"thumbnail,omitempty"`
	Footer      *footer `json:"footer,omitempty"`
	Timestamp   string  `json:"timestamp,omitempty"`
}

type field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

type image struct {
	URL string `json:"url"`
}

type footer struct {
	Text string `json:"text"`
}

// buildPayload renders m as a webhook body within Discord's limits.
func buildPayload(m notify.Message) ([]byte, error) {
	var p payload
	p.AllowedMentions.Parse = []string{}
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		p.Content = escape(m.Title)
		p.Embeds = []embed{dealEmbed(m, m.Deals[0])}
	case m.Kind == notify.KindDigest:
		var dropped int
		p.Embeds, dropped = digestEmbeds(m)
		p.Content = escape(m.Title)
		if more := render.More(m.More + dropped); more != "" {
			p.Content += "\n" + more
		}
	default:
		p.Embeds = []embed{{Title: m.Title, Description: escape(m.Text), Color: systemColour(m.Kind), Timestamp: timestamp(m.CreatedAt)}}
	}
	p.Content = render.Truncate(p.Content, maxContent)
	p.Embeds = fit(p.Embeds)
	return deliver.JSON(p)
}

func dealEmbed(m notify.Message, d notify.Deal) embed {
	e := embed{
		Title:       render.OneLine(d.Title),
		URL:         d.URL,
		Description: escape(render.PriceLine(d)) + "\n" + escape(render.ScoreLine(d)),
		Color:       bandColour(d.Score),
		Timestamp:   timestamp(m.CreatedAt),
		Footer:      &footer{Text: "dealscout · watch " + m.Watch},
	}
	if d.MarketCents > 0 {
		e.Fields = append(e.Fields, field{Name: "Market value", Value: "~" + render.Money(d.MarketCents, d.Currency), Inline: true})
	}
	if d.ProfitCents != nil {
		e.Fields = append(e.Fields, field{Name: "Est. profit", Value: "~" + render.Money(*d.ProfitCents, d.Currency), Inline: true})
	}
	if s := render.Distance(d); s != "" {
		e.Fields = append(e.Fields, field{Name: "Distance", Value: s, Inline: true})
	}
	if d.Source != "" {
		e.Fields = append(e.Fields, field{Name: "Source", Value: escape(d.Source), Inline: true})
	}
	if d.SellerMessage != "" {
		e.Fields = append(e.Fields, field{Name: "Message to seller", Value: escape(d.SellerMessage)})
	}
	if d.ImageURL != "" {
		e.Thumbnail = &image{URL: d.ImageURL}
	}
	return e
}

// digestEmbeds renders one embed per score band, a line per deal. Deals that
// do not fit Discord's limits are counted and returned as dropped.
func digestEmbeds(m notify.Message) ([]embed, int) {
	var embeds []embed
	dropped, budget := 0, maxTotal
	for _, g := range render.Groups(m.Deals) {
		e := embed{Title: g.Band.Label(), Color: bandColour(g.Deals[0].Score)}
		budget -= utf8.RuneCountInString(e.Title)
		limit := min(maxDescription, budget)
		var lines []string
		used := 0
		for _, d := range g.Deals {
			line := digestLine(d)
			n := utf8.RuneCountInString(line) + 1
			if used+n > limit {
				dropped++
				continue
			}
			lines = append(lines, line)
			used += n
		}
		budget -= used
		if len(lines) == 0 {
			budget += utf8.RuneCountInString(e.Title)
			continue
		}
		e.Description = strings.Join(lines, "\n")
		embeds = append(embeds, e)
	}
	return embeds, dropped
}

func digestLine(d notify.Deal) string {
	text := escape(render.Brief(d))
	if d.URL == "" {
		return "• " + text
	}
	return "• [" + text + "](" + linkTarget(d.URL) + ")"
}

// fit enforces every per-field limit and then the 6000-character total,
// spending the budget in reading order and dropping what no longer fits.
func fit(embeds []embed) []embed {
	if len(embeds) > maxEmbeds {
		embeds = embeds[:maxEmbeds]
	}
	budget := maxTotal
	take := func(s string, limit int) string {
		s = render.Truncate(s, min(limit, budget))
		budget -= utf8.RuneCountInString(s)
		return s
	}
	out := embeds[:0]
	for _, e := range embeds {
		if budget <= 0 {
			break
		}
		e.Title = take(e.Title, maxTitle)
		e.Description = take(e.Description, maxDescription)
		var fields []field
		for i, f := range e.Fields {
			need := utf8.RuneCountInString(f.Name) + min(utf8.RuneCountInString(f.Value), maxFieldValue)
			if i >= maxFields || need > budget {
				break
			}
			f.Name, f.Value = take(f.Name, maxFieldName), take(f.Value, maxFieldValue)
			fields = append(fields, f)
		}
		e.Fields = fields
		if e.Footer != nil {
			if n := utf8.RuneCountInString(e.Footer.Text); n > budget || n > maxFooter {
				e.Footer = nil
			} else {
				budget -= n
			}
		}
		out = append(out, e)
	}
	return out
}

func bandColour(score float64) int {
	switch render.BandOf(score) {
	case render.BandHigh:
		return colourHigh
	case render.BandMid:
		return colourMid
	}
	return colourLow
}

func systemColour(kind string) int {
	switch kind {
	case notify.KindSourceFailing:
		return colourBad
	case notify.KindSourceRecovered:
		return colourHigh
	}
	return colourLow
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// escape keeps listing text from being read as Discord Markdown.
var escaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, "~", `\~`, "`", "\\`", `|`, `\|`,
	`>`, `\>`, `[`, `\[`, `]`, `\]`, `(`, `\(`, `)`, `\)`, `#`, `\#`,
)

func escape(s string) string { return escaper.Replace(s) }

// linkTarget keeps a URL from closing the Markdown link around it.
func linkTarget(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u)
}
