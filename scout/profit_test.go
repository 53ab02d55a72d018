package scout

import "testing"

func TestEstimateProfit(t *testing.T) {
	t.Parallel()
	market := Market{MedianCents: 20000, Samples: 10, Confidence: ConfidenceMedium}
	priced := func(cents int64) Listing {
		return Listing{PriceCents: cents, PriceKnown: true, Currency: "USD", ShippingCents: -1}
	}
	settings := func(fee float64, ship, perMi int64) WatchSettings {
		return WatchSettings{FeePct: fee, ShippingCents: ship, TravelCentsPerMi: perMi}
	}
	tests := []struct {
		name string
		l    Listing
		s    WatchSettings
		m    Market
		dist *float64
		want *int64
	}{
		{"no market value", priced(12000), settings(13, 0, 0), Market{Confidence: ConfidenceNone}, nil, nil},
		{"no price", Listing{ShippingCents: -1}, settings(13, 0, 0), market, nil, nil},
		// 20000 − 12000 − 13% × 20000 (2600) = 5400.
		{"fee only", priced(12000), settings(13, 0, 0), market, nil, centsPtr(5400)},
		// − resale shipping 1500 − 10.04 mi → 100 tenths × 2 × 60¢ / 10 = 1200: 2700.
		{"resale shipping and travel both ways", priced(12000), settings(13, 1500, 60), market, milesPtr(10.04), centsPtr(2700)},
		// Mailed to the buyer for 899: no driving, 20000 − 12000 − 2600 − 899 = 4501.
		{"quoted shipping replaces travel", Listing{PriceCents: 12000, PriceKnown: true, ShippingCents: 899}, settings(13, 0, 60), market, milesPtr(10), centsPtr(4501)},
		{"free shipping quoted: travel still counts", Listing{PriceCents: 12000, PriceKnown: true, ShippingCents: 0}, settings(13, 0, 60), market, milesPtr(10), centsPtr(4200)},
		// Free item, median 999, fee 12.5% = 124.875 → 125 (half up): 874.
		{"free item, fee rounded half up", Listing{Free: true, ShippingCents: -1}, settings(12.5, 0, 0), Market{MedianCents: 999, Confidence: ConfidenceLow}, nil, centsPtr(874)},
		{"a loss is negative", priced(25000), settings(10, 0, 0), market, nil, centsPtr(-7000)},
	}
	for _, tt := range tests {
		got := EstimateProfit(tt.l, tt.s, tt.m, tt.dist)
		switch {
		case tt.want == nil && got != nil:
			t.Errorf("%s: profit = %d, want none", tt.name, *got)
		case tt.want != nil && got == nil:
			t.Errorf("%s: profit = none, want %d", tt.name, *tt.want)
		case tt.want != nil && *got != *tt.want:
			t.Errorf("%s: profit = %d, want %d", tt.name, *got, *tt.want)
		}
	}
}
