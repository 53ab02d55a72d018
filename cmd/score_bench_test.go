package cmd

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// BenchmarkRescore50Watches re-scores 100,000 deals stored by 50 watches of
// 2,000 after a weight change, as `dealscout score` does: every watch's
// deals in one pass. They are stored as one poll of them all stores them,
// then priced against comps by a refresh. It reports the process's CPU time
// beside the wall time, which a busy machine inflates.
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
	if res, err := Rescore(ctx, st, "", scout.DefaultWeights(), scout.CompsOptions{}, now, true); err != nil || res.Refreshed != watches*per {
		b.Fatalf("refresh before the benchmark: %+v, %v", res, err)
	}
	weights := []scout.Weights{scout.DefaultWeights().Merge(map[string]float64{"photos": 5, "condition": 3}), scout.DefaultWeights()}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Rescore(ctx, st, "", weights[i%2], scout.CompsOptions{}, now, false)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deals != watches*per || res.Changed == 0 || res.Refreshed != 0 {
			b.Fatalf("re-scored %d deals, %d changed, %d from listings; want %d, some changed, none from listings",
				res.Deals, res.Changed, res.Refreshed, watches*per)
		}
	}
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
