package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

func TestScoreAdHocJSONShape(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	out := c.ok("score", "--title", "IKEA Kivik sofa", "--price", "250", "--query", "sofa", "--condition", "good",
		"--age", "12h", "--distance-mi", "5", "--photos", "3", "--market-price", "300", "--json")
	var got struct {
		Score      float64 `json:"score"`
		Components map[string]struct {
			Value  *float64 `json:"value"`
			Weight *float64 `json:"weight"`
			Reason string   `json:"reason"`
		} `json:"components"`
		Market struct {
			MedianCents int64  `json:"median_cents"`
			Samples     *int   `json:"samples"`
			Confidence  string `json:"confidence"`
		} `json:"market"`
		ProfitCents *int64 `json:"profit_cents"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("score --json is not the documented shape: %v\n%s", err, out)
	}
	if got.Score <= 0 || got.Score > 100 || got.Market.MedianCents != 30000 || got.ProfitCents == nil {
		t.Errorf("score %.1f market %d profit %v; want a score in (0,100], market 30000 and a profit", got.Score, got.Market.MedianCents, got.ProfitCents)
	}
	for name, comp := range got.Components {
		if comp.Value == nil || comp.Weight == nil || comp.Reason == "" {
			t.Errorf("component %s lacks value, weight or reason: %+v", name, comp)
		}
	}
	if _, ok := got.Components["market"]; !ok {
		t.Error("with --market-price, the market component is missing")
	}
	// Cheaper scores higher, all else equal.
	cheap := c.ok("score", "--title", "IKEA Kivik sofa", "--price", "200", "--query", "sofa", "--condition", "good",
		"--age", "12h", "--distance-mi", "5", "--photos", "3", "--market-price", "300", "--json")
	var cheaper struct{ Score float64 }
	_ = json.Unmarshal([]byte(cheap), &cheaper)
	if cheaper.Score <= got.Score {
		t.Errorf("$200 scored %.1f, not above $250's %.1f", cheaper.Score, got.Score)
	}
}

func TestScoreAdHocRejectsBadInput(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{
		{"score", "--title", "x"},
		{"score", "--price", "10"},
		{"score", "--title", "x", "--price", "abc"},
		{"score", "--title", "x", "--price", "10", "--condition", "shiny"},
		{"score", "--title", "x", "--price", "10", "--market-price", "0"},
		{"score", "--title", "x", "--price", "10", "--distance-mi", "-3"},
		{"score", "--title", "x", "--price", "10", "--watch", "nope"},
	} {
		if code, _, errs := c.run(args...); code != ExitUsage || errs == "" {
			t.Errorf("%v: exit %d stderr %q, want 2 with a message", args, code, errs)
		}
	}
}

func TestScoreFallbackFollowsTheOriginalFormula(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	// No market and no watch limit: the original Deal Scout formula.
	// $150 good, 12 h old, 5 mi, photos, full keyword match:
	// price 3×(1−150/300)=1.5, condition 2×.6=1.2, recency 2×(1−12/72)=1.667,
	// distance 1×(1−5/50)=.9, photos 1, keyword .1 → 6.367/9×100 = 70.7
	out := c.ok("score", "--title", "Leather couch", "--price", "150", "--query", "couch", "--condition", "good",
		"--age", "12h", "--distance-mi", "5", "--photos", "2", "--json")
	var got struct {
		Score    float64 `json:"score"`
		Fallback bool    `json:"fallback"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Fallback || got.Score != 70.7 {
		t.Errorf("score = %.1f fallback %v, want 70.7 by the original formula", got.Score, got.Fallback)
	}
}

func TestScoreRescoresAfterWeightsChange(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("demo", "--no-serve")
	// demo's poll priced each listing against the comps it had, including
	// its own batch, so re-scoring at the same clock changes nothing.
	if out := c.ok("score"); !strings.Contains(out, " 0 changed") {
		t.Fatalf("re-scoring with unchanged weights and clock: %q, want 0 changed", out)
	}
	w := &cli{t: t, dir: c.dir, env: append(c.env, "DEALSCOUT_SCORE_WEIGHTS=photos=20,distance=10"), now: c.now}
	out := w.ok("score")
	if strings.Contains(out, " 0 changed") || !strings.Contains(out, "changed") {
		t.Fatalf("re-scoring after a weight change: %q, want deals changed", out)
	}
	if again := w.ok("score"); !strings.Contains(again, " 0 changed") {
		t.Errorf("re-scoring twice: %q, want 0 changed the second time", again)
	}
	var deals []dealJSON
	_ = json.Unmarshal([]byte(c.ok("deals", "--json", "--limit", "1")), &deals)
	if len(deals) != 1 {
		t.Fatal("no deals after demo")
	}
	explain := c.ok("score", "--listing", fmt.Sprint(deals[0].ID), "--explain")
	for _, want := range []string{"COMPONENT", "photos", "distance", "market value"} {
		if !strings.Contains(explain, want) {
			t.Errorf("score --explain lacks %q:\n%s", want, explain)
		}
	}
	if code, _, _ := c.run("score", "--listing", "999999", "--explain"); code != ExitUsage {
		t.Errorf("explaining a missing listing exit %d, want 2", code)
	}
}

// BenchmarkRescore100k re-scores 100,000 stored deals of one watch, the way
// `dealscout score` does after a weight change. Target: under 2 s.
func BenchmarkRescore100k(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx, 0); err != nil {
		b.Fatal(err)
	}
	w := scout.NewWatch("bench")
	w.Query = "table"
	if err := st.CreateWatch(ctx, &w); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	// Stored as a poll stores them: scored, here without comps (the first
	// poll of a watch has none yet), so the re-score below replaces full
	// components of the same size rather than growing empty ones.
	batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
	terms := scout.ParseQuery(w.Query, w.Exclude)
	for i := 0; i < n; i++ {
		l := scout.Listing{Source: "demo", SourceID: fmt.Sprint(i), Title: fmt.Sprintf("Oak dining table %d", i%97),
			PriceCents: int64(10000 + i%300*100), PriceKnown: true, Currency: "USD", Condition: scout.Conditions[i%7],
			PostedAt: now.Add(-time.Duration(i%72) * time.Hour), Images: []string{"https://example.com/a.jpg"}, ShippingCents: -1}
		sc := scout.ScoreDeal(scout.ScoreInput{Listing: l, Watch: &w, Terms: terms, Now: now}, nil)
		batch.Items = append(batch.Items, scout.FetchItem{Listing: l, Score: sc})
	}
	if _, err := st.ApplyFetch(ctx, batch); err != nil {
		b.Fatal(err)
	}
	weights := []scout.Weights{scout.DefaultWeights(), scout.DefaultWeights().Merge(map[string]float64{"photos": 5})}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Rescore(ctx, st, "", weights[i%2], scout.CompsOptions{}, now)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deals != n || res.Changed == 0 {
			b.Fatalf("re-scored %d deals, %d changed; want %d, some changed", res.Deals, res.Changed, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
}

// TestRescoreCrossesChunksAndWatches re-scores two interleaved watches with
// more deals than one pipeline chunk, and checks every stored score against
// a direct ScoreDeal of the same deal.
func TestRescoreCrossesChunksAndWatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	const chunk = 100
	n := chunk + chunk/2 // one full chunk and a partial one per watch
	var ids []int64
	for _, name := range []string{"tables", "chairs"} {
		w := scout.NewWatch(name)
		w.Query = "oak"
		if err := st.CreateWatch(ctx, &w); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w.ID)
	}
	// Alternate the watches' batches so their deal ids interleave.
	for part := 0; part < 3; part++ {
		for wi, name := range []string{"tables", "chairs"} {
			w, _ := st.Watch(ctx, name)
			batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
			for i := part * n / 3; i < (part+1)*n/3; i++ {
				l := scout.Listing{Source: "demo", SourceID: fmt.Sprintf("%s-%d", name, i), Title: "Oak thing",
					PriceCents: int64(1000 + i%50*100), PriceKnown: true, Currency: "USD", Condition: scout.Conditions[i%7],
					PostedAt: now.Add(-time.Duration(i%48) * time.Hour), ShippingCents: -1}
				batch.Items = append(batch.Items, scout.FetchItem{Listing: l, Score: scout.Score{Total: float64(wi)}})
			}
			if _, err := st.ApplyFetch(ctx, batch); err != nil {
				t.Fatal(err)
			}
		}
	}
	weights := scout.DefaultWeights()
	res, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deals != 2*n || res.Changed != 2*n {
		t.Fatalf("re-score: %d deals, %d changed; want %d and %d", res.Deals, res.Changed, 2*n, 2*n)
	}
	for wi, name := range []string{"tables", "chairs"} {
		w, _ := st.Watch(ctx, name)
		comps, err := st.Comps(ctx, ids[wi], now.Add(-scout.DefaultCompsWindow))
		if err != nil {
			t.Fatal(err)
		}
		markets := scout.NewMarketCache(comps, scout.CompsOptions{}, now)
		deals, err := st.Deals(ctx, store.DealFilter{Watch: name, Limit: 2 * n, MinScore: -1})
		if err != nil {
			t.Fatal(err)
		}
		if len(deals) != n {
			t.Fatalf("%s has %d deals, want %d", name, len(deals), n)
		}
		for _, d := range deals {
			want := scout.ScoreDeal(scout.ScoreInput{Listing: d.Listing, Watch: &w, Terms: scout.ParseQuery(w.Query, w.Exclude),
				DistanceMi: d.DistanceMi, Market: markets.For(d.Listing), Now: now}, weights)
			if d.Score.Total != want.Total {
				t.Fatalf("%s deal %d: stored score %v, want %v", name, d.ID, d.Score.Total, want.Total)
			}
		}
	}
	again, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk)
	if err != nil || again.Changed != 0 || again.Deals != 2*n {
		t.Errorf("second re-score: %+v, %v; want %d deals, 0 changed", again, err, 2*n)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := rescore(cancelled, st, "", weights, scout.CompsOptions{}, now, chunk); err == nil {
		t.Error("re-score with a cancelled context returned no error")
	}
}
