package ui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// priceChart is a price history drawn as an inline SVG by the server: a step
// line (a price holds until it changes) with a dot per seen price, the
// market's middle half shaded and its median dashed, labelled axes, and the
// current price marked. The template draws it; everything here is numbers.
type priceChart struct {
	Width, Height          float64
	Left, Right, Top, Base float64 // the plot area
	Path                   string  // the step line
	Dots                   []chartDot
	Current                chartDot
	YTicks                 []chartTick
	XTicks                 []chartTick
	HasBand                bool
	BandTop, BandHeight    float64
	HasMedian              bool
	MedianY                float64
	MedianLabel            string
	Title                  string
	Desc                   string
}

type chartDot struct {
	X, Y  float64
	Label string
}

type chartTick struct {
	Pos    float64 // x or y
	Label  string
	Anchor string // text-anchor of an x tick
}

// newPriceChart lays out the chart; nil when there is nothing to draw.
func newPriceChart(hist []store.PricePoint, d scout.Deal, now time.Time, loc *time.Location) *priceChart {
	cur := d.Listing.Currency
	if len(hist) == 0 {
		if !d.Listing.PriceKnown {
			return nil
		}
		start := d.FirstSeen
		if start.IsZero() {
			start = now
		}
		hist = []store.PricePoint{{PriceCents: d.Listing.PriceCents, Currency: cur, SeenAt: start}}
	}
	c := &priceChart{Width: 640, Height: 270, Left: 96, Right: 620, Top: 24, Base: 220}
	m := d.Score.Market
	lo, hi := hist[0].PriceCents, hist[0].PriceCents
	for _, p := range hist {
		lo, hi = min(lo, p.PriceCents), max(hi, p.PriceCents)
	}
	if m.Known() {
		lo, hi = min(lo, m.MedianCents), max(hi, m.MedianCents)
		if m.P25Cents > 0 && m.P75Cents > 0 {
			lo, hi = min(lo, m.P25Cents), max(hi, m.P75Cents)
		}
	}
	lo, hi = niceRange(lo, hi)
	y := func(cents int64) float64 {
		return round1(c.Base - (float64(cents-lo)/float64(hi-lo))*(c.Base-c.Top))
	}
	t0, t1 := hist[0].SeenAt, now
	if !t1.After(t0) {
		t1 = t0.Add(time.Hour)
	}
	x := func(t time.Time) float64 {
		f := float64(t.Sub(t0)) / float64(t1.Sub(t0))
		return round1(c.Left + math.Max(0, math.Min(1, f))*(c.Right-c.Left))
	}
	var path strings.Builder
	for i, p := range hist {
		px, py := x(p.SeenAt), y(p.PriceCents)
		if i == 0 {
			path.WriteString("M" + num(px) + " " + num(py))
		} else {
			path.WriteString(" H" + num(px) + " V" + num(py))
		}
		c.Dots = append(c.Dots, chartDot{X: px, Y: py, Label: money(p.PriceCents, cur) + " on " + p.SeenAt.In(loc).Format("2 Jan 15:04")})
	}
	last := hist[len(hist)-1]
	path.WriteString(" H" + num(c.Right))
	c.Path = path.String()
	c.Current = chartDot{X: c.Right, Y: y(last.PriceCents), Label: "now " + money(last.PriceCents, cur)}
	if m.Known() {
		c.HasMedian, c.MedianY, c.MedianLabel = true, y(m.MedianCents), "market "+money(m.MedianCents, cur)
		if m.P25Cents > 0 && m.P75Cents > m.P25Cents {
			c.HasBand, c.BandTop = true, y(m.P75Cents)
			c.BandHeight = round1(y(m.P25Cents) - c.BandTop)
		}
	}
	for _, v := range []int64{lo, (lo + hi) / 2, hi} {
		c.YTicks = append(c.YTicks, chartTick{Pos: y(v), Label: strings.TrimSuffix(money(v, cur), ".00")})
	}
	c.XTicks = []chartTick{{Pos: c.Left, Label: t0.In(loc).Format("2 Jan"), Anchor: "start"},
		{Pos: c.Right, Label: "now " + money(last.PriceCents, cur), Anchor: "end"}}
	c.Title = "Price history of " + d.Listing.Title
	first := hist[0]
	c.Desc = "First seen at " + money(first.PriceCents, cur) + " on " + first.SeenAt.In(loc).Format("2 Jan 2006") +
		", " + strconv.Itoa(len(hist)) + " price(s) recorded, now " + money(last.PriceCents, cur) + "."
	if m.Known() {
		c.Desc += " Market value " + money(m.MedianCents, cur) + "."
	}
	return c
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// niceRange widens lo..hi (cents) to round amounts with a little room, so
// the axis reads $300, $400, $500 rather than $346.50, $517.50, $688.50: the
// half-way tick is a round amount too.
func niceRange(lo, hi int64) (int64, int64) {
	span := max(hi-lo, hi/5, 1000)
	step := int64(100) // $1
	for _, s := range []int64{500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000} {
		if span/2 <= step*4 {
			break
		}
		step = s
	}
	// Two half-steps on either side: the middle tick lands on a step.
	lo = max(0, (lo-step/2)/step*step)
	hi = (hi + step/2 + step - 1) / step * step
	if (hi-lo)/step%2 == 1 {
		hi += step
	}
	return lo, hi
}
