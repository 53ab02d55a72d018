package email

import (
	"bytes"
	"embed"
	"html/template"
	"strings"
	"sync"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/render"
)

//go:embed templates/alert.html
var templateFS embed.FS

// alertHTML is parsed on first use, not at package init: every dealscout
// process initialises this package, and most never send an email.
var alertHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(templateFS, "templates/alert.html"))
})

// body is a message's rendered parts.
type body struct {
	Subject string
	Text    string
	HTML    string
}

// htmlDeal is a deal with its lines already rendered as text; the template
// escapes them.
type htmlDeal struct {
	Title, URL, ImageURL, Price, Condition, Score, Reasons, Market, Where, Seller, Colour string
}

type htmlGroup struct {
	Label string
	Deals []htmlDeal
}

type htmlData struct {
	Subject, Watch, Text, More string
	Deal                       *htmlDeal
	Groups                     []htmlGroup
}

// buildBody renders m as subject, plain text and HTML.
func buildBody(m notify.Message) (body, error) {
	b := body{Subject: render.OneLine(m.Title)}
	data := htmlData{Subject: b.Subject, Watch: m.Watch}
	text := []string{b.Subject, ""}
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		d := htmlDealOf(m.Deals[0])
		data.Deal = &d
		text = append(text, render.DealLines(m.Deals[0])...)
	case m.Kind == notify.KindDigest:
		for _, g := range render.Groups(m.Deals) {
			hg := htmlGroup{Label: g.Band.Label()}
			for _, d := range g.Deals {
				hg.Deals = append(hg.Deals, htmlDealOf(d))
			}
			data.Groups = append(data.Groups, hg)
		}
		data.More = render.More(m.More)
		text = append(text, render.DigestLines(m)...)
	default:
		data.Text = m.Text
		text = append(text, m.Text)
	}
	if m.Watch != "" {
		text = append(text, "", "-- ", "Sent by dealscout for the watch \""+m.Watch+"\".")
	}
	b.Text = strings.Join(text, "\n") + "\n"
	var buf bytes.Buffer
	if err := alertHTML().Execute(&buf, data); err != nil {
		return body{}, err
	}
	b.HTML = buf.String()
	return b, nil
}

func htmlDealOf(d notify.Deal) htmlDeal {
	return htmlDeal{
		Title: d.Title, URL: d.URL, ImageURL: d.ImageURL, Price: render.Price(d), Condition: d.Condition,
		Score: render.Score(d), Reasons: render.Reasons(d), Market: render.MarketLine(d),
		Where: render.WhereLine(d), Seller: d.SellerMessage, Colour: colour(d.Score),
	}
}

// colour is the score badge's background by band.
func colour(score float64) string {
	switch render.BandOf(score) {
	case render.BandHigh:
		return "#1a7f37"
	case render.BandMid:
		return "#9a6700"
	}
	return "#6e7781"
}
