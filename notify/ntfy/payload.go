package ntfy

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/render"
)

// maxBody keeps the message under ntfy's 4096-byte limit, past which it
// would turn the body into an attachment.
const maxBody = 4000

// buildRequest renders m as publish headers and a plain-text body.
func buildRequest(m notify.Message) (http.Header, []byte) {
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Title", headerText(render.Truncate(render.OneLine(m.Title), 250)))
	h.Set("Priority", strconv.Itoa(priority(m)))
	h.Set("Tags", tags(m))
	var body string
	switch {
	case m.Kind == notify.KindDeal && len(m.Deals) > 0:
		d := m.Deals[0]
		lines := append([]string{d.Title}, render.Details(d)...)
		if s := render.SellerLine(d); s != "" {
			lines = append(lines, s)
		}
		body = strings.Join(lines, "\n")
		setURL(h, "Click", d.URL)
		setURL(h, "Attach", d.ImageURL)
	default:
		body = render.Plain(m)
	}
	if len(body) > maxBody {
		// Cut on a rune boundary: ToValidUTF8 drops a split trailing rune.
		body = strings.ToValidUTF8(body[:maxBody-len("…")], "") + "…"
	}
	return h, []byte(body)
}

// priority is ntfy's 1 (min) to 5 (max, which rings through Do Not Disturb).
func priority(m notify.Message) int {
	switch m.Kind {
	case notify.KindDeal:
		if len(m.Deals) == 0 {
			return 3
		}
		d := m.Deals[0]
		switch {
		case d.Free || d.Score >= 95:
			return 5
		case d.Score >= 80:
			return 4
		case d.Score >= 60:
			return 3
		}
		return 2
	case notify.KindSourceFailing:
		return 4
	case notify.KindSourceRecovered:
		return 2
	}
	return 3
}

// tags become emoji on the phone when they are ntfy emoji short codes.
func tags(m notify.Message) string {
	switch m.Kind {
	case notify.KindDeal:
		if len(m.Deals) > 0 && m.Deals[0].Free {
			return "free"
		}
		if len(m.Deals) > 0 && render.DropPercent(m.Deals[0]) > 0 {
			return "moneybag,chart_with_downwards_trend"
		}
		return "moneybag"
	case notify.KindDigest:
		return "newspaper"
	case notify.KindSourceFailing:
		return "warning"
	case notify.KindSourceRecovered:
		return "white_check_mark"
	}
	return "test_tube"
}

// headerText makes s safe for a header: RFC 2047 encoded when it is not
// plain ASCII, which ntfy decodes.
func headerText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return mime.BEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// setURL sets a URL header, skipping URLs a header cannot carry.
func setURL(h http.Header, key, u string) {
	if u == "" {
		return
	}
	for i := 0; i < len(u); i++ {
		if u[i] <= 0x20 || u[i] >= 0x7f {
			return
		}
	}
	h.Set(key, u)
}
