package cmd

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// TestRescoreTallyOverParallelChunks moves some stored scores by known
// amounts, re-scores over many chunks (scored on every core, in any order),
// and checks the report against the amounts: deals, changed, up, down, the
// mean and the signed largest change, which goes to the first deal in id
// order when two are as large.
func TestRescoreTallyOverParallelChunks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(t, now)
	w := addWatch(t, st, "tables", "table")
	const n, chunk = 600, 40
	batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
	for i := 0; i < n; i++ {
		l := scout.Listing{Source: "demo", SourceID: fmt.Sprint(i), Title: fmt.Sprintf("Oak table %d", i%37),
			PriceCents: int64(5000 + i%60*250), PriceKnown: true, Currency: "USD", Condition: scout.Conditions[i%7],
			PostedAt: now.Add(-time.Duration(i%40) * time.Hour), ShippingCents: -1}
		batch.Items = append(batch.Items, scout.FetchItem{Listing: l})
	}
	if _, err := st.ApplyFetch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	weights := scout.DefaultWeights()
	if _, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk, false); err != nil {
		t.Fatal(err)
	}
	deals, err := st.Deals(ctx, store.DealFilter{Watch: w.Name, Limit: n, MinScore: -1})
	if err != nil || len(deals) != n {
		t.Fatalf("deals: %d, %v; want %d", len(deals), err, n)
	}
	byID := make(map[int64]float64, n)
	var ids []int64
	for _, d := range deals {
		byID[d.ID] = d.Score.Total
		ids = append(ids, d.ID)
	}
	// Every third deal is moved; the re-score moves it back by the opposite
	// amount. Two deals tie for the largest change with opposite signs.
	var ups []store.ScoreUpdate
	var want rescoreTally
	slices.Sort(ids)
	for k, id := range ids {
		var moved float64
		if k%3 == 0 {
			moved = float64(k%7-2) * 1.5 // -3 … +6, and 0 for some
		}
		switch k {
		case 99:
			moved = -20
		case 450:
			moved = 20
		}
		want.add(-moved)
		if moved != 0 {
			ups = append(ups, store.ScoreUpdate{DealID: id, Total: byID[id] + moved, Components: `{"c":{}}`})
		}
	}
	ch := make(chan []store.ScoreUpdate, 1)
	ch <- ups
	close(ch)
	if _, err := st.UpdateScores(ctx, w.ID, ch); err != nil {
		t.Fatal(err)
	}
	got, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk, false)
	if err != nil {
		t.Fatal(err)
	}
	exp := want.result()
	if got.Deals != exp.Deals || got.Changed != exp.Changed || got.Up != exp.Up || got.Down != exp.Down ||
		math.Abs(got.MeanDelta-exp.MeanDelta) > 1e-9 || got.MaxDelta != exp.MaxDelta {
		t.Fatalf("re-score reported %+v, want %+v", got, exp)
	}
	if exp.MaxDelta != 20 || exp.Up == 0 || exp.Down == 0 || exp.MeanDelta == 0 {
		t.Fatalf("the test's own expectation %+v lacks a tie at ±20, changes both ways or a mean", exp)
	}
}
