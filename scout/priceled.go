package scout

import (
	"math"
	"strconv"
	"strings"
)

// The price-led score (DESIGN.md §6). With a market value the score is, in
// points out of 100:
//
//	price against the market (10–94) + condition (−6..+3) + recency (0..+4)
//	  + distance (0..+3) + photos (−3..+1) + keyword (0..+1) − penalty, capped for "verify"
//
// The market points rise with the discount: 55 at the market price, 75 at
// 30 % under, 84 at 40 %, 92 at 60 %, 94 at TooGoodFloor; 10 at twice the
// market or more. A low-confidence market moves them half as far from 55.
// The adjustments together span at most 18 points with the default weights,
// less than the 20 between "at the market" and "30 % under", so a listing
// 30 % under a reliable market outscores every one at or above it whatever
// its condition, age, photos and distance; at the market price the best
// adjustments reach 55 + 12 = 67, under the default alert threshold 75.
//
// A component's weight scales its adjustment (weight ÷ default weight, at
// most 2×); a market weight of 0 turns the price-led score off.
const (
	marketPointsAt0   = 55.0 // the market price
	marketPointsAt30  = 75.0
	marketPointsAt40  = 84.0
	marketPointsAt60  = 92.0
	marketPointsFloor = 94.0
	marketPointsMin   = 10.0 // at twice the market or more
	freePoints        = 90.0 // a real giveaway
	unknownPricePts   = 45.0 // no price, or a placeholder

	// TooGoodFloor: a price under this share of a reliable market is too
	// good to be true and is flagged "verify". The evaluation's bargains
	// sit 40–60 % under; this is the 0.35× lower end of the deal range that
	// eBay-Deal-Scraper publishes. Its cost: a genuine fire sale more than
	// 65 % under is capped too, and reaches the user in the digest.
	TooGoodFloor = 0.35
	// sealedFloor: "sealed" under 60 % of the market is a trap.
	sealedFloor = 0.60
	// verifyCap is the most a "verify" listing scores, and it stays
	// verifyMargin under the watch's threshold so it never alerts at once.
	verifyCap    = 60.0
	verifyMargin = 5.0

	// Penalties in points, for the largest signal found.
	penaltyNotItem   = 40.0
	penaltyNotOffer  = 50.0
	penaltyAccessory = 35.0
	penaltyLot       = 25.0 // a lot priced per unit
	penaltyLotUnsure = 30.0 // a lot of unknown size
	penaltyPlacehold = 15.0

	maxWeightScale = 2.0
)

// Adjustments in points at each end, with the default weights.
var conditionPoints = map[Condition]float64{
	CondNew: 3, CondLikeNew: 3, CondExcellent: 3, CondGreat: 2, CondGood: 0, CondFair: -3, CondPoor: -6, CondUnknown: -1,
}

const (
	recencyPointsMax  = 4.0
	distancePointsMax = 3.0
	photoPointsNone   = -3.0
	photoPointsMany   = 1.0
	keywordPointsMax  = 1.0
)

// marketPoints maps a discount (1 − price/market) onto points.
func marketPoints(d float64) float64 {
	type pt struct{ d, p float64 }
	curve := [...]pt{{-1, marketPointsMin}, {0, marketPointsAt0}, {0.3, marketPointsAt30}, {0.4, marketPointsAt40},
		{0.6, marketPointsAt60}, {1 - TooGoodFloor, marketPointsFloor}}
	if d <= curve[0].d {
		return curve[0].p
	}
	for i := 1; i < len(curve); i++ {
		if d <= curve[i].d {
			a, b := curve[i-1], curve[i]
			return a.p + (b.p-a.p)*(d-a.d)/(b.d-a.d)
		}
	}
	return marketPointsFloor
}

// weightScale is a weight over its default, at most maxWeightScale.
func weightScale(w, def float64) float64 {
	if def <= 0 {
		return 0
	}
	return math.Max(0, math.Min(maxWeightScale, w/def))
}

// priceLedFactors are the parts of a listing's score with a market value:
// the price against the market in points, and the adjustments at their
// default weights.
func priceLedFactors(in *ScoreInput, title titleWords, sig Signals, f *Factors) {
	l := &in.Listing
	m := &in.Market
	reliable := m.Confidence == ConfidenceHigh || m.Confidence == ConfidenceMedium
	price, known := effectivePrice(*l)
	unit, count := price, 1
	if sig.Lot != "" && sig.LotCount > 1 {
		count = sig.LotCount
		unit = price / int64(count)
	}

	// The price against the market, its reason built in one buffer: this
	// runs for every deal of a 100,000-deal re-score.
	var base float64
	var buf [224]byte
	b := buf[:0]
	switch {
	case !known:
		base = unknownPricePts
		if sig.Placeholder != "" {
			b = append(append(append(b, "price is a placeholder ("...), sig.Placeholder...), "): treated as unknown, not free"...)
		} else {
			b = append(b, reasonNoPrice...)
		}
	case sig.Lot != "" && count == 1:
		base = unknownPricePts
		b = append(b, "a lot of unclear size: not priced against one item"...)
	case l.Free:
		base = freePoints
		b = appendMoney(append(b, "the item is free, against the "...), m.MedianCents, currencyOr(l.Currency))
		b = append(b, " market"...)
	default:
		d := 1 - float64(unit)/float64(m.MedianCents)
		base = marketPoints(d)
		if count > 1 {
			b = appendMoney(append(strconv.AppendInt(b, int64(count), 10), " items at "...), unit, currencyOr(l.Currency))
			b = append(b, " each: "...)
		}
		b = appendMarketReason(b, unit, &Listing{Currency: l.Currency}, m)
	}
	if !reliable {
		base = marketPointsAt0 + (base-marketPointsAt0)*0.5
	}
	base = math.Round(base*10) / 10
	b = appendPointsTail(b, reliable, base)
	f.add(CompMarket, factor{base / 100, string(b)}, base)

	cf := conditionValue(l)
	f.add(CompCondition, cf, conditionPoints[conditionOf(l)])
	rf := recencyValue(l, in.Now)
	f.add(CompRecency, rf, rf.value*recencyPointsMax)
	horizon := distanceHorizonMi
	if in.Watch != nil && in.Watch.RadiusMi > 0 {
		horizon = in.Watch.RadiusMi
	}
	df := distanceValue(in.DistanceMi, horizon)
	f.add(CompDistance, df, df.value*distancePointsMax)
	f.add(CompPhotos, photosValue(l), photoPoints(l))
	kf := keywordValue(in.Terms, title)
	f.add(CompKeyword, kf, kf.value*keywordPointsMax)

	penalty, why := signalPenalty(sig, in.Terms)
	f.Risk = Risk{Kind: RiskPoints, Why: why, Penalty: penalty, Verify: verifyReason(sig, l, unit, known, m, reliable),
		Limit: verifyLimit(in.Watch)}
}

// adjustmentRange is an adjustment's points at each end with the default
// weights, and its weight and default weight in ws.
func adjustmentRange(name string, ws *weightSet) (lo, hi, w, def float64) {
	switch name {
	case CompCondition:
		return -6, 3, ws.condition, defaultWeightSet.condition
	case CompRecency:
		return 0, recencyPointsMax, ws.recency, defaultWeightSet.recency
	case CompDistance:
		return 0, distancePointsMax, ws.distance, defaultWeightSet.distance
	case CompPhotos:
		return photoPointsNone, photoPointsMany, ws.photos, defaultWeightSet.photos
	case CompKeyword:
		return 0, keywordPointsMax, ws.keyword, defaultWeightSet.keyword
	}
	return 0, 0, 0, 0
}

// priceLedTotal is the total of a price-led score, with its components and
// their points: the market's points, each adjustment scaled by its weight
// over its default, the penalty scaled likewise, and the "verify" cap.
func (f *Factors) priceLedTotal(w *weightSet, comps map[string]Component) float64 {
	var total float64
	for _, p := range f.Parts() {
		if p.Name == CompMarket {
			if comps != nil {
				comps[p.Name] = Component{Value: p.Value, Weight: w.market, Reason: p.Reason, Points: p.Points}
			}
			total = p.Points
			continue
		}
		lo, hi, weight, def := adjustmentRange(p.Name, w)
		scale := weightScale(weight, def)
		pts := math.Round(p.Points*scale*10) / 10
		if comps != nil {
			comps[p.Name] = Component{Value: p.Value, Weight: math.Round((hi-lo)*scale*10) / 10, Reason: p.Reason, Points: pts}
		}
		total += pts
	}

	// Penalties and the "verify" cap.
	r := &f.Risk
	penalty := r.Penalty * weightScale(w.risk, defaultWeightSet.risk)
	total -= penalty
	capped := r.Verify != "" && total > r.Limit
	if capped {
		penalty += total - r.Limit
		total = r.Limit
	}
	if comps == nil {
		return total
	}
	var notes []string
	if r.Why != "" {
		notes = append(notes, r.Why+" (−"+trimPoints(r.Penalty*weightScale(w.risk, defaultWeightSet.risk))+")")
	}
	switch {
	case capped:
		notes = append(notes, "verify: "+r.Verify+"; score capped at "+trimPoints(r.Limit)+", digest only")
	case r.Verify != "":
		notes = append(notes, "verify: "+r.Verify)
	}
	rc := Component{Value: 1, Weight: w.risk, Reason: reasonNoSignals}
	if len(notes) > 0 {
		rc = Component{Value: 0, Weight: w.risk, Reason: strings.Join(notes, "; "), Points: 0 - math.Round(penalty*10)/10} // 0 - rather than -: no "-0" when nothing was taken off
	}
	comps[CompRisk] = rc
	return total
}

// conditionOf is the listing's condition in the vocabulary.
func conditionOf(l *Listing) Condition {
	c := vocabCondition(l.Condition)
	if c == "" {
		return CondUnknown
	}
	return c
}

// photoPoints: none −3, one 0, two +0.5, three or more +1.
func photoPoints(l *Listing) float64 {
	n := 0
	for _, u := range l.Images {
		if strings.TrimSpace(u) != "" {
			n++
		}
	}
	switch {
	case n == 0:
		return photoPointsNone
	case n == 1:
		return 0
	case n == 2:
		return photoPointsMany / 2
	}
	return photoPointsMany
}

// signalPenalty is the largest penalty the signals call for, and why.
func signalPenalty(sig Signals, t Terms) (float64, string) {
	var p float64
	var why string
	consider := func(v float64, text string) {
		if v > p {
			p, why = v, text
		}
	}
	if sig.NotOffer != "" {
		consider(penaltyNotOffer, "says "+strconv.Quote(sig.NotOffer)+": not an offer to sell")
	}
	if sig.NotItem != "" {
		consider(penaltyNotItem, "says "+strconv.Quote(sig.NotItem)+": probably not the working item itself")
	}
	if sig.Accessory != "" && !QueryAsksForAccessory(t) {
		consider(penaltyAccessory, "title says "+strconv.Quote(sig.Accessory)+": an accessory, not the item searched for")
	}
	if sig.Lot != "" {
		if sig.LotCount > 1 {
			consider(penaltyLot, "a lot ("+strconv.Quote(sig.Lot)+"), priced per item")
		} else {
			consider(penaltyLotUnsure, "a lot or bundle ("+strconv.Quote(sig.Lot)+") of unclear size")
		}
	}
	if sig.Placeholder != "" {
		consider(penaltyPlacehold, "placeholder price "+sig.Placeholder)
	}
	return p, why
}

// appendPointsTail ends a price-led market reason: what a low-confidence
// market does to the points ("; low confidence moves it half as far"), then
// the points (" → 64.7 points").
func appendPointsTail(b []byte, reliable bool, points float64) []byte {
	if !reliable {
		b = append(b, "; low confidence moves it half as far"...)
	}
	b = appendTrimFloat(append(b, " → "...), points)
	if points == 1 {
		return append(b, " point"...)
	}
	return append(b, " points"...)
}

// AppendMarketPointsReason appends the reason a price-led score gives its
// market component for a known price of one item, not free: the unit price
// against the market m, then the points it is worth. It is the words
// priceLedScore writes, which storage keeps as the price alone and rebuilds
// with this function; so a rewording here changes the words of stored
// reasons too (store.TestStoredReasonTemplatesKeepTheirWords says so), and
// wants a new function with the old one kept.
func AppendMarketPointsReason(b []byte, unitCents int64, currency string, m *Market, points float64) []byte {
	b = appendMarketReason(b, unitCents, &Listing{Currency: currency}, m)
	return appendPointsTail(b, m.Confidence == ConfidenceHigh || m.Confidence == ConfidenceMedium, points)
}

// verifyReason says why a listing is too good to be true, or "".
func verifyReason(sig Signals, l *Listing, unit int64, known bool, m *Market, reliable bool) string {
	if sig.Scam != "" {
		return "scam phrase " + strconv.Quote(sig.Scam)
	}
	if !known || l.Free || !reliable || m.MedianCents <= 0 {
		return ""
	}
	ratio := float64(unit) / float64(m.MedianCents)
	if sig.Sealed != "" && ratio < sealedFloor {
		return strconv.Quote(sig.Sealed) + " at " + pct(1-ratio) + " under the market"
	}
	if ratio < TooGoodFloor {
		return pct(1-ratio) + " under a reliable market is too good to be true (floor " + pct(TooGoodFloor) + " of the market)"
	}
	return ""
}

// verifyLimit is the most a "verify" listing may score for the watch.
func verifyLimit(w *Watch) float64 {
	threshold := float64(DefaultMinScore)
	if w != nil {
		threshold = w.MinScore
	}
	return math.Max(0, math.Min(verifyCap, threshold-verifyMargin))
}

func trimPoints(p float64) string { return strconv.FormatFloat(math.Round(p*10)/10, 'f', -1, 64) }

func pct(f float64) string { return strconv.FormatFloat(math.Round(f*100), 'f', 0, 64) + "%" }

// sigFlagged reports whether the signals mark the listing down at all.
func sigFlagged(sig Signals, t Terms) bool {
	p, _ := signalPenalty(sig, t)
	return p > 0 || sig.Scam != ""
}
