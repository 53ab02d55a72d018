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

// priceLedScore is the total of a listing with a market value, and its
// components with their points.
func priceLedScore(in *ScoreInput, w *weightSet, title titleWords, sig Signals, comps map[string]Component) float64 {
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
	comps[CompMarket] = Component{Value: base / 100, Weight: w.market, Reason: string(b), Points: base}
	total := base

	add := func(name string, f factor, lo, hi, scale float64, pts float64) {
		pts = math.Round(pts*scale*10) / 10
		comps[name] = Component{Value: f.value, Weight: math.Round((hi-lo)*scale*10) / 10, Reason: f.reason, Points: pts}
		total += pts
	}
	cf := conditionValue(l)
	cs := weightScale(w.condition, defaultWeightSet.condition)
	add(CompCondition, cf, -6, 3, cs, conditionPoints[conditionOf(l)])
	rf := recencyValue(l, in.Now)
	add(CompRecency, rf, 0, recencyPointsMax, weightScale(w.recency, defaultWeightSet.recency), rf.value*recencyPointsMax)
	horizon := distanceHorizonMi
	if in.Watch != nil && in.Watch.RadiusMi > 0 {
		horizon = in.Watch.RadiusMi
	}
	df := distanceValue(in.DistanceMi, horizon)
	add(CompDistance, df, 0, distancePointsMax, weightScale(w.distance, defaultWeightSet.distance), df.value*distancePointsMax)
	pf := photosValue(l)
	add(CompPhotos, pf, photoPointsNone, photoPointsMany, weightScale(w.photos, defaultWeightSet.photos), photoPoints(l))
	kf := keywordValue(in.Terms, title)
	add(CompKeyword, kf, 0, keywordPointsMax, weightScale(w.keyword, defaultWeightSet.keyword), kf.value*keywordPointsMax)

	// Penalties and the "verify" cap.
	penalty, why := signalPenalty(sig, in.Terms)
	penalty *= weightScale(w.risk, defaultWeightSet.risk)
	var notes []string
	if why != "" {
		notes = append(notes, why+" (−"+trimPoints(penalty)+")")
	}
	total -= penalty
	if v := verifyReason(sig, l, unit, known, m, reliable); v != "" {
		limit := verifyLimit(in.Watch)
		if total > limit {
			notes = append(notes, "verify: "+v+"; score capped at "+trimPoints(limit)+", digest only")
			penalty += total - limit
			total = limit
		} else {
			notes = append(notes, "verify: "+v)
		}
	}
	rc := Component{Value: 1, Weight: w.risk, Reason: reasonNoSignals}
	if len(notes) > 0 {
		rc = Component{Value: 0, Weight: w.risk, Reason: strings.Join(notes, "; "), Points: -math.Round(penalty*10) / 10}
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

// applySignals is the signals' effect on a score without a market: the
// total is divided by 1 + the risk weight for junk, a non-offer, an
// accessory the query does not ask for, a lot or a placeholder, and a scam
// phrase caps it under the threshold.
func applySignals(sig Signals, in *ScoreInput, weight, total float64, comps map[string]Component) float64 {
	penalty, why := signalPenalty(sig, in.Terms)
	var notes []string
	if penalty > 0 {
		notes = append(notes, why+": score divided by "+trimPoints(1+weight))
		total /= 1 + weight
	}
	if sig.Scam != "" {
		limit := verifyLimit(in.Watch)
		notes = append(notes, "verify: scam phrase "+strconv.Quote(sig.Scam))
		if total > limit {
			notes[len(notes)-1] += "; score capped at " + trimPoints(limit) + ", digest only"
			total = limit
		}
	}
	if len(notes) == 0 {
		comps[CompRisk] = Component{Value: 1, Weight: weight, Reason: reasonNoSignals}
		return total
	}
	comps[CompRisk] = Component{Value: 0, Weight: weight, Reason: strings.Join(notes, "; ")}
	return total
}

func trimPoints(p float64) string { return strconv.FormatFloat(math.Round(p*10)/10, 'f', -1, 64) }

func pct(f float64) string { return strconv.FormatFloat(math.Round(f*100), 'f', 0, 64) + "%" }

// sigFlagged reports whether the signals mark the listing down at all.
func sigFlagged(sig Signals, t Terms) bool {
	p, _ := signalPenalty(sig, t)
	return p > 0 || sig.Scam != ""
}
