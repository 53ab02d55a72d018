package ui

import (
	"math"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

func TestMoney(t *testing.T) {
	cases := []struct {
		cents    int64
		currency string
		want     string
	}{
		{123450, "USD", "$1,234.50"},
		{0, "", "$0.00"},
		{99, "usd", "$0.99"},
		{100000000, "USD", "$1,000,000.00"},
		{-4000, "USD", "−$40.00"},
		{1250, "EUR", "€12.50"},
		{15000, "CAD", "150.00 CAD"},
	}
	for _, c := range cases {
		if got := money(c.cents, c.currency); got != c.want {
			t.Errorf("money(%d, %q) = %q, want %q", c.cents, c.currency, got, c.want)
		}
	}
}

func TestCSVTextDefusesFormulas(t *testing.T) {
	cases := map[string]string{
		`=HYPERLINK("http://evil","x")`: `'=HYPERLINK("http://evil","x")`,
		"+1+1":                          "'+1+1",
		"-2+3":                          "'-2+3",
		"@SUM(A1)":                      "'@SUM(A1)",
		"\tcmd":                         "'\tcmd",
		"\rcmd":                         "'\rcmd",
		"Trek bike = good":              "Trek bike = good",
		"":                              "",
	}
	for in, want := range cases {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTTPURL(t *testing.T) {
	cases := map[string]string{
		"https://www.ebay.com/itm/1": "https://www.ebay.com/itm/1",
		"http://x.example/a?b=c":     "http://x.example/a?b=c",
		"javascript:alert(1)":        "",
		"JavaScript:alert(1)":        "",
		"data:text/html,<b>x</b>":    "",
		"//evil.example/x":           "",
		"/deals/1":                   "",
		"https:///nohost":            "",
		"":                           "",
	}
	for in, want := range cases {
		if got := httpURL(in); got != want {
			t.Errorf("httpURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	cases := map[string]string{
		"/?watch=bikes":        "/?watch=bikes",
		"/alerts":              "/alerts",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"evil":                 "/",
		"":                     "/",
	}
	for in, want := range cases {
		if got := localPath(in, "/"); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// A score's rows add up to its total: a weighted mean, the original formula,
// and a price-led score capped below the sum of its points (the cap is a row).
func TestBreakdownAddsUpToTheTotal(t *testing.T) {
	l := scout.Listing{Title: "oak table", PriceCents: 9000, Currency: "USD", PriceKnown: true, Condition: scout.CondGood,
		PostedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Images: []string{"https://x/1.jpg"}}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	limit := int64(20000)
	limited := scout.ScoreDeal(scout.ScoreInput{Listing: l, Watch: &scout.Watch{MaxPriceCents: &limit}, Terms: scout.ParseQuery("oak table", nil),
		Now: now}, scout.DefaultWeights())
	original := scout.ScoreDeal(scout.ScoreInput{Listing: l, Terms: scout.ParseQuery("oak table", nil), Now: now}, scout.DefaultWeights())
	if limited.Fallback || limited.PriceLed || !original.Fallback {
		t.Fatalf("setup: want a weighted mean and the original formula, got fallback %v, price-led %v; fallback %v",
			limited.Fallback, limited.PriceLed, original.Fallback)
	}
	capped := scout.Score{Total: 55, PriceLed: true, Components: map[string]scout.Component{
		scout.CompMarket: {Points: 62, Reason: "38% under market"},
		scout.CompRisk:   {Points: 8, Reason: "verify: a new seller"},
	}}
	cases := []struct {
		name     string
		s        scout.Score
		wantRows int
	}{
		{"weighted mean", limited, len(limited.Components)},
		{"original formula", original, len(original.Components)},
		{"price-led, capped", capped, 3},
	}
	for _, c := range cases {
		rows := breakdown(c.s)
		var sum float64
		for _, r := range rows {
			sum += r.Points
		}
		if math.Abs(sum-c.s.Total) > 0.11 {
			t.Errorf("%s: breakdown adds up to %.2f, the score is %.1f: %+v", c.name, sum, c.s.Total, rows)
		}
		if len(rows) != c.wantRows {
			t.Errorf("%s: %d rows, want %d: %+v", c.name, len(rows), c.wantRows, rows)
		}
	}
}

func TestNiceRange(t *testing.T) {
	cases := []struct{ lo, hi, wantLo, wantHi int64 }{
		{37500, 66000, 35000, 75000},
		{0, 0, 0, 1000},
		{100, 250, 0, 1000},
	}
	for _, c := range cases {
		lo, hi := niceRange(c.lo, c.hi)
		if lo != c.wantLo || hi != c.wantHi {
			t.Errorf("niceRange(%d, %d) = %d, %d; want %d, %d", c.lo, c.hi, lo, hi, c.wantLo, c.wantHi)
		}
		if lo > c.lo || hi < c.hi {
			t.Errorf("niceRange(%d, %d) = %d, %d does not cover the prices", c.lo, c.hi, lo, hi)
		}
	}
}
