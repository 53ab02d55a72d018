package cmd

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// TestRescorePipelineReusesOnlyScoredPages runs the pipeline over pages cut
// into several jobs, with scorers slow enough that the reader is ahead of
// them and some jobs of a page done long before the others, and checks that every deal reaches a scorer exactly once and intact:
// a page handed back to the reader before all its jobs were scored would be
// read over while a job of it waits, and its deals scored twice or never.
func TestRescorePipelineReusesOnlyScoredPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(t, now)
	w := addWatch(t, st, "tables", "table")
	const n, chunk = 10 * scoreJob, 2 * scoreJob // pages of two jobs after a short first one
	batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
	for i := range n {
		batch.Items = append(batch.Items, scout.FetchItem{Listing: scout.Listing{Source: "demo", SourceID: fmt.Sprint(i),
			Title: fmt.Sprintf("Oak table %d", i), PriceCents: int64(1000 + i), PriceKnown: true, Currency: "USD", ShippingCents: -1}})
	}
	if _, err := st.ApplyFetch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var calls atomic.Int32
	seen := map[string]int{}
	var tally rescoreTally
	err := rescorePipeline(ctx, st, w.ID, chunk, &tally, dealPages(st), func(deals []scout.Deal, _ *rescoreTally) ([]store.ScoreUpdate, error) {
		before := make([]string, len(deals))
		for i, d := range deals {
			before[i] = d.Listing.SourceID
		}
		// Every other job is slow, so that one job of a page is still
		// being scored when the other is done and the reader reads on.
		pause := 5 * time.Millisecond
		if calls.Add(1)%2 == 0 {
			pause = 60 * time.Millisecond
		}
		time.Sleep(pause)
		mu.Lock()
		defer mu.Unlock()
		for i, d := range deals {
			if d.Listing.SourceID != before[i] {
				return nil, fmt.Errorf("deal %s was read over by %s while its job was being scored", before[i], d.Listing.SourceID)
			}
			seen[d.Listing.SourceID]++
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Errorf("%d distinct deals scored, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("deal %s scored %d times, want once", id, k)
		}
	}
}
