package pushover

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/render"
)

// Pushover's limits, in characters.
const (
	maxTitle    = 250
	maxMessage  = 1024
	maxURL      = 512
	maxURLTitle = 100
)

// Pushover priorities we use; 2 (emergency) needs acknowledgement and is left out.
const (
	priorityLow    = -1
	priorityNormal = 0
	priorityHigh   = 1
)

// buildForm renders m as the message fields of a Messages API request; Send
// adds the credentials.
func buildForm(m notify.Message) url.Values {
	f := url.Values{
		"title":    {render.Truncate(render.OneLine(m.Title), maxTitle)},
		"priority": {strconv.Itoa(priority(m))},
	}
	if !m.CreatedAt.IsZero() {
		f["timestamp"] = []string{strconv.FormatInt(m.CreatedAt.Unix(), 10)}
	}
	var text string
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		d := m.Deals[0]
		lines := append([]string{d.Title}, render.Details(d)...)
		if s := render.SellerLine(d); s != "" {
			lines = append(lines, s)
		}
		text = strings.Join(lines, "\n")
		if d.URL != "" && len(d.URL) <= maxURL {
			f["url"] = []string{d.URL}
			f["url_title"] = []string{render.Truncate("Open on "+sourceName(d), maxURLTitle)}
		}
	default:
		text = render.Plain(m)
	}
	f["message"] = []string{render.Truncate(text, maxMessage)}
	return f
}

func priority(m notify.Message) int {
	switch m.Kind {
	case notify.KindDeal:
		if len(m.Deals) > 0 && (m.Deals[0].Free || m.Deals[0].Score >= 95) {
			return priorityHigh
		}
		return priorityNormal
	case notify.KindDigest, notify.KindSourceRecovered:
		return priorityLow
	}
	return priorityNormal
}

func sourceName(d notify.Deal) string {
	if d.Source == "" {
		return "the listing"
	}
	return d.Source
}
