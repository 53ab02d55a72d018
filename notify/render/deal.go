package render

import (
	"fmt"
	"math"
	"strings"

	"github.com/dealscout/dealscout/notify"
)

// MaxReasons is how many score reasons an alert shows.
const MaxReasons = 3

// Score is the score as a whole number, "92".
func Score(d notify.Deal) string {
	return fmt.Sprintf("%d", int(math.Round(d.Score)))
}

// ScoreLine is the score with its top reasons: "Score 92: free, 60% below market".
func ScoreLine(d notify.Deal) string {
	s := "Score " + Score(d)
	if r := Reasons(d); r != "" {
		s += ": " + r
	}
	return s
}

// Reasons joins the deal's top reasons.
func Reasons(d notify.Deal) string {
	rs := d.Reasons
	if len(rs) > MaxReasons {
		rs = rs[:MaxReasons]
	}
	return strings.Join(rs, ", ")
}

// MarketLine is the market value and the profit estimate when known:
// "Market ~$300 · profit ~$180"; "" when neither is known.
func MarketLine(d notify.Deal) string {
	var parts []string
	if d.MarketCents > 0 {
		parts = append(parts, "Market ~"+Money(d.MarketCents, d.Currency))
	}
	if d.ProfitCents != nil {
		parts = append(parts, "profit ~"+Money(*d.ProfitCents, d.Currency))
	}
	return strings.Join(parts, " · ")
}

// Distance is "2.1 mi away", or "" when unknown.
func Distance(d notify.Deal) string {
	if d.DistanceMi == nil {
		return ""
	}
	return fmt.Sprintf("%.1f mi away", *d.DistanceMi)
}

// WhereLine is the distance and the source: "2.1 mi away · craigslist".
func WhereLine(d notify.Deal) string {
	var parts []string
	if s := Distance(d); s != "" {
		parts = append(parts, s)
	}
	if d.Source != "" {
		parts = append(parts, d.Source)
	}
	return strings.Join(parts, " · ")
}

// PriceLine is the price and, when known, the condition: "$120 (was $150, −20%) · good".
func PriceLine(d notify.Deal) string {
	if d.Condition == "" {
		return Price(d)
	}
	return Price(d) + " · " + d.Condition
}

// Details are the lines under a deal's title that every rich channel shows,
// in order, without the empty ones: price, score, market, where.
func Details(d notify.Deal) []string {
	return nonEmpty(PriceLine(d), ScoreLine(d), MarketLine(d), WhereLine(d))
}

// SellerLine introduces the ready message to the seller; "" when there is none.
func SellerLine(d notify.Deal) string {
	if d.SellerMessage == "" {
		return ""
	}
	return "Message to seller: " + d.SellerMessage
}

// DealLines is the whole deal as plain text, one line per fact: title,
// details, photo, link, message to the seller.
func DealLines(d notify.Deal) []string {
	lines := append([]string{d.Title}, Details(d)...)
	if d.ImageURL != "" {
		lines = append(lines, "Photo: "+d.ImageURL)
	}
	return append(lines, nonEmpty(d.URL, pageLine(d), SellerLine(d))...)
}

// pageLine links the deal's page in the web UI; "" when there is none.
func pageLine(d notify.Deal) string {
	if d.PageURL == "" {
		return ""
	}
	return "Deal page: " + d.PageURL
}

// Brief is a deal on one line for lists: "$120 · IKEA sofa · score 92".
func Brief(d notify.Deal) string {
	return Price(d) + " · " + d.Title + " · score " + Score(d)
}

func nonEmpty(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
