package scout

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Comp is one comparable listing: something seen for the same watch whose
// price says what the thing is worth.
type Comp struct {
	Key        string // the comp's Listing.Key(), so a listing can be left out of its own comps
	PriceCents int64
	Currency   string
	Condition  Condition
	Title      string
	// Category and Description, when the source gives them: comps are taken
	// from the same category, and a description saying "broken" keeps a comp
	// out as surely as the title would.
	Category    string
	Description string
	SeenAt      time.Time  // last seen at its source
	PostedAt    time.Time  // zero when the source did not say
	GoneAt      *time.Time // when the source stopped offering it; nil while it is listed
}

// CompsOptions tune ComputeMarket. Zero fields take the defaults.
type CompsOptions struct {
	Window     time.Duration // how far back comps count; default 30 days
	MinSamples int           // fewest comps that make a market value; default 5
	Currency   string        // the target listing's currency; default USD
	Now        time.Time     // the clock; zero disables the window
}

// Market estimation constants.
const (
	DefaultCompsWindow = 30 * 24 * time.Hour
	DefaultMinSamples  = 5
	// SoldWithin: a comp that disappeared this soon after it appeared most
	// likely sold, so its price is evidence of what buyers pay, not just ask.
	SoldWithin = 72 * time.Hour
	soldWeight = 2.0
	// Tukey's fences: comps priced more than 1.5 IQR outside the quartiles are
	// dropped as a different thing or a typo. The fence is at least 10% of
	// the median wide, so a tight cluster does not throw out honest prices.
	fenceIQRs    = 1.5
	minFenceFrac = 0.10
)

// Confidence levels of a market value.
const (
	ConfidenceNone   = "none"
	ConfidenceLow    = "low"
	ConfidenceMedium = "medium"
	ConfidenceHigh   = "high"
)

// Known reports whether the market has a value to compare prices against.
func (m Market) Known() bool {
	return m.MedianCents > 0 && m.Confidence != "" && m.Confidence != ConfidenceNone
}

// ComputeMarket estimates what a target listing in the given condition is
// worth from comparable listings.
//
// Comps count when they are in the currency, were seen (or posted) within the
// window, have a price, and neither title nor description says they are not
// one working item at a real price (ReadSignals: junk, wanted posts, lots,
// placeholder prices, scam terms). Likely-sold comps (gone within SoldWithin of appearing)
// weigh 2, others 1. Outliers beyond Tukey's fences on the weighted quartiles
// are dropped, and the market value is the weighted median of the rest.
//
// Comps are first taken from the target's condition bucket (new/like_new;
// excellent/great/good; fair/poor); with fewer than MinSamples left after
// trimming, from every condition (Condition "all"); with fewer still there is
// no market value (Confidence "none", Samples = usable comps).
//
// Confidence: high with at least 15 samples and IQR ≤ 50% of the median;
// medium with at least 8 samples and IQR ≤ 100% of the median; otherwise low.
// The result does not depend on the order of comps.
func ComputeMarket(target Condition, comps []Comp, o CompsOptions) Market {
	o = o.withDefaults()
	usable := usableComps(comps, o)
	days := int(math.Round(o.Window.Hours() / 24))
	if b, ok := bucketOf(vocabCondition(target)); ok {
		var inBucket []pricePoint
		for _, p := range usable {
			if b.has(p.cond) {
				inBucket = append(inBucket, p)
			}
		}
		if m, ok := estimate(inBucket, o.MinSamples); ok {
			m.WindowDays, m.Condition = days, b.name
			return m
		}
	}
	if m, ok := estimate(usable, o.MinSamples); ok {
		m.WindowDays, m.Condition = days, "all"
		return m
	}
	return Market{Samples: len(usable), Confidence: ConfidenceNone, WindowDays: days, Condition: "all"}
}

func (o CompsOptions) withDefaults() CompsOptions {
	if o.Window <= 0 {
		o.Window = DefaultCompsWindow
	}
	if o.MinSamples <= 0 {
		o.MinSamples = DefaultMinSamples
	}
	o.Currency = currencyOr(o.Currency)
	return o
}

// pricePoint is a usable comp reduced to what the statistics need.
type pricePoint struct {
	cents  int64
	weight float64
	cond   Condition
}

func usableComps(comps []Comp, o CompsOptions) []pricePoint {
	out := make([]pricePoint, 0, len(comps))
	for _, c := range comps {
		if c.PriceCents <= 0 || currencyOr(c.Currency) != o.Currency {
			continue
		}
		if !o.Now.IsZero() && !inWindow(c, o.Now, o.Window) {
			continue
		}
		if !compComparable(c) {
			continue
		}
		w := 1.0
		if likelySold(c) {
			w = soldWeight
		}
		out = append(out, pricePoint{cents: c.PriceCents, weight: w, cond: vocabCondition(c.Condition)})
	}
	return out
}

// inWindow uses the latest thing known about a comp; a comp only known from
// after now is left out so rescoring at a past clock does not see the future.
func inWindow(c Comp, now time.Time, window time.Duration) bool {
	last := c.SeenAt
	if c.PostedAt.After(last) {
		last = c.PostedAt
	}
	if last.IsZero() {
		return false
	}
	first := c.PostedAt
	if first.IsZero() || (!c.SeenAt.IsZero() && c.SeenAt.Before(first)) {
		first = c.SeenAt
	}
	return !last.Before(now.Add(-window)) && !first.After(now)
}

func likelySold(c Comp) bool {
	if c.GoneAt == nil {
		return false
	}
	start := c.PostedAt
	if start.IsZero() {
		start = c.SeenAt
	}
	return !start.IsZero() && c.GoneAt.Sub(start) <= SoldWithin
}

// conditionBucket groups conditions that sell for similar prices.
type conditionBucket struct {
	name    string
	members []Condition
}

func (b conditionBucket) has(c Condition) bool { return slices.Contains(b.members, c) }

var conditionBuckets = []conditionBucket{
	{"new/like_new", []Condition{CondNew, CondLikeNew}},
	{"excellent/great/good", []Condition{CondExcellent, CondGreat, CondGood}},
	{"fair/poor", []Condition{CondFair, CondPoor}},
}

// bucketOf returns the target's bucket; unknown has none and uses every comp.
func bucketOf(c Condition) (conditionBucket, bool) {
	for _, b := range conditionBuckets {
		if b.has(c) {
			return b, true
		}
	}
	return conditionBucket{}, false
}

// estimate trims outliers and summarises what is left; ok is false when fewer
// than minSamples remain.
func estimate(points []pricePoint, minSamples int) (Market, bool) {
	if len(points) < minSamples {
		return Market{}, false
	}
	pts := slices.Clone(points)
	slices.SortFunc(pts, func(a, b pricePoint) int {
		return cmp.Or(cmp.Compare(a.cents, b.cents), cmp.Compare(a.weight, b.weight))
	})
	p25, med, p75 := weightedQuantile(pts, .25), weightedQuantile(pts, .5), weightedQuantile(pts, .75)
	fence := math.Max(fenceIQRs*(p75-p25), minFenceFrac*med)
	kept := pts[:0:0]
	for _, p := range pts {
		if c := float64(p.cents); c >= p25-fence && c <= p75+fence {
			kept = append(kept, p)
		}
	}
	if len(kept) < minSamples {
		return Market{}, false
	}
	p25, med, p75 = weightedQuantile(kept, .25), weightedQuantile(kept, .5), weightedQuantile(kept, .75)
	m := Market{
		MedianCents: roundCents(med),
		Samples:     len(kept),
		P25Cents:    roundCents(p25),
		P75Cents:    roundCents(p75),
	}
	m.IQRCents = m.P75Cents - m.P25Cents
	m.Confidence = confidence(m)
	return m, true
}

func confidence(m Market) string {
	spread := float64(m.IQRCents) / float64(m.MedianCents)
	switch {
	case m.Samples >= 15 && spread <= 0.5:
		return ConfidenceHigh
	case m.Samples >= 8 && spread <= 1.0:
		return ConfidenceMedium
	}
	return ConfidenceLow
}

// weightedQuantile interpolates the q-quantile of prices sorted ascending. Each
// point sits at the middle of its share of the total weight, so with equal
// weights the median of an even count is the mean of the two middle prices,
// as people expect, and a weight of 2 counts as the same price seen twice.
func weightedQuantile(pts []pricePoint, q float64) float64 {
	total := 0.0
	for _, p := range pts {
		total += p.weight
	}
	cum := 0.0
	prevPos, prevVal := 0.0, 0.0
	for i, p := range pts {
		pos := (cum + p.weight/2) / total
		val := float64(p.cents)
		if q <= pos {
			if i == 0 {
				return val
			}
			return prevVal + (val-prevVal)*(q-prevPos)/(pos-prevPos)
		}
		cum += p.weight
		prevPos, prevVal = pos, val
	}
	return prevVal
}

func roundCents(v float64) int64 { return int64(math.Round(v)) }

// MismatchSignal reports whether a title says it is not the working item
// itself — parts, an empty box, a request to buy — and which phrase said so.
// Words match whole ("ISO" but not "isometric"), in any case.
func MismatchSignal(title string) (string, bool) {
	return mismatchIn(tokens(title))
}

// mismatchIn is MismatchSignal for a title already split into words.
func mismatchIn(words []string) (string, bool) {
	for _, s := range mismatchSignals {
		if containsSeq(words, s.words) {
			return s.phrase, true
		}
	}
	return "", false
}

// mismatchSignals are kept as words so they match on word boundaries.
var mismatchSignals = []struct {
	phrase string
	words  []string
}{
	{"for parts", []string{"for", "parts"}},
	{"parts only", []string{"parts", "only"}},
	{"broken", []string{"broken"}},
	{"not working", []string{"not", "working"}},
	{"box only", []string{"box", "only"}},
	{"empty box", []string{"empty", "box"}},
	{"read description", []string{"read", "description"}},
	{"wanted", []string{"wanted"}},
	{"WTB", []string{"wtb"}},
	{"ISO", []string{"iso"}},
	{"looking for", []string{"looking", "for"}},
}

// compComparable reports whether a comp's price says what one working item
// is worth.
func compComparable(c Comp) bool {
	return ReadSignals(c.listing()).Comparable()
}

// listing is the comp as a listing, for ReadSignals.
func (c Comp) listing() Listing {
	return Listing{Title: c.Title, Description: c.Description, PriceCents: c.PriceCents, PriceKnown: true,
		Currency: c.Currency, Condition: c.Condition, Category: c.Category}
}

// CompOf is a listing as a comp seen at seen, as a poll prices a fetch
// against the listings it just brought.
func CompOf(l Listing, seen time.Time) Comp {
	return Comp{Key: l.Key(), PriceCents: l.PriceCents, Currency: l.Currency, Condition: l.Condition, Title: l.Title,
		Category: l.Category, Description: l.Description, SeenAt: seen, PostedAt: l.PostedAt}
}
