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

// conditionFactors are conditionValues with their reasons, built once so that
// scoring does not build "condition: like new" again for every deal.
var conditionFactors = func() map[Condition]factor {
	m := make(map[Condition]factor, len(conditionValues))
	for c, v := range conditionValues {
		m[c] = factor{v, "condition: " + strings.ReplaceAll(string(c), "_", " ")}
	}
	return m
}()

// ScoreDeal scores a listing for a watch, 0–100, with every component explained.
//
// Weights: w overrides DefaultWeights, and the watch's Settings.Weights
// override both; a missing entry takes the default, so ScoreDeal(in, nil) uses
// the defaults.
//
// With a market value and a market weight above 0, the score is price-led
// (priceled.go, Score.PriceLed): the price against the market in points,
// adjusted by the other components. Otherwise, with a market value (weighing
// nothing, shown for the explanation) or a watch max price, the total is the
// weighted mean of the components that apply — market, limit, free (only
// for free items), condition, recency, distance, photos, keyword — × 100.
// With neither, it is the original Deal Scout formula (see fallbackTotal)
// and Score.Fallback is set.
//
// Risk: outside a price-led score, a title or description that signals a
// different thing ("for parts", "wanted", an accessory, a lot, …) divides
// the total by 1 + the risk weight (by 2 with the default weight 1; a risk
// weight of 0 turns the penalty off). It is a divisor rather than a term of
// the mean so that a clean title does not lift every score. A price-led
// score subtracts points instead.
//
// ScoreDeal is ComputeFactors, then Factors.Apply.
//
// The total is clamped to 0..100 and rounded to one decimal.
func ScoreDeal(in ScoreInput, w Weights) Score {
	ws := resolveWeights(w, in.Watch)
	s, profit, ok := scoreDeal(&in, &ws)
	if ok {
		s.ProfitCents = &profit
	}
	return s
}

// scoreDeal is ScoreDeal with the weights already resolved, which Rescore
// does once per watch. It leaves Score.ProfitCents nil and returns the profit
// estimate instead (ok is false when there is none), so Rescore can keep a
// chunk's profits in one slice rather than allocate each. A re-score runs
// this for 100,000 deals within a 2-second budget, so it builds no maps but
// the score's own, no fmt strings and no string per title word.
func scoreDeal(in *ScoreInput, w *weightSet) (s Score, profit int64, ok bool) {
	var f Factors
	computeFactors(in, w.market > 0, &f)
	s, _ = f.apply(w) // computed for these weights: the mode agrees
	return s, f.Profit, f.HasProfit
}

// titleWords is a listing title split into words (tokens), and the same
// words stemmed for matching the query.
type titleWords struct {
	words, stemmed []string
}

// watchLimit is the watch's max price when it can be compared with the
// listing's price: same currency (no exchange rates offline).
func watchLimit(w *Watch, l Listing) (int64, bool) {
	if w == nil || w.MaxPriceCents == nil || !sameCurrency(w.Currency, l.Currency) {
		return 0, false
	}
	return *w.MaxPriceCents, true
}

// The reasons below are built with append and strconv in a buffer on the
// stack and made a string once: fmt.Sprintf, and the strings built to hand
// it, were a quarter of ScoreDeal's time. A comment gives each reason's
// format as a Sprintf format; TestScoreDealGolden holds them to the bytes
// fmt produced.

// marketValue is 1 at or below half the median, 0.5 at the median and 0 at or
// above 1.5 × the median, linear in between.
func marketValue(l *Listing, m *Market) factor {
	price, known := effectivePrice(*l)
	if !known {
		return factor{unknownValue, reasonNoPrice}
	}
	v := clamp01(1.5 - float64(price)/float64(m.MedianCents))
	var buf [160]byte
	return factor{v, string(appendMarketReason(buf[:0], price, l, m))}
}

// appendMarketReason appends how a known price compares with the market:
// "the %s market median (%d comps[ in any condition], %s confidence)", or
// "the %s market value you gave".
func appendMarketReason(b []byte, price int64, l *Listing, m *Market) []byte {
	cur := currencyOr(l.Currency)
	b = appendAgainst(b, price, m.MedianCents, cur, "below", "above", l.Free)
	b = appendMoney(append(b, "the "...), m.MedianCents, cur)
	if m.Condition == "given" {
		return append(b, " market value you gave"...)
	}
	b = strconv.AppendInt(append(b, " market median ("...), int64(m.Samples), 10)
	if m.Samples == 1 {
		b = append(b, " comp"...)
	} else {
		b = append(b, " comps"...)
	}
	if m.Condition == "all" {
		b = append(b, " in any condition"...)
	}
	b = append(append(b, ", "...), m.Confidence...)
	return append(b, " confidence)"...)
}

// limitValue is 1 − price/limit: the further under the user's own limit, the
// better. A limit of 0 wants only free items.
func limitValue(l *Listing, limit int64) factor {
	price, known := effectivePrice(*l)
	if !known {
		return factor{unknownValue, reasonNoPrice}
	}
	cur := currencyOr(l.Currency)
	var v float64
	switch {
	case limit > 0:
		v = clamp01(1 - float64(price)/float64(limit))
	case price == 0:
		v = 1
	}
	// "your %s limit"
	var buf [128]byte
	b := appendAgainst(buf[:0], price, limit, cur, "under", "over", l.Free)
	b = appendMoney(append(b, "your "...), limit, cur)
	return factor{v, string(append(b, " limit"...))}
}

// factor is a component's value and the reason for it, before weighting.
type factor struct {
	value  float64
	reason string
}

// appendAgainst appends how a price compares with a reference in words, up
// to the words naming the reference, which the caller appends after it:
//
//	"free, against " | "%s against " | "%s is %.0f%% below " | "%s is %.0f%% above " | "%s is at "
func appendAgainst(b []byte, price, ref int64, cur, less, more string, free bool) []byte {
	if free {
		return append(b, "free, against "...)
	}
	b = appendMoney(b, price, cur)
	if ref <= 0 {
		return append(b, " against "...)
	}
	pct := math.Round((1 - float64(price)/float64(ref)) * 100)
	var word string
	switch {
	case pct > 0:
		word = less
	case pct < 0:
		pct, word = -pct, more
	default:
		return append(b, " is at "...)
	}
	b = appendFixed(append(b, " is "...), pct, 0)
	return append(append(append(b, "% "...), word...), ' ')
}

// priceValue is the original formula's price factor: 1 − price/$300.
func priceValue(l *Listing) factor {
	price, known := effectivePrice(*l)
	switch {
	case l.Free:
		return factor{1, reasonFree}
	case !known:
		return factor{unknownValue, reasonNoPrice}
	}
	v := clamp01(1 - float64(price)/fallbackReferenceCents)
	// "%s on the original $0–$300 price scale (no market data or price limit yet)"
	var buf [128]byte
	b := appendMoney(buf[:0], price, currencyOr(l.Currency))
	return factor{v, string(append(b, " on the original $0–$300 price scale (no market data or price limit yet)"...))}
}

func conditionValue(l *Listing) factor {
	c := vocabCondition(l.Condition)
	if c == CondUnknown || c == "" {
		return factor{unknownValue, reasonNoCondition}
	}
	if f, ok := conditionFactors[c]; ok {
		return f
	}
	return factor{conditionValues[c], "condition: " + strings.ReplaceAll(string(c), "_", " ")}
}

func recencyValue(l *Listing, now time.Time) factor {
	if l.PostedAt.IsZero() {
		return factor{unknownValue, reasonNoPostingTime}
	}
	age := now.Sub(l.PostedAt)
	v := clamp01(1 - age.Hours()/recencyHorizon.Hours())
	var buf [48]byte
	switch {
	case age < time.Hour:
		return factor{v, reasonJustPosted}
	case age < 48*time.Hour:
		// "posted %d hours ago"
		b := strconv.AppendInt(append(buf[:0], "posted "...), int64(int(age.Hours())), 10)
		return factor{v, string(append(b, " hours ago"...))}
	}
	// "posted %d days ago"
	b := strconv.AppendInt(append(buf[:0], "posted "...), int64(int(age.Hours()/24)), 10)
	return factor{v, string(append(b, " days ago"...))}
}

// distanceValue is 1 − miles/horizon: the watch's radius, or 50 miles.
func distanceValue(d *float64, horizon float64) factor {
	if d == nil {
		return factor{unknownValue, reasonNoDistance}
	}
	// "%.1f mi away (scored against %s mi)"
	var buf [80]byte
	b := appendFixed(buf[:0], *d, 1)
	b = appendTrimFloat(append(b, " mi away (scored against "...), horizon)
	return factor{clamp01(1 - *d/horizon), string(append(b, " mi)"...))}
}

func photosValue(l *Listing) factor {
	n := 0
	for _, u := range l.Images {
		if strings.TrimSpace(u) != "" {
			n++
		}
	}
	switch n {
	case 0:
		return factor{unknownValue, reasonNoPhotos}
	case 1:
		return factor{1, reasonOnePhoto}
	}
	// "%d photos"
	var buf [32]byte
	return factor{1, string(append(strconv.AppendInt(buf[:0], int64(n), 10), " photos"...))}
}

func keywordValue(t Terms, title titleWords) factor {
	v, n := relevanceOf(t, title.stemmed)
	switch {
	case n == 0 && v == 1:
		return factor{v, reasonNoTerms}
	case v == 1:
		return factor{v, reasonAllTerms}
	case v == 0:
		return factor{v, reasonNoTermMatched}
	}
	// "title matches %.0f%% of the search terms"
	var buf [64]byte
	b := appendFixed(append(buf[:0], "title matches "...), v*100, 0)
	return factor{v, string(append(b, "% of the search terms"...))}
}

// appendTrimFloat renders 2 as "2" and 1.5 as "1.5".
func appendTrimFloat(b []byte, f float64) []byte { return strconv.AppendFloat(b, f, 'f', -1, 64) }

// appendFixed appends f with prec decimals, byte for byte as fmt's %.{prec}f
// (which formats with strconv too, "+Inf" and "NaN" included).
func appendFixed(b []byte, f float64, prec int) []byte {
	return strconv.AppendFloat(b, f, 'f', prec, 64)
}

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

// weightSet is Weights resolved for scoring: a value for every component.
// Scoring used to merge the defaults, the given weights and the watch's into
// a fresh map for every deal, a sixth of ScoreDeal's time.
type weightSet struct {
	price, market, limit, free, condition, recency, distance, photos, keyword, risk float64
}

// defaultWeightSet is DefaultWeights resolved.
var defaultWeightSet = func() weightSet {
	var ws weightSet
	ws.override(DefaultWeights())
	return ws
}()

// resolveWeights is DefaultWeights().Merge(w), then .Merge of the watch's
// Settings.Weights when there is a watch, as a weightSet.
func resolveWeights(w Weights, watch *Watch) weightSet {
	ws := defaultWeightSet
	ws.override(w)
	if watch != nil {
		ws.override(watch.Settings.Weights)
	}
	return ws
}

// override sets the components m names, as Merge would; other names are
// ignored, as scoring never looked them up.
func (ws *weightSet) override(m map[string]float64) {
	for name, v := range m {
		switch name {
		case CompPrice:
			ws.price = v
		case CompMarket:
			ws.market = v
		case CompLimit:
			ws.limit = v
		case CompFree:
			ws.free = v
		case CompCondition:
			ws.condition = v
		case CompRecency:
			ws.recency = v
		case CompDistance:
			ws.distance = v
		case CompPhotos:
			ws.photos = v
		case CompKeyword:
			ws.keyword = v
		case CompRisk:
			ws.risk = v
		}
	}
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
