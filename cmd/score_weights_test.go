package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// weightsStore is a store with one watch of n varied deals (junk, lots,
// accessories, scam phrases, free items, every condition and age), stored
// as a first poll stores them, without factors; the watch has a price limit
// and a weight of its own.
func weightsStore(t *testing.T, now time.Time, n int) (*store.Store, scout.Watch) {
	t.Helper()
	st := rescoreStore(t, now)
	w := weightsWatch(t, st, now, "tables", map[string]float64{scout.CompDistance: 2}, 0, n)
	return st, w
}

// weightsWatch adds a watch of that name and weights of its own, with n
// varied deals whose source ids start at from, stored without factors.
func weightsWatch(t *testing.T, st *store.Store, now time.Time, name string, own map[string]float64, from, n int) scout.Watch {
	t.Helper()
	w := scout.NewWatch(name)
	w.Query = "oak table"
	limit := int64(40000)
	w.MaxPriceCents = &limit
	w.Settings.Weights = own
	if err := st.CreateWatch(context.Background(), &w); err != nil {
		t.Fatal(err)
	}
	titles := []string{"Oak dining table", "Oak dining table seats 6", "Oak coffee table", "Oak table for parts",
		"Lot of 3 oak tables", "Oak table leg protector", "WANTED oak table", "Solid oak table, sealed"}
	batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
	for i := from; i < from+n; i++ {
		l := scout.Listing{Source: "demo", SourceID: fmt.Sprint(i), Title: titles[i%len(titles)],
			PriceCents: int64(3000 + i*7919%60000), PriceKnown: i%17 != 0, Free: i%23 == 0, Currency: "USD",
			Condition: scout.Conditions[i%len(scout.Conditions)], PostedAt: now.Add(-time.Duration(i%200) * time.Hour),
			ShippingCents: -1}
		if i%5 == 0 {
			l.Description = "Payment by Zelle only, shipping only."
		}
		for range i % 4 {
			l.Images = append(l.Images, "https://example.invalid/a.jpg")
		}
		item := scout.FetchItem{Listing: l}
		if i%3 == 0 {
			d := float64(i % 60)
			item.DistanceMi = &d
		}
		batch.Items = append(batch.Items, item)
	}
	if _, err := st.ApplyFetch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return w
}

// dealScores reads every deal of the watch, by listing source id.
func dealScores(t *testing.T, st *store.Store, watch string) map[string]scout.Score {
	t.Helper()
	deals, err := st.Deals(context.Background(), store.DealFilter{Watch: watch, Limit: 100_000, MinScore: -1})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]scout.Score, len(deals))
	for _, d := range deals {
		out[d.Listing.SourceID] = d.Score
	}
	return out
}

// sameScores compares two readings of the deals, explanations included
// (the profit by value), and says how the second moved from the first.
func sameScores(a, b map[string]scout.Score) (string, bool) {
	if len(a) != len(b) {
		return fmt.Sprintf("%d deals against %d", len(a), len(b)), false
	}
	for id, x := range a {
		y := b[id]
		if (x.ProfitCents == nil) != (y.ProfitCents == nil) || x.ProfitCents != nil && *x.ProfitCents != *y.ProfitCents {
			return fmt.Sprintf("deal %s: profit %v against %v", id, x.ProfitCents, y.ProfitCents), false
		}
		x.ProfitCents, y.ProfitCents = nil, nil
		if fx, fy := fmt.Sprintf("%#v", x), fmt.Sprintf("%#v", y); fx != fy {
			return fmt.Sprintf("deal %s:\n%s\nagainst\n%s", id, fx, fy), false
		}
	}
	return "", true
}

// TestWeightsOnlyRescoreIsWhatRefreshGives: with the clock and the comps as
// they were, applying new weights to the stored factors gives exactly what
// scoring every listing again with them gives, explanations included, and
// reports the changes as they are.
func TestWeightsOnlyRescoreIsWhatRefreshGives(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	const n = 900
	st, w := weightsStore(t, now, n)
	const chunk = 200 // several pages, and a first short one
	if res, err := rescore(ctx, st, "", scout.DefaultWeights(), scout.CompsOptions{}, now, chunk, true); err != nil || res.Refreshed != n {
		t.Fatalf("refresh: %+v, %v; want all %d deals from their listings", res, err, n)
	}
	modes := map[bool]int{}
	for _, s := range dealScores(t, st, w.Name) {
		modes[s.PriceLed]++
	}
	if modes[true] < 100 || modes[false] < 100 {
		t.Fatalf("%d price-led deals and %d others: the test needs both", modes[true], modes[false])
	}
	for _, weights := range []scout.Weights{
		scout.DefaultWeights().Merge(map[string]float64{"photos": 5, "condition": 3}),
		scout.DefaultWeights().Merge(map[string]float64{"risk": 0, "recency": 0.5, "limit": 7}),
		scout.DefaultWeights(),
	} {
		before := dealScores(t, st, w.Name)
		res, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk, false)
		if err != nil {
			t.Fatal(err)
		}
		applied := dealScores(t, st, w.Name)
		var want rescoreTally
		for id, s := range applied {
			want.add(s.Total - before[id].Total)
		}
		if exp := want.result(); res.Refreshed != 0 || res.Deals != n || res.Changed != exp.Changed || res.Up != exp.Up ||
			res.Down != exp.Down || res.MaxDelta != exp.MaxDelta || math.Abs(res.MeanDelta-exp.MeanDelta) > 1e-9 || exp.Changed == 0 {
			t.Fatalf("weights %v: re-score reported %+v; the deals moved %+v, none from listings", weights, res, exp)
		}
		res, err = rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk, true)
		if err != nil || res.Changed != 0 || res.Refreshed != n {
			t.Fatalf("weights %v: a refresh after applying them: %+v, %v; want all %d deals scored again, none changed", weights, res, err, n)
		}
		if diff, ok := sameScores(applied, dealScores(t, st, w.Name)); !ok {
			t.Fatalf("weights %v: applied to stored factors, then scored again from the listings: %s", weights, diff)
		}
	}
}

// TestRescoreScoresFromListingsWhenItMust: deals stored without factors (by
// an older dealscout) and deals whose formula new weights change (the
// market weight to or from 0) are scored from their listings, with the
// result a refresh gives.
func TestRescoreScoresFromListingsWhenItMust(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	const n = 300
	st, w := weightsStore(t, now, n)
	noMarket := scout.DefaultWeights().Merge(map[string]float64{"market": 0})
	for _, step := range []struct {
		name      string
		weights   scout.Weights
		refreshed int
	}{
		{"stored without factors", scout.DefaultWeights(), n},
		{"same weights again", scout.DefaultWeights(), 0},
		{"market weight to 0", noMarket, n},
		{"another weight, market still 0", noMarket.Merge(map[string]float64{"photos": 4}), 0},
		{"market weight back", scout.DefaultWeights(), n},
	} {
		res, err := rescore(ctx, st, "", step.weights, scout.CompsOptions{}, now, 100, false)
		if err != nil || res.Refreshed != step.refreshed || res.Deals != n {
			t.Fatalf("%s: %+v, %v; want %d deals, %d from their listings", step.name, res, err, n, step.refreshed)
		}
		got := dealScores(t, st, w.Name)
		if res, err := rescore(ctx, st, "", step.weights, scout.CompsOptions{}, now, 100, true); err != nil || res.Changed != 0 {
			t.Fatalf("%s: a refresh changed %+v (%v); want nothing", step.name, res, err)
		}
		if diff, ok := sameScores(got, dealScores(t, st, w.Name)); !ok {
			t.Fatalf("%s: %s", step.name, diff)
		}
	}
}

// TestScoreCommandAppliesWeights: `score` after a weight change applies
// them without reading listings, the explanation shows them, and
// `score --refresh` agrees at the same clock.
func TestScoreCommandAppliesWeights(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("demo", "--no-serve")
	var deals []dealJSON
	if err := json.Unmarshal([]byte(c.ok("deals", "--json", "--limit", "1")), &deals); err != nil || len(deals) != 1 {
		t.Fatalf("deals after demo: %v", err)
	}
	id := fmt.Sprint(deals[0].ID)
	explainBefore := c.ok("score", "--listing", id, "--explain")
	w := &cli{t: t, dir: c.dir, env: append(c.env, "DEALSCOUT_SCORE_WEIGHTS=photos=20,condition=6"), now: c.now}
	var res RescoreResult
	if err := json.Unmarshal([]byte(w.ok("score", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Deals == 0 || res.Changed == 0 || res.Refreshed != 0 {
		t.Fatalf("score after a weight change: %+v; want changes, no deal scored from its listing", res)
	}
	explainAfter := w.ok("score", "--listing", id, "--explain")
	if explainAfter == explainBefore {
		t.Fatalf("the explanation did not change with the weights:\n%s", explainAfter)
	}
	if err := json.Unmarshal([]byte(w.ok("score", "--refresh", "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Changed != 0 || res.Refreshed != res.Deals {
		t.Errorf("score --refresh at the same clock: %+v; want every deal scored again, none changed", res)
	}
	if again := w.ok("score", "--listing", id, "--explain"); again != explainAfter {
		t.Errorf("explanation after --refresh:\n%s\nafter applying the weights:\n%s", again, explainAfter)
	}
	for _, args := range [][]string{{"score", "--refresh", "--listing", id}, {"score", "--refresh", "--title", "x", "--price", "1"}} {
		if code, _, errs := c.run(args...); code != ExitUsage || !strings.Contains(errs, "--refresh") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a word on --refresh", args, code, errs)
		}
	}
	if !strings.Contains(c.ok("score", "--help"), "--refresh") {
		t.Error("score --help does not mention --refresh")
	}
}

// TestRescoreOfEveryWatchInOnePass: re-scoring every watch applies each
// watch's own weights to its deals in one pass, with what a refresh gives;
// when one watch has a deal without factors, that watch alone is scored from
// its listings.
func TestRescoreOfEveryWatchInOnePass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(t, now)
	// Three watches whose deals interleave: each poll adds a few of each.
	var names []string
	for k, own := range []map[string]float64{nil, {scout.CompPhotos: 3}, {scout.CompDistance: 0, scout.CompRisk: 2}} {
		name := fmt.Sprintf("w%d", k)
		names = append(names, name)
		weightsWatch(t, st, now, name, own, 1000*k, 100)
	}
	for k, name := range names {
		w, err := st.Watch(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		_ = weightsWatchMore(t, st, now, &w, 1000*k+100, 150)
	}
	const n = 3 * 250
	all := func() map[string]scout.Score {
		out := map[string]scout.Score{}
		for _, name := range names {
			for id, s := range dealScores(t, st, name) {
				out[name+"/"+id] = s
			}
		}
		return out
	}
	if res, err := rescore(ctx, st, "", scout.DefaultWeights(), scout.CompsOptions{}, now, 100, true); err != nil || res.Refreshed != n {
		t.Fatalf("refresh: %+v, %v", res, err)
	}
	changed := scout.DefaultWeights().Merge(map[string]float64{"condition": 4, "recency": 1})
	before := all()
	res, err := rescore(ctx, st, "", changed, scout.CompsOptions{}, now, 100, false)
	if err != nil {
		t.Fatal(err)
	}
	applied := all()
	var want rescoreTally
	for id, s := range applied {
		want.add(s.Total - before[id].Total)
	}
	if exp := want.result(); res.Refreshed != 0 || res.Deals != n || res.Changed != exp.Changed || res.Up != exp.Up ||
		res.MaxDelta != exp.MaxDelta || exp.Changed == 0 || res.passes != 1 {
		t.Fatalf("re-score of every watch reported %+v; the deals moved %+v, none from listings, in one pass", res, exp)
	}
	if res, err := rescore(ctx, st, "", changed, scout.CompsOptions{}, now, 100, true); err != nil || res.Changed != 0 {
		t.Fatalf("a refresh after applying the weights: %+v, %v; want nothing changed", res, err)
	}
	if diff, ok := sameScores(applied, all()); !ok {
		t.Fatal(diff)
	}

	// A deal of w1 stored without factors: w1 is scored from its listings,
	// the others have the weights applied.
	w1, err := st.Watch(ctx, names[1])
	if err != nil {
		t.Fatal(err)
	}
	batch := scout.FetchBatch{Watch: &w1, Spec: "demo", Now: now, Items: []scout.FetchItem{{Listing: scout.Listing{Source: "demo",
		SourceID: "old", Title: "Oak dining table", PriceCents: 9000, PriceKnown: true, Currency: "USD", ShippingCents: -1}}}}
	if _, err := st.ApplyFetch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	res, err = rescore(ctx, st, "", scout.DefaultWeights(), scout.CompsOptions{}, now, 100, false)
	// Passes: every watch at once (stopped), then each watch, and w1 again from its listings.
	if err != nil || res.Deals != n+1 || res.Refreshed != 251 || res.passes != 5 {
		t.Fatalf("with one deal of %s without factors: %+v, %v; want %d deals, that watch's 251 from their listings, 5 passes",
			names[1], res, err, n+1)
	}
	got := all()
	if res, err := rescore(ctx, st, "", scout.DefaultWeights(), scout.CompsOptions{}, now, 100, true); err != nil || res.Changed != 0 {
		t.Fatalf("a refresh after that: %+v, %v; want nothing changed", res, err)
	}
	if diff, ok := sameScores(got, all()); !ok {
		t.Fatal(diff)
	}
}

// weightsWatchMore adds n more deals to the watch, as weightsWatch does.
func weightsWatchMore(t *testing.T, st *store.Store, now time.Time, w *scout.Watch, from, n int) int {
	t.Helper()
	batch := scout.FetchBatch{Watch: w, Spec: "demo", Now: now}
	for i := from; i < from+n; i++ {
		batch.Items = append(batch.Items, scout.FetchItem{Listing: scout.Listing{Source: "demo", SourceID: fmt.Sprint(i),
			Title: "Oak dining table", PriceCents: int64(5000 + i*613%40000), PriceKnown: true, Currency: "USD",
			Condition: scout.Conditions[i%len(scout.Conditions)], PostedAt: now.Add(-time.Duration(i%90) * time.Hour), ShippingCents: -1}})
	}
	if _, err := st.ApplyFetch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return n
}
