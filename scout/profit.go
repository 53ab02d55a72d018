package scout

import "math"

// EstimateProfit is what buying the listing and reselling it at the market
// median would earn, in cents of the listing's currency:
//
//	median − price − fee% × median − resale shipping − cost of getting it
//
// The fee is the watch's FeePct of the median (the marketplace's cut of the
// resale) and resale shipping is the watch's ShippingCents. Getting it costs
// the listing's quoted shipping when it has one (it is mailed, no driving),
// otherwise TravelCentsPerMi × distance × 2 (there and back) when the
// distance is known. It is nil when there is no market value or no price.
//
// Money stays in integer cents: the fee rate is taken in basis points and the
// distance in tenths of a mile, and each product is rounded half up once.
func EstimateProfit(l Listing, s WatchSettings, m Market, distanceMi *float64) *int64 {
	profit, ok := estimateProfit(&l, &s, &m, distanceMi)
	if !ok {
		return nil
	}
	return &profit
}

// estimateProfit is EstimateProfit without the allocation, for Rescore,
// which keeps a chunk's profits in one slice; ok is false for nil.
func estimateProfit(l *Listing, s *WatchSettings, m *Market, distanceMi *float64) (profit int64, ok bool) {
	if !m.Known() {
		return 0, false
	}
	price, known := effectivePrice(*l)
	if !known {
		return 0, false
	}
	feeBasisPoints := int64(math.Round(s.FeePct * 100))
	cost := price + divRound(m.MedianCents*feeBasisPoints, 10_000) + s.ShippingCents
	switch {
	case l.ShippingCents > 0:
		cost += l.ShippingCents
	case distanceMi != nil && s.TravelCentsPerMi > 0:
		tenthsOfMile := int64(math.Round(*distanceMi * 10))
		cost += divRound(2*tenthsOfMile*s.TravelCentsPerMi, 10)
	}
	return m.MedianCents - cost, true
}

// divRound divides non-negative a by positive b, rounding half up.
func divRound(a, b int64) int64 { return (a + b/2) / b }
