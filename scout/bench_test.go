package scout

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkScoreDeal scores one listing with a market value and a watch limit,
// the poll pipeline's common case.
func BenchmarkScoreDeal(b *testing.B) {
	in := couchInput()
	in.Market = highMarket(20000)
	in.Watch.MaxPriceCents = centsPtr(25000)
	in.Listing.Description = "Grey three-seat couch from a smoke-free home, pick up only."
	b.ReportAllocs()
	for b.Loop() {
		ScoreDeal(in, nil)
	}
}

// BenchmarkComputeMarket estimates a market from 500 comps spread over the
// window, some likely sold and some mismatched.
func BenchmarkComputeMarket(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	comps := make([]Comp, 500)
	for i := range comps {
		posted := now.Add(-time.Duration(rng.Int64N(int64(40 * 24 * time.Hour))))
		c := Comp{Key: fmt.Sprint(i), PriceCents: int64(rng.NormFloat64()*3000) + 20000, Currency: "USD",
			Condition: Conditions[rng.IntN(len(Conditions))], Title: "Oak dining table with chairs",
			PostedAt: posted, SeenAt: posted.Add(time.Duration(rng.Int64N(int64(96 * time.Hour))))}
		if rng.IntN(4) == 0 {
			gone := c.SeenAt
			c.GoneAt = &gone
		}
		if rng.IntN(20) == 0 {
			c.Title = "WTB oak table"
		}
		comps[i] = c
	}
	o := CompsOptions{Now: now}
	b.ReportAllocs()
	for b.Loop() {
		ComputeMarket(CondGood, comps, o)
	}
}

// BenchmarkFilterListing runs the poll pipeline's filter on one listing.
func BenchmarkFilterListing(b *testing.B) {
	w := NewWatch("couches")
	w.Query, w.Exclude = `"grey couch" -sleeper`, []string{"broken"}
	w.MaxPriceCents, w.HasCoords, w.Lat, w.Lng, w.RadiusMi = centsPtr(30000), true, 37.7749, -122.4194, 25
	terms := ParseQuery(w.Query, w.Exclude)
	l := Listing{Title: "Grey couch, three seats", Description: "From a smoke-free home. Pick up only.",
		PriceCents: 15000, PriceKnown: true, Currency: "USD", Condition: CondGood, HasCoords: true, Lat: 37.8, Lng: -122.27}
	b.ReportAllocs()
	for b.Loop() {
		FilterListing(&w, terms, l)
	}
}

// BenchmarkNormalize normalises one listing with a ZIP to look up.
func BenchmarkNormalize(b *testing.B) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l := Listing{Title: "  Grey couch  - FREE ", Description: "Curb alert, smoke-free home.", Currency: "usd",
		Condition: "Used - Good", PostedAt: now.Add(-time.Hour), PostalCode: "94105", ShippingCents: -1,
		Images: []string{"https://x/1.jpg"}}
	b.ReportAllocs()
	for b.Loop() {
		Normalize(l, now)
	}
}

// BenchmarkRescore re-scores 5,000 deals of one watch against a market cache
// already filled, as `dealscout score` does chunk by chunk; ns/deal is the
// figure the 100,000-deal re-score budget is about.
func BenchmarkRescore(b *testing.B) {
	w, deals, markets, now := rescoreBench()
	Rescore(&w, deals, markets, nil, now, nil) // fill the market cache
	b.ReportAllocs()
	for b.Loop() {
		Rescore(&w, deals, markets, nil, now, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(deals)), "ns/deal")
}

// BenchmarkFactorsApply applies changed weights to the stored factors of the
// same 5,000 deals: the scoring part of a re-score after a weight change
// that works from factors instead of listings and comps.
func BenchmarkFactorsApply(b *testing.B) {
	w, deals, markets, now := rescoreBench()
	terms := ParseQuery(w.Query, w.Exclude)
	factors := make([]Factors, len(deals))
	for i := range deals {
		d := &deals[i]
		factors[i] = ComputeFactors(ScoreInput{Listing: d.Listing, Watch: &w, Terms: terms, DistanceMi: d.DistanceMi,
			Market: markets.For(d.Listing), Now: now}, nil)
	}
	changed := Weights{CompPhotos: 5, CompCondition: 3}
	b.ReportAllocs()
	for b.Loop() {
		for i := range factors {
			if _, ok := factors[i].Apply(changed, &w); !ok {
				b.Fatal("the factors refused the weights")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(deals)), "ns/deal")
}

// rescoreBench is 5,000 deals of one watch and a market cache of 300 comps.
func rescoreBench() (Watch, []Deal, *MarketCache, time.Time) {
	rng := rand.New(rand.NewPCG(9, 10))
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	w := NewWatch("couches")
	w.Query, w.Exclude = `"grey couch" -sleeper`, []string{"broken"}
	w.MaxPriceCents, w.RadiusMi = centsPtr(30000), 25
	titles := []string{"Grey couch", "Grey couch, three seats, like new", "Mid-century grey couch - must go!",
		"GREY COUCH for parts", "Couch (grey) and matching chair", "Café grey couch", "Wanted: grey couch"}
	comps := make([]Comp, 300)
	for i := range comps {
		posted := now.Add(-time.Duration(rng.Int64N(int64(25 * 24 * time.Hour))))
		comps[i] = Comp{Key: fmt.Sprint(i), PriceCents: int64(rng.NormFloat64()*4000) + 20000, Currency: "USD",
			Condition: Conditions[rng.IntN(len(Conditions))], Title: "Grey couch", PostedAt: posted, SeenAt: posted}
	}
	deals := make([]Deal, 5000)
	for i := range deals {
		l := Listing{Source: "demo", SourceID: fmt.Sprint(i), Title: titles[rng.IntN(len(titles))],
			PriceCents: rng.Int64N(40000), PriceKnown: rng.IntN(10) > 0, Currency: "USD",
			Condition: Conditions[rng.IntN(len(Conditions))], ShippingCents: -1,
			PostedAt: now.Add(-time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))}
		l.Free = l.PriceKnown && l.PriceCents < 500
		for range rng.IntN(4) {
			l.Images = append(l.Images, "https://x/1.jpg")
		}
		deals[i] = Deal{ID: int64(i + 1), Listing: l}
		if rng.IntN(3) > 0 {
			deals[i].DistanceMi = milesPtr(rng.Float64() * 40)
		}
	}
	return w, deals, NewMarketCache(comps, CompsOptions{}, now), now
}
