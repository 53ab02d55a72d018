package cmd

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// BenchmarkRescore50Watches re-scores 100,000 deals stored by 50 watches of
// 2,000 after a weight change, as `dealscout score` does: every watch's
// deals in one pass. They are stored as one poll of them all stores them,
// then priced against comps by a refresh.
func BenchmarkRescore50Watches(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(b, now)
	const watches, per = 50, 2000
	kinds := []string{"oak dining", "walnut coffee", "pine kitchen", "glass side", "teak garden", "maple desk"}
	for k := 0; k < watches; k++ {
		w := addWatch(b, st, fmt.Sprintf("bench%02d", k), "table")
		batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
		for i := 0; i < per; i++ {
			n := k*per + i
			l := scout.Listing{Source: "demo", SourceID: fmt.Sprint(n), Title: fmt.Sprintf("%s table model %d seats %d", kinds[n%len(kinds)], n%211, 2+n%7),
				Description: "Solid wood, light wear, pick up only.", PriceCents: int64(10000 + n%300*100), PriceKnown: true, Currency: "USD",
				Condition: scout.Conditions[n%7], PostedAt: now.Add(-time.Duration(n%72) * time.Hour),
				Images: []string{"https://example.com/a.jpg"}, ShippingCents: -1}
			batch.Items = append(batch.Items, scout.FetchItem{Listing: l})
		}
		if _, err := st.ApplyFetch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	refreshAll(b, st, now, watches*per)
	benchRescores(b, st, now, watches*per, []scout.Weights{benchWeights, scout.DefaultWeights()}, false)
}

// benchWeights are the changed weights of the re-score benchmarks.
var benchWeights = scout.DefaultWeights().Merge(map[string]float64{"photos": 5, "condition": 3})

// refreshAll re-scores every deal of the store from its listing, as
// `score --refresh` does, so that each has factors priced against comps.
func refreshAll(b *testing.B, st *store.Store, now time.Time, n int) {
	b.Helper()
	if res, err := Rescore(context.Background(), st, "", scout.DefaultWeights(), scout.CompsOptions{}, now, true); err != nil || res.Refreshed != n {
		b.Fatalf("refresh before the benchmark: %+v, %v; want all %d deals from their listings", res, err, n)
	}
}

// benchRescores times b.N re-scores of the store's n deals, each with the
// next of weights, and reports deals/s and CPU seconds per re-score (the
// wall time is inflated by a busy machine). Each must change some deal, and
// score every deal from its listing with refresh, none without.
func benchRescores(b *testing.B, st *store.Store, now time.Time, n int, weights []scout.Weights, refresh bool) {
	b.Helper()
	fromListings := 0
	if refresh {
		fromListings = n
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Rescore(context.Background(), st, "", weights[i%len(weights)], scout.CompsOptions{}, now, refresh)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deals != n || res.Changed == 0 || res.Refreshed != fromListings {
			b.Fatalf("re-scored %d deals, %d changed, %d from their listings; want %d, some changed, %d from listings",
				res.Deals, res.Changed, res.Refreshed, n, fromListings)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
