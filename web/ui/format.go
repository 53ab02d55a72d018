package ui

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// funcs are the helpers templates call. Each returns plain text or a bool;
// html/template escapes the text where it lands.
func (u *UI) funcs() template.FuncMap {
	return template.FuncMap{
		"money":     money,
		"price":     listingPrice,
		"ago":       u.ago,
		"abstime":   u.absTime,
		"isotime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"band":      scoreBand,
		"score":     func(f float64) string { return strconv.FormatFloat(math.Round(f), 'f', 0, 64) },
		"httpurl":   httpURL,
		"thumb":     thumbnail,
		"miles":     miles,
		"verify":    verifyWarning,
		"profit":    profitText,
		"pct":       func(f float64) string { return strconv.FormatFloat(math.Round(f), 'f', 0, 64) },
		"condition": func(c any) string { return strings.ReplaceAll(fmt.Sprint(c), "_", " ") },
		"bytes":     byteSize,
		"join":      strings.Join,
		"has":       func(list []string, s string) bool { return slices.Contains(list, s) },
		"add":       func(a, b int) int { return a + b },
		"add1":      func(a, b float64) float64 { return a + b },
		"sub":       func(a, b float64) float64 { return a - b },
		"mul100":    func(f float64) float64 { return f * 100 },
		"points":    signedPoints,
		"deref": func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		},
		"cardData":   func(c dealCard, back string) cardData { return cardData{Card: c, Back: back} },
		"statusForm": func(d scout.Deal, back string) statusForm { return statusForm{Deal: d, Back: back} },
	}
}

// money renders cents as "$1,234.50": thousands grouped, the currency's
// symbol for the three common ones, else its ISO code after the amount.
func money(cents int64, currency string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	amount := fmt.Sprintf("%s.%02d", b.String(), cents%100)
	sign := ""
	if neg {
		sign = "−"
	}
	switch cur := strings.ToUpper(currency); cur {
	case "", "USD":
		return sign + "$" + amount
	case "EUR":
		return sign + "€" + amount
	case "GBP":
		return sign + "£" + amount
	default:
		return sign + amount + " " + cur
	}
}

// listingPrice is the listing's price as people read it.
func listingPrice(l scout.Listing) string {
	switch {
	case l.Free:
		return "FREE"
	case !l.PriceKnown:
		return "price not given"
	}
	return money(l.PriceCents, l.Currency)
}

// ago is a time relative to now: "just now", "12 min ago", "3 h ago", "5 days ago".
func (u *UI) ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := u.d.Now().Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%d h", int(d.Hours()))
	default:
		s = fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// absTime is a time in the configured zone with the zone named:
// "1 Dec 2026, 06:30 PST (America/Los_Angeles)".
func (u *UI) absTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := u.d.Location
	s := t.In(loc).Format("2 Jan 2006, 15:04 MST")
	if name := loc.String(); name != "UTC" && name != "" && name != "Local" {
		s += " (" + name + ")"
	}
	return s
}

// scoreBand names a score's colour band; the number is always shown beside it.
func scoreBand(f float64) string {
	switch {
	case f >= 85:
		return "strong"
	case f >= 75:
		return "good"
	}
	return "neutral"
}

// httpURL returns raw when it is an absolute http(s) URL, else "": links and
// images from listings are only rendered for those schemes.
func httpURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// thumbnail is the listing's first http(s) image, or "".
func thumbnail(l scout.Listing) string {
	for _, img := range l.Images {
		if s := httpURL(img); s != "" {
			return s
		}
	}
	return ""
}

func miles(d *float64) string {
	if d == nil {
		return ""
	}
	if *d < 10 {
		return strconv.FormatFloat(*d, 'f', 1, 64) + " mi"
	}
	return strconv.FormatFloat(math.Round(*d), 'f', 0, 64) + " mi"
}

// verifyWarning is the "verify before you pay" warning a score carries, or "".
// The scorer states it in a component's reason (too good to be true, scam
// phrases), so every reason that says "verify" is shown.
func verifyWarning(s scout.Score) string {
	var out []string
	for _, name := range scout.ComponentNames {
		c, ok := s.Components[name]
		if ok && strings.Contains(strings.ToLower(c.Reason), "verify") {
			out = append(out, c.Reason)
		}
	}
	for name, c := range s.Components {
		if !slices.Contains(scout.ComponentNames, name) && strings.Contains(strings.ToLower(c.Reason+" "+name), "verify") {
			out = append(out, c.Reason)
		}
	}
	return strings.Join(out, "; ")
}

// underMarket is how far, in percent, the price is under the market median;
// ok is false without a reliable market or a price.
func underMarket(d scout.Deal) (pct float64, ok bool) {
	m := d.Score.Market
	// The market is computed from comps in the listing's own currency.
	if !m.Known() || (!d.Listing.PriceKnown && !d.Listing.Free) {
		return 0, false
	}
	price := d.Listing.PriceCents
	if d.Listing.Free {
		price = 0
	}
	return 100 * float64(m.MedianCents-price) / float64(m.MedianCents), true
}

// profitText is the profit estimate in the listing's currency, or "".
func profitText(d scout.Deal) string {
	if d.Score.ProfitCents == nil {
		return ""
	}
	return money(*d.Score.ProfitCents, d.Listing.Currency)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// cardData is what the deal card template gets: the deal and where its
// Save/Dismiss buttons return to.
type cardData struct {
	Card dealCard
	Back string
}

// statusForm is what the "status-form" template gets: the deal its buttons
// mark and where they return to.
type statusForm struct {
	Deal scout.Deal
	Back string
}
