package scout

import (
	"math"
	"strconv"
	"strings"
)

// Factors are everything a deal's score depends on except the weights: each
// component's value and reason (and, in a price-led score, its points before
// weighting), the market, the warning signs and the profit estimate. Scoring
// is ComputeFactors, then Apply. Applying other weights to the same factors
// gives exactly the score that scoring the listing again with those weights
// would, at the clock and with the market the factors were computed with; so
// a re-score after a weight change need not read the listing or search comps
// again.
type Factors struct {
	Mode   Mode
	Market Market
	// parts are the components before weighting, in the order the total
	// adds them: the order matters to the floating-point sums.
	parts [maxParts]Part
	n     int
	Risk  Risk
	// Profit is the profit estimate, when HasProfit.
	Profit    int64
	HasProfit bool
}

// Mode is which formula a score uses.
type Mode uint8

const (
	// ModeFallback is the original Deal Scout formula: no market, no limit.
	ModeFallback Mode = iota
	// ModeWeighted is the weighted mean of the components: a limit and no
	// market, or a market with a market weight of 0.
	ModeWeighted
	// ModePriceLed is the price against the market in points, adjusted by
	// the other components (priceled.go).
	ModePriceLed
)

// maxParts is the most components a score has besides risk: market, limit,
// free and the five that every score has.
const maxParts = 8

// Part is one component before weighting.
type Part struct {
	Name   string
	Value  float64
	Reason string
	// Points, in a price-led score, is what the component adds at its
	// default weight: the market's points, which no weight scales, or an
	// adjustment, which Apply scales by the weight over its default.
	Points float64
}

// Parts are the components before weighting, in the order they are added.
func (f *Factors) Parts() []Part { return f.parts[:f.n] }

func (f *Factors) add(name string, fa factor, points float64) {
	f.parts[f.n] = Part{Name: name, Value: fa.value, Reason: fa.reason, Points: points}
	f.n++
}

// Risk is what the title and description say about the listing, before
// the risk weight applies.
type Risk struct {
	Kind RiskKind
	// Flagged: a warning sign marks the score down (RiskTitle and
	// RiskSignals; a price-led score has Penalty instead).
	Flagged bool
	// Why is the warning sign: the phrase for RiskTitle, signalPenalty's
	// words otherwise ("" when there is none).
	Why string
	// Penalty is the price-led penalty in points at the default risk weight.
	Penalty float64
	// Verify is why the listing needs checking: the scam phrase for
	// RiskSignals, verifyReason's words for RiskPoints; "" when nothing.
	Verify string
	// Limit is the most a listing to verify may score for the watch.
	Limit float64
}

// RiskKind is how the warning signs change a score.
type RiskKind uint8

const (
	// RiskTitle: the original formula's title check divides the score by
	// 1 + the risk weight.
	RiskTitle RiskKind = iota
	// RiskSignals: junk, a non-offer, an accessory, a lot or a placeholder
	// divides the score by 1 + the risk weight; a scam phrase caps it.
	RiskSignals
	// RiskPoints: a price-led score subtracts a penalty in points, scaled
	// by the risk weight, and caps a listing to verify.
	RiskPoints
)

// ComputeFactors computes the factors of a listing's score. The weights
// (resolved as ScoreDeal resolves them) only choose the mode: a market
// weight of 0 turns the price-led score off.
func ComputeFactors(in ScoreInput, w Weights) Factors {
	ws := resolveWeights(w, in.Watch)
	var f Factors
	computeFactors(&in, ws.market > 0, &f)
	return f
}

// Apply scores the factors with the weights, resolved over the defaults and
// the watch's own as ScoreDeal resolves them (watch may be nil). ok is false
// when the weights call for the other mode than the factors were computed
// for, that is when a market weight of 0 became positive or the other way
// round: then only scoring the listing again will do.
func (f *Factors) Apply(w Weights, watch *Watch) (Score, bool) {
	ws := resolveWeights(w, watch)
	s, ok := f.apply(&ws)
	if ok && f.HasProfit {
		profit := f.Profit
		s.ProfitCents = &profit
	}
	return s, ok
}

// computeFactors fills f for the listing; priceLed says whether a known
// market leads the score (a market weight above 0).
func computeFactors(in *ScoreInput, priceLed bool, f *Factors) {
	f.Market = in.Market
	limit, hasLimit := watchLimit(in.Watch, in.Listing)

	// The title is split into words once, for the keyword and risk
	// components; titles rarely have more words than the arrays hold.
	var wordBuf, stemBuf [24]string
	title := titleWords{words: appendTokens(wordBuf[:0], in.Listing.Title)}
	title.stemmed = stemAll(append(stemBuf[:0], title.words...))

	sig := readSignals(in.Listing, title.words)
	priced := in
	if sig.Placeholder != "" {
		// A placeholder is no price: not free, not a bargain.
		cp := *in
		cp.Listing.PriceKnown, cp.Listing.Free = false, false
		priced = &cp
	}
	switch {
	case !in.Market.Known() && !hasLimit:
		// The original formula, exactly as it was: no market, no limit. Only
		// a listing that its title or description shows to be junk, a lot,
		// an accessory, a placeholder price or a scam is marked down, as
		// the original's own risk words already were.
		f.Mode = ModeFallback
		fallbackFactors(priced, title, f)
		if phrase, bad := mismatchIn(title.words); bad || !sigFlagged(sig, in.Terms) {
			f.Risk = Risk{Kind: RiskTitle, Flagged: bad, Why: phrase}
		} else {
			f.Risk = signalsRisk(sig, priced)
		}
		return
	case in.Market.Known() && priceLed:
		f.Mode = ModePriceLed
		priceLedFactors(priced, title, sig, f)
	default:
		f.Mode = ModeWeighted
		weightedFactors(priced, limit, hasLimit, title, f)
		f.Risk = signalsRisk(sig, priced)
	}
	if sig.Comparable() {
		// No resale value to estimate for junk, a lot or a placeholder price.
		settings := DefaultSettings()
		if in.Watch != nil {
			settings = in.Watch.Settings
		}
		f.Profit, f.HasProfit = estimateProfit(&priced.Listing, &settings, &in.Market, in.DistanceMi)
	}
}

// apply is Apply with the weights resolved. Its arithmetic is the scoring's
// own, in the same order, so the totals are the same to the last bit.
func (f *Factors) apply(w *weightSet) (Score, bool) {
	s := Score{Components: make(map[string]Component, f.n+1), Market: f.Market}
	total, ok := f.total(w, s.Components)
	if !ok {
		return Score{}, false
	}
	s.Fallback, s.PriceLed = f.Mode == ModeFallback, f.Mode == ModePriceLed
	s.Total = total
	return s, true
}

// Total is the total that Apply would give with the weights, resolved as
// ResolveWeights resolves them, without building the explanation: what a
// re-score after a weight change writes for each deal.
func (f *Factors) Total(w Weights) (float64, bool) {
	ws := resolveWeights(w, nil)
	return f.total(&ws, nil)
}

// total is the score's total with the weights, recording each component in
// comps unless comps is nil. Both ways run the same arithmetic.
func (f *Factors) total(w *weightSet, comps map[string]Component) (float64, bool) {
	if f.Mode != ModeFallback && f.Market.Known() && (f.Mode == ModePriceLed) != (w.market > 0) {
		return 0, false
	}
	var total float64
	switch f.Mode {
	case ModeFallback:
		total = f.fallbackTotal(w, comps)
		if f.Risk.Kind == RiskTitle {
			total = f.Risk.applyTitle(w.risk, total, comps)
		} else {
			total = f.Risk.applySignals(w.risk, total, comps)
		}
	case ModePriceLed:
		total = f.priceLedTotal(w, comps)
	default:
		total = f.weightedTotal(w, comps)
		total = f.Risk.applySignals(w.risk, total, comps)
	}
	return math.Round(math.Max(0, math.Min(100, total))*10) / 10, true
}

// fallbackFactors are the original formula's components:
//
//	(3·price + 2·condition + 2·recency + 1·distance + 1·photos + 0.1·keyword) / 9 × 100, capped at 100
//
// with price = 1 − price/$300 (free = 1), distance = 1 − miles/50, recency =
// 1 − hours/72.
func fallbackFactors(in *ScoreInput, title titleWords, f *Factors) {
	l := &in.Listing
	f.add(CompPrice, priceValue(l), 0)
	f.addListingParts(in, distanceHorizonMi, title)
}

// addListingParts adds the components of a weighted mean that every score
// has: condition, recency, distance (against horizon miles), photos and
// keyword.
func (f *Factors) addListingParts(in *ScoreInput, horizon float64, title titleWords) {
	l := &in.Listing
	f.add(CompCondition, conditionValue(l), 0)
	f.add(CompRecency, recencyValue(l, in.Now), 0)
	f.add(CompDistance, distanceValue(in.DistanceMi, horizon), 0)
	f.add(CompPhotos, photosValue(l), 0)
	f.add(CompKeyword, keywordValue(in.Terms, title), 0)
}

// weighParts records each part as a component with its weight, and returns
// the sum of value × weight and the sum of the weights, in part order.
func (f *Factors) weighParts(w *weightSet, comps map[string]Component) (sum, weights float64) {
	for _, p := range f.Parts() {
		weight := w.of(p.Name)
		if comps != nil {
			comps[p.Name] = Component{Value: p.Value, Weight: weight, Reason: p.Reason}
		}
		sum += p.Value * weight
		weights += weight
	}
	return sum, weights
}

// fallbackTotal is the original formula. It divides by 9, not 9.1: keyword
// relevance is a small bonus on top. With other weights it divides by the
// sum of the weights other than keyword, which is 9 for the defaults (or by
// all of them if that is 0).
func (f *Factors) fallbackTotal(w *weightSet, comps map[string]Component) float64 {
	sum, _ := f.weighParts(w, comps)
	den := w.price + w.condition + w.recency + w.distance + w.photos
	if den <= 0 {
		den = w.keyword
	}
	if den <= 0 {
		return 0
	}
	return sum / den * 100
}

// weightedFactors are the components of the weighted mean: those that apply.
func weightedFactors(in *ScoreInput, limit int64, hasLimit bool, title titleWords, f *Factors) {
	l := &in.Listing
	if in.Market.Known() {
		f.add(CompMarket, marketValue(l, &in.Market), 0)
	}
	if hasLimit {
		f.add(CompLimit, limitValue(l, limit), 0)
	}
	if l.Free {
		f.add(CompFree, factor{1, reasonFree}, 0)
	}
	horizon := distanceHorizonMi
	if in.Watch != nil && in.Watch.RadiusMi > 0 {
		horizon = in.Watch.RadiusMi
	}
	f.addListingParts(in, horizon, title)
}

// weightedTotal is the weighted mean of the components × 100. A market in
// it has weight 0, since a positive market weight makes the score price-led.
func (f *Factors) weightedTotal(w *weightSet, comps map[string]Component) float64 {
	sum, den := f.weighParts(w, comps)
	if den <= 0 {
		return 0
	}
	return sum / den * 100
}

// of is the weight of the named component.
func (ws *weightSet) of(name string) float64 {
	switch name {
	case CompPrice:
		return ws.price
	case CompMarket:
		return ws.market
	case CompLimit:
		return ws.limit
	case CompFree:
		return ws.free
	case CompCondition:
		return ws.condition
	case CompRecency:
		return ws.recency
	case CompDistance:
		return ws.distance
	case CompPhotos:
		return ws.photos
	case CompKeyword:
		return ws.keyword
	case CompRisk:
		return ws.risk
	}
	return 0
}

// signalsRisk is the warning signs of a score without a market.
func signalsRisk(sig Signals, in *ScoreInput) Risk {
	penalty, why := signalPenalty(sig, in.Terms)
	return Risk{Kind: RiskSignals, Flagged: penalty > 0, Why: why, Verify: sig.Scam, Limit: verifyLimit(in.Watch)}
}

// applyTitle records the risk component of the original formula and
// divides the total when the title signals a different thing.
func (r *Risk) applyTitle(weight, total float64, comps map[string]Component) float64 {
	if comps == nil {
		if r.Flagged {
			return total / (1 + weight)
		}
		return total
	}
	if !r.Flagged {
		comps[CompRisk] = Component{Value: 1, Weight: weight, Reason: reasonNoRisk}
		return total
	}
	var buf [128]byte
	b := strconv.AppendQuote(append(buf[:0], "title says "...), r.Why)
	b = append(b, ": probably not the working item itself; score divided by "...)
	b = appendTrimFloat(b, 1+weight)
	comps[CompRisk] = Component{Value: 0, Weight: weight, Reason: string(b)}
	return total / (1 + weight)
}

// applySignals is the signals' effect on a score without a market: the
// total is divided by 1 + the risk weight for junk, a non-offer, an
// accessory the query does not ask for, a lot or a placeholder, and a scam
// phrase caps it under the threshold.
func (r *Risk) applySignals(weight, total float64, comps map[string]Component) float64 {
	if comps == nil {
		if r.Flagged {
			total /= 1 + weight
		}
		if r.Verify != "" && total > r.Limit {
			total = r.Limit
		}
		return total
	}
	var notes []string
	if r.Flagged {
		notes = append(notes, r.Why+": score divided by "+trimPoints(1+weight))
		total /= 1 + weight
	}
	if r.Verify != "" {
		notes = append(notes, "verify: scam phrase "+strconv.Quote(r.Verify))
		if total > r.Limit {
			notes[len(notes)-1] += "; score capped at " + trimPoints(r.Limit) + ", digest only"
			total = r.Limit
		}
	}
	if len(notes) == 0 {
		comps[CompRisk] = Component{Value: 1, Weight: weight, Reason: reasonNoSignals}
		return total
	}
	comps[CompRisk] = Component{Value: 0, Weight: weight, Reason: strings.Join(notes, "; ")}
	return total
}
