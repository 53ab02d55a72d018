package gotify

import (
	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
	"github.com/dealscout/dealscout/notify/render"
)

type payload struct {
	Title    string         `json:"title"`
	Message  string         `json:"message"`
	Priority int            `json:"priority"`
	Extras   map[string]any `json:"extras"`
}

// buildPayload renders m as a Gotify message. Plain text: listing text is
// untrusted and Gotify's Markdown mode would render links and images from it.
func buildPayload(m notify.Message) ([]byte, error) {
	p := payload{
		Title:    render.OneLine(m.Title),
		Message:  render.Plain(m),
		Priority: priority(m),
		Extras: map[string]any{
			"client::display": map[string]string{"contentType": "text/plain"},
		},
	}
	if m.Kind == notify.KindDeal && len(m.Deals) > 0 && m.Deals[0].URL != "" {
		p.Extras["client::notification"] = map[string]any{"click": map[string]string{"url": m.Deals[0].URL}}
	}
	return deliver.JSON(p)
}

// priority maps to Gotify's 0–10; Android shows 8+ as a heads-up.
func priority(m notify.Message) int {
	switch m.Kind {
	case notify.KindDeal:
		if len(m.Deals) > 0 && (m.Deals[0].Free || m.Deals[0].Score >= 95) {
			return 8
		}
		return 5
	case notify.KindSourceFailing:
		return 5
	case notify.KindDigest, notify.KindTest:
		return 4
	}
	return 2
}
