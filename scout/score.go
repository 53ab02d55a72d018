package scout

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ScoreInput is everything a deal's score depends on. The clock is part of it,
// so the same input always gives the same score.
type ScoreInput struct {
	Listing    Listing
	Watch      *Watch // nil when scoring an item on its own: no limit, default settings
	Terms      Terms
	DistanceMi *float64 // nil when either side has no location
	Market     Market
	Now        time.Time
}

// Scoring constants. The fallback ones are the original Deal Scout's.
const (
	fallbackReferenceCents = 30000 // the original's $300 price scale
	recencyHorizon         = 72 * time.Hour
	distanceHorizonMi      = 50.0
	unknownValue           = 0.5 // a fact the listing does not give is neither good nor bad
)

// conditionValues are the original Deal Scout's, with like_new and new (which
// it did not have) as good as excellent, and unknown neutral.
var conditionValues = map[Condition]float64{
	CondNew: 1, CondLikeNew: 1, CondExcellent: 1, CondGreat: .8, CondGood: .6, CondFair: .3, CondPoor: .1, CondUnknown: unknownValue,
}

// confidenceWeight scales the market weight: a median from a handful of
// scattered comps should move the score less than one from many tight ones.
var confidenceWeight = map[string]float64{ConfidenceHigh: 1, ConfidenceMedium: .75, ConfidenceLow: .5}

// ScoreDeal scores a listing for a watch, 0–100, with every component explained.
//
// Weights: w overrides DefaultWeights, and the watch's Settings.Weights
// override both; a missing entry takes the default, so ScoreDeal(in, nil) uses
// the defaults.
//
// With a market value or a watch max price, the total is the weighted mean of
// the components that apply — market (weight × confidence: 1 high, .75
// medium, .5 low), limit, free (only for free items), condition, recency,
// distance, photos, keyword — × 100. With neither, it is the original Deal
// Scout formula (see fallbackScore) and Score.Fallback is set.
//
// Risk: when the title signals a different thing ("for parts", "wanted", …)
// the total is divided by 1 + the risk weight (by 2 with the default weight 1;
// a risk weight of 0 turns the penalty off). It is a divisor rather than a
// term of the mean so that a clean title does not lift every score.
//
// The total is clamped to 0..100 and rounded to one decimal.
func ScoreDeal(in ScoreInput, w Weights) Score {
	w = DefaultWeights().Merge(w)
	settings := DefaultSettings()
	if in.Watch != nil {
		w = w.Merge(in.Watch.Settings.Weights)
		settings = in.Watch.Settings
	}
	s := Score{Components: make(map[string]Component, len(ComponentNames)), Market: in.Market}
	limit, hasLimit := watchLimit(in.Watch, in.Listing)
	var total float64
	if !in.Market.Known() && !hasLimit {
		total = fallbackScore(in, w, s.Components)
		s.Fallback = true
	} else {
		total = weightedScore(in, w, limit, hasLimit, s.Components)
	}
	total = applyRisk(in.Listing, w[CompRisk], total, s.Components)
	s.Total = math.Round(math.Max(0, math.Min(100, total))*10) / 10
	s.ProfitCents = EstimateProfit(in.Listing, settings, in.Market, in.DistanceMi)
	return s
}

// fallbackScore is the original Deal Scout formula:
//
//	(3·price + 2·condition + 2·recency + 1·distance + 1·photos + 0.1·keyword) / 9 × 100, capped at 100
//
// with price = 1 − price/$300 (free = 1), distance = 1 − miles/50, recency =
// 1 − hours/72. It divides by 9, not 9.1: keyword relevance is a small bonus
// on top. With other weights it divides by the sum of the weights other than
// keyword, which is 9 for the defaults (or by all of them if that is 0).
func fallbackScore(in ScoreInput, w Weights, comps map[string]Component) float64 {
	l := in.Listing
	sum := 0.0
	for _, f := range []struct {
		name string
		factor
	}{
		{CompPrice, priceValue(l)},
		{CompCondition, conditionValue(l)},
		{CompRecency, recencyValue(l, in.Now)},
		{CompDistance, distanceValue(in.DistanceMi, distanceHorizonMi)},
		{CompPhotos, photosValue(l)},
		{CompKeyword, keywordValue(in.Terms, l)},
	} {
		comps[f.name] = Component{Value: f.value, Weight: w[f.name], Reason: f.reason}
		sum += f.value * w[f.name]
	}
	den := w[CompPrice] + w[CompCondition] + w[CompRecency] + w[CompDistance] + w[CompPhotos]
	if den <= 0 {
		den = w[CompKeyword]
	}
	if den <= 0 {
		return 0
	}
	return sum / den * 100
}

// weightedScore is the weighted mean of the components that apply × 100.
func weightedScore(in ScoreInput, w Weights, limit int64, hasLimit bool, comps map[string]Component) float64 {
	l := in.Listing
	var sum, den float64
	add := func(name string, weight float64, f factor) {
		comps[name] = Component{Value: f.value, Weight: weight, Reason: f.reason}
		sum += f.value * weight
		den += weight
	}
	if in.Market.Known() {
		add(CompMarket, w[CompMarket]*confidenceWeight[in.Market.Confidence], marketValue(l, in.Market))
	}
	if hasLimit {
		add(CompLimit, w[CompLimit], limitValue(l, limit))
	}
	if l.Free {
		add(CompFree, w[CompFree], factor{1, "the item is free"})
	}
	horizon := distanceHorizonMi
	if in.Watch != nil && in.Watch.RadiusMi > 0 {
		horizon = in.Watch.RadiusMi
	}
	add(CompCondition, w[CompCondition], conditionValue(l))
	add(CompRecency, w[CompRecency], recencyValue(l, in.Now))
	add(CompDistance, w[CompDistance], distanceValue(in.DistanceMi, horizon))
	add(CompPhotos, w[CompPhotos], photosValue(l))
	add(CompKeyword, w[CompKeyword], keywordValue(in.Terms, l))
	if den <= 0 {
		return 0
	}
	return sum / den * 100
}

// applyRisk records the risk component and divides the total when the title
// signals a different thing.
func applyRisk(l Listing, weight, total float64, comps map[string]Component) float64 {
	phrase, bad := MismatchSignal(l.Title)
	if !bad {
		comps[CompRisk] = Component{Value: 1, Weight: weight, Reason: "no warning signs in the title"}
		return total
	}
	comps[CompRisk] = Component{Value: 0, Weight: weight, Reason: fmt.Sprintf(
		"title says %q: probably not the working item itself; score divided by %s", phrase, trimFloat(1+weight))}
	return total / (1 + weight)
}

// watchLimit is the watch's max price when it can be compared with the
// listing's price: same currency (no exchange rates offline).
func watchLimit(w *Watch, l Listing) (int64, bool) {
	if w == nil || w.MaxPriceCents == nil || !sameCurrency(w.Currency, l.Currency) {
		return 0, false
	}
	return *w.MaxPriceCents, true
}

// marketValue is 1 at or below half the median, 0.5 at the median and 0 at or
// above 1.5 × the median, linear in between.
func marketValue(l Listing, m Market) factor {
	price, known := effectivePrice(l)
	if !known {
		return factor{unknownValue, "no price given"}
	}
	cur := currencyOr(l.Currency)
	v := clamp01(1.5 - float64(price)/float64(m.MedianCents))
	comps := fmt.Sprintf("%d comps", m.Samples)
	if m.Condition == "all" {
		comps += " in any condition"
	}
	tail := fmt.Sprintf("the %s market median (%s, %s confidence)", money(m.MedianCents, cur), comps, m.Confidence)
	return factor{v, describeAgainst(price, m.MedianCents, cur, "below", "above", tail, l.Free)}
}

// limitValue is 1 − price/limit: the further under the user's own limit, the
// better. A limit of 0 wants only free items.
func limitValue(l Listing, limit int64) factor {
	price, known := effectivePrice(l)
	if !known {
		return factor{unknownValue, "no price given"}
	}
	cur := currencyOr(l.Currency)
	var v float64
	switch {
	case limit > 0:
		v = clamp01(1 - float64(price)/float64(limit))
	case price == 0:
		v = 1
	}
	return factor{v, describeAgainst(price, limit, cur, "under", "over", "your "+money(limit, cur)+" limit", l.Free)}
}

// factor is a component's value and the reason for it, before weighting.
type factor struct {
	value  float64
	reason string
}

// describeAgainst says how a price compares with a reference in words.
func describeAgainst(price, ref int64, cur, less, more, refText string, free bool) string {
	what := money(price, cur)
	if free {
		return "free, against " + refText
	}
	if ref <= 0 {
		return fmt.Sprintf("%s against %s", what, refText)
	}
	pct := math.Round((1 - float64(price)/float64(ref)) * 100)
	switch {
	case pct > 0:
		return fmt.Sprintf("%s is %.0f%% %s %s", what, pct, less, refText)
	case pct < 0:
		return fmt.Sprintf("%s is %.0f%% %s %s", what, -pct, more, refText)
	}
	return fmt.Sprintf("%s is at %s", what, refText)
}

// priceValue is the original formula's price factor: 1 − price/$300.
func priceValue(l Listing) factor {
	price, known := effectivePrice(l)
	switch {
	case l.Free:
		return factor{1, "the item is free"}
	case !known:
		return factor{unknownValue, "no price given"}
	}
	v := clamp01(1 - float64(price)/fallbackReferenceCents)
	return factor{v, fmt.Sprintf("%s on the original $0–$300 price scale (no market data or price limit yet)", money(price, currencyOr(l.Currency)))}
}

func conditionValue(l Listing) factor {
	c := vocabCondition(l.Condition)
	if c == CondUnknown || c == "" {
		return factor{unknownValue, "condition not stated"}
	}
	return factor{conditionValues[c], "condition: " + strings.ReplaceAll(string(c), "_", " ")}
}

func recencyValue(l Listing, now time.Time) factor {
	if l.PostedAt.IsZero() {
		return factor{unknownValue, "posting time unknown"}
	}
	age := now.Sub(l.PostedAt)
	v := clamp01(1 - age.Hours()/recencyHorizon.Hours())
	switch {
	case age < time.Hour:
		return factor{v, "posted less than an hour ago"}
	case age < 48*time.Hour:
		return factor{v, fmt.Sprintf("posted %d hours ago", int(age.Hours()))}
	}
	return factor{v, fmt.Sprintf("posted %d days ago", int(age.Hours()/24))}
}

// distanceValue is 1 − miles/horizon: the watch's radius, or 50 miles.
func distanceValue(d *float64, horizon float64) factor {
	if d == nil {
		return factor{unknownValue, "distance unknown (no location on the listing or the watch)"}
	}
	return factor{clamp01(1 - *d/horizon), fmt.Sprintf("%.1f mi away (scored against %s mi)", *d, trimFloat(horizon))}
}

func photosValue(l Listing) factor {
	n := 0
	for _, u := range l.Images {
		if strings.TrimSpace(u) != "" {
			n++
		}
	}
	switch n {
	case 0:
		return factor{unknownValue, "no photos"}
	case 1:
		return factor{1, "1 photo"}
	}
	return factor{1, fmt.Sprintf("%d photos", n)}
}

func keywordValue(t Terms, l Listing) factor {
	v, n := relevance(t, l.Title)
	switch {
	case n == 0 && v == 1:
		return factor{v, "no search terms to match"}
	case v == 1:
		return factor{v, "title contains every search term"}
	case v == 0:
		return factor{v, "title contains none of the search terms"}
	}
	return factor{v, fmt.Sprintf("title matches %.0f%% of the search terms", v*100)}
}

// trimFloat renders 2 as "2" and 1.5 as "1.5".
func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Weights are score component weights by component name (ComponentNames).
type Weights map[string]float64

// maxWeight bounds a weight, as watch settings validation does.
const maxWeight = 100

// DefaultWeights are the weights scores use unless configured. price,
// condition, recency, distance, photos and keyword are the original Deal
// Scout's, so the fallback formula comes out exactly; market, limit and free
// weigh as much as price did, limit a little less because a user's limit is
// a wish rather than evidence; risk 1 halves the score of a suspicious title.
func DefaultWeights() Weights {
	return Weights{
		CompPrice: 3, CompMarket: 3, CompLimit: 2, CompFree: 3, CompCondition: 2,
		CompRecency: 2, CompDistance: 1, CompPhotos: 1, CompKeyword: 0.1, CompRisk: 1,
	}
}

// ParseWeights reads "market=3,condition=2" (spaces allowed) into the weights
// it names, for merging over the defaults. An empty string is no overrides.
func ParseWeights(s string) (Weights, error) {
	w := Weights{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, num, ok := strings.Cut(item, "=")
		name, num = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(num)
		if !ok {
			return nil, fmt.Errorf("score weight %q must be NAME=NUMBER, e.g. market=3", item)
		}
		if !IsComponent(name) {
			return nil, fmt.Errorf("unknown score component %q; use one of %s", name, strings.Join(ComponentNames, ", "))
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("score weight %s=%q is not a number", name, num)
		}
		if v < 0 || v > maxWeight {
			return nil, fmt.Errorf("score weight %s=%s must be between 0 and %d", name, num, maxWeight)
		}
		if _, dup := w[name]; dup {
			return nil, fmt.Errorf("score weight %s is given twice", name)
		}
		w[name] = v
	}
	return w, nil
}

// Merge returns a new Weights with override's entries replacing w's. Neither
// map is modified, so callers can share the defaults.
func (w Weights) Merge(override map[string]float64) Weights {
	out := make(Weights, len(w)+len(override))
	for k, v := range w {
		out[k] = v
	}
	for k, v := range override {
		out[k] = v
	}
	return out
}
