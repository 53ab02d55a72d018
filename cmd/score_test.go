package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
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
// `dealscout score` does after a weight change: the new weights applied to
// the factors stored with each deal. Target: under 2 s. The deals are
// stored as polls and `score --refresh` leave them: priced against markets
// of similar listings, so their rows carry markets and comps.
func BenchmarkRescore100k(b *testing.B) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(b, now)
	const n = 100_000
	storeRescoreDeals(b, st, now, n)
	refreshAll(b, st, now, n)
	// Every listing has a photo, so the changed set moves condition, which
	// changes every price-led score. Each run changes the weights: the
	// changed set first, then back to the defaults.
	benchRescores(b, st, now, n, []scout.Weights{benchWeights, scout.DefaultWeights()}, false)
}

// BenchmarkRescoreRefresh100k is `dealscout score --refresh` over 100,000
// deals of one watch: every listing read and scored again, against markets
// from today's comps (the deals were stored without, as a watch's first
// poll stores them, so the first run changes every row).
func BenchmarkRescoreRefresh100k(b *testing.B) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(b, now)
	const n = 100_000
	storeRescoreDeals(b, st, now, n)
	benchRescores(b, st, now, n, []scout.Weights{scout.DefaultWeights(), benchWeights}, true)
}

// storeRescoreDeals stores n deals of one new watch "bench" as its first
// poll would: scored with their factors, without comps (a first poll has
// none yet).
func storeRescoreDeals(b testing.TB, st *store.Store, now time.Time, n int) {
	ctx := context.Background()
	w := addWatch(b, st, "bench", "table")
	batch := scout.FetchBatch{Watch: &w, Spec: "demo", Now: now}
	terms := scout.ParseQuery(w.Query, w.Exclude)
	key, err := scout.WeightsKey(scout.ResolveWeights(nil, &w))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		l := scout.Listing{Source: "demo", SourceID: fmt.Sprint(i), Title: fmt.Sprintf("Oak dining table %d", i%97),
			PriceCents: int64(10000 + i%300*100), PriceKnown: true, Currency: "USD", Condition: scout.Conditions[i%7],
			PostedAt: now.Add(-time.Duration(i%72) * time.Hour), Images: []string{"https://example.com/a.jpg"}, ShippingCents: -1}
		f := scout.ComputeFactors(scout.ScoreInput{Listing: l, Watch: &w, Terms: terms, Now: now}, nil)
		sc, _ := f.Apply(nil, &w)
		batch.Items = append(batch.Items, scout.FetchItem{Listing: l, Score: sc, Factors: &f, WeightsKey: key})
	}
	if _, err := st.ApplyFetch(ctx, batch); err != nil {
		b.Fatal(err)
	}
}

// TestRescoreCrossesChunksAndWatches re-scores two interleaved watches with
// more deals than one pipeline chunk, and checks every stored score against
// a direct ScoreDeal of the same deal.
func TestRescoreCrossesChunksAndWatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	st := rescoreStore(t, now)
	const chunk = 100
	n := chunk + chunk/2 // one full chunk and a partial one per watch
	var ids []int64
	for _, name := range []string{"tables", "chairs"} {
		ids = append(ids, addWatch(t, st, name, "oak").ID)
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
	res, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk, false)
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
	again, err := rescore(ctx, st, "", weights, scout.CompsOptions{}, now, chunk, false)
	if err != nil || again.Changed != 0 || again.Deals != 2*n {
		t.Errorf("second re-score: %+v, %v; want %d deals, 0 changed", again, err, 2*n)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := rescore(cancelled, st, "", weights, scout.CompsOptions{}, now, chunk, false); err == nil {
		t.Error("re-score with a cancelled context returned no error")
	}
}

// scoreMarketFile writes a file: source with a market of one product: 30
// honest listings around $280, one real bargain, one "broken" in its
// description, and a case; it returns the path.
func scoreMarketFile(t *testing.T, dir string, now time.Time) string {
	t.Helper()
	var ls []map[string]any
	add := func(id, title, desc string, cents int64, cond string) {
		ls = append(ls, map[string]any{"source": "fixture", "source_id": id, "title": title, "description": desc,
			"price_cents": cents, "currency": "USD", "condition": cond, "posted_at": now.Add(-3 * time.Hour).Format(time.RFC3339),
			"images": []string{"https://example.invalid/a.jpg"}})
	}
	for i := range 30 {
		add(fmt.Sprintf("n%02d", i), "Nintendo Switch OLED white", "Joy-cons and dock.", int64(26000+i%5*1000), "good")
	}
	add("bargain", "Nintendo Switch OLED white", "Moving sale.", 14000, "good")
	add("broken", "Nintendo Switch OLED white", "Broken screen.", 9000, "good")
	add("case", "Nintendo Switch OLED case", "", 1500, "new")
	data, err := json.Marshal(ls)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "switch.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// listingID finds a stored listing's id by its title and price in deals --json.
func listingID(t *testing.T, c *cli, watch string, cents int64, title string) int64 {
	t.Helper()
	var deals []dealJSON
	if err := json.Unmarshal([]byte(c.ok("deals", "--json", "--watch", watch, "--limit", "500")), &deals); err != nil {
		t.Fatal(err)
	}
	for _, d := range deals {
		if d.Title == title && d.PriceCents == cents {
			return d.ID
		}
	}
	t.Fatalf("no deal %q at %d in watch %s", title, cents, watch)
	return 0
}

func TestScoreExplainNamesCompsAndSignals(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := scoreMarketFile(t, c.dir, c.now)
	c.ok("watch", "add", "switch", "--query", "switch", "--source", "file:"+file)
	c.ok("poll")
	tests := []struct {
		name, title string
		cents       int64
		want        []string
	}{
		{"bargain", "Nintendo Switch OLED white", 14000, []string{"comps: the 20 listings most like this one (title similarity 0.10 or more",
			"Nintendo Switch OLED white", "COMPONENT", "POINTS", "is 50% below the $280 market median", "no warning signs"}},
		{"broken in the description", "Nintendo Switch OLED white", 9000, []string{`says "broken": probably not the working item itself (−40)`}},
		{"accessory", "Nintendo Switch OLED case", 1500, []string{`title says "case": an accessory, not the item searched for`}},
	}
	for _, tt := range tests {
		id := listingID(t, c, "switch", tt.cents, tt.title)
		out := c.ok("score", "--listing", fmt.Sprint(id), "--explain")
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: score --explain lacks %q:\n%s", tt.name, w, out)
			}
		}
	}
}

// Issue 12 item 17: a listing in two watches is not explained at random,
// and --listing is not silently dropped for --title.
func TestScoreListingRefusesAmbiguity(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := scoreMarketFile(t, c.dir, c.now)
	c.ok("watch", "add", "switch", "--query", "switch", "--source", "file:"+file)
	c.ok("watch", "add", "nintendo", "--query", "nintendo", "--source", "file:"+file)
	c.ok("poll")
	id := fmt.Sprint(listingID(t, c, "switch", 14000, "Nintendo Switch OLED white"))
	code, _, errs := c.run("score", "--listing", id)
	if code != ExitUsage || !strings.Contains(errs, "--watch") || !strings.Contains(errs, "nintendo, switch") {
		t.Errorf("listing in two watches: exit %d stderr %q, want 2 naming --watch and both watches", code, errs)
	}
	if out := c.ok("score", "--listing", id, "--watch", "nintendo"); !strings.Contains(out, "watch nintendo") {
		t.Errorf("with --watch nintendo: %q, want that watch's deal", out)
	}
	code, _, errs = c.run("score", "--listing", id, "--title", "x")
	if code != ExitUsage || !strings.Contains(errs, "--listing") || !strings.Contains(errs, "--title") {
		t.Errorf("--listing with --title: exit %d stderr %q, want 2 naming both", code, errs)
	}
}

// Issue 12 item 15: a given market price is explained as given.
func TestScoreGivenMarketPriceExplained(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	out := c.ok("score", "--title", "IKEA Kivik sofa", "--price", "250", "--market-price", "300", "--explain")
	if !strings.Contains(out, "market value $300.00 (given)") || strings.Contains(out, "middle half") || strings.Contains(out, "comps") {
		t.Errorf("--market-price 300 explained as:\n%s\nwant \"market value $300.00 (given)\" and no comps sentence", out)
	}
}

// Issue 12 item 16: counts agree with their nouns, and a loss reads -$9.95.
func TestScoreWordsPluralsAndSigns(t *testing.T) {
	t.Parallel()
	m := scout.Market{MedianCents: 20000, Samples: 1, Confidence: scout.ConfidenceLow, P25Cents: 19000, P75Cents: 21000, WindowDays: 1, Condition: "all"}
	if got := marketLine(m, "USD"); !strings.Contains(got, "from 1 comp,") || !strings.Contains(got, "last 1 day") {
		t.Errorf("marketLine = %q, want \"from 1 comp,\" and \"last 1 day\"", got)
	}
	if got := marketLine(scout.Market{Similar: 1, Floor: 0.1, Confidence: scout.ConfidenceNone}, "USD"); !strings.Contains(got, "1 similar listing at") {
		t.Errorf("marketLine = %q, want \"1 similar listing at\"", got)
	}
	if got := minusPrice(-995, "USD"); got != "-$9.95" {
		t.Errorf("minusPrice(-995) = %q, want -$9.95", got)
	}
	c := newCLI(t)
	out := c.ok("score", "--title", "IKEA Kivik sofa", "--price", "290", "--market-price", "300")
	if !strings.Contains(out, "estimated profit -$") {
		t.Errorf("a loss reads:\n%s\nwant \"estimated profit -$…\"", out)
	}
}
