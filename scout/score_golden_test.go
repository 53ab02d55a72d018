package scout

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/score_golden.jsonl from the current code")

// goldenCases is how many generated inputs testdata/score_golden.jsonl holds,
// and goldenPrices how many random amounts it formats besides the edge
// cases: enough to reach every branch of ScoreDeal several times over, small
// enough to keep in the repository.
const (
	goldenCases  = 600
	goldenPrices = 100
)

// TestScoreDealGolden holds ScoreDeal, the reason texts, the price formatting
// and the title matching to the bytes they produced before they were
// optimised: stored scores are compared byte for byte, so a faster scorer
// that words one reason differently would rewrite every stored deal. The
// inputs are generated from a fixed seed to cover every branch (see
// goldenInput). Run with -update only when a change of output is intended.
func TestScoreDealGolden(t *testing.T) {
	t.Parallel()
	var got bytes.Buffer
	writeGolden(&got, goldenCases, goldenPrices)
	const path = "testdata/score_golden.jsonl"
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestScoreDealGolden -update to create it)", err)
	}
	gotLines, wantLines := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
	bad := 0
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Errorf("line %d differs:\n got %s\nwant %s", i+1, g, w)
			if bad++; bad == 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

// writeGolden writes one JSON line for each of n generated inputs, then a
// line of price formatting for each edge case and prices random amounts.
func writeGolden(out io.Writer, n, prices int) {
	bw := bufio.NewWriter(out)
	defer bw.Flush()
	for i := range n {
		in, w, query := goldenInput(uint64(i))
		sc := ScoreDeal(in, w)
		scoreJSON, err := json.Marshal(sc)
		if err != nil {
			scoreJSON, _ = json.Marshal(err.Error())
		}
		phrase, bad := MismatchSignal(in.Listing.Title)
		line := struct {
			Case      int             `json:"case"`
			Score     json.RawMessage `json:"score"`
			Relevance float64         `json:"relevance"`
			Mismatch  string          `json:"mismatch,omitempty"`
			Bad       bool            `json:"bad,omitempty"`
			Include   []string        `json:"include,omitempty"`
			Exclude   []string        `json:"exclude,omitempty"`
			Match     bool            `json:"match"`
			Filter    string          `json:"filter,omitempty"`
		}{Case: i, Score: scoreJSON, Relevance: Relevance(in.Terms, in.Listing.Title), Mismatch: phrase, Bad: bad,
			Include: in.Terms.Include, Exclude: in.Terms.Exclude, Match: in.Terms.Match(in.Listing)}
		if in.Watch != nil {
			pt := ParseQuery(query, in.Watch.Exclude)
			ok, d, why := FilterListing(in.Watch, pt, in.Listing)
			line.Filter = fmt.Sprintf("%v %v %s", ok, d != nil, why)
		}
		b, err := json.Marshal(line)
		if err != nil {
			panic(err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	currencies := []string{"", "USD", "usd", " usd ", "EUR", "eur", "Eur", "GBP", "gbp", "CAD", "cad", "JPY", "X.00Y", "x.00", ".00", "ß", "€"}
	rng := rand.New(rand.NewPCG(7, 8))
	cents := []int64{0, 1, -1, 5, 9, 10, 50, 99, 100, 101, 199, 1000, 1050, 1099, 12345, 15000, 29999, 30000, -100, -101, -12345,
		MaxPriceCents, -MaxPriceCents, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, math.MaxInt64 - 99}
	for range prices {
		cents = append(cents, rng.Int64N(2_000_000)-1_000_000, rng.Int64N(100)*100, rng.Int64())
	}
	for _, c := range cents {
		fmt.Fprintf(bw, "cents %d %q", c, FormatCents(c))
		for _, cur := range currencies {
			fmt.Fprintf(bw, " %q %q", FormatPrice(c, cur), money(c, cur))
		}
		bw.WriteByte('\n')
	}
}

var goldenNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// goldenInput generates the i'th golden input, with the weights to score it
// with and the watch's query text. Each case has its own seed, so a
// difference can be reproduced alone.
func goldenInput(i uint64) (ScoreInput, Weights, string) {
	rng := rand.New(rand.NewPCG(20261124, i))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	chance := func(p float64) bool { return rng.Float64() < p }
	now := goldenNow.Add(time.Duration(rng.Int64N(int64(1000 * time.Hour))))

	var l Listing
	var words []string
	for range rng.IntN(9) {
		words = append(words, pick("Grey", "grey", "couch", "Couches", "sofa", "oak", "Oak", "table", "dining", "chairs", "Chair",
			"café", "CAFÉ", "Straße", "ÆRØ", "ps4", "PS4", "TV", "tvs", "glass", "boxes", "box", "i7-8700", "for parts", "parts only",
			"Broken", "not working", "box only", "empty box", "read description", "WANTED", "WTB", "iso", "ISO:", "isometric",
			"looking for", "for", "parts", "wanted!", "日本", "\xff", "Ñandú", "sleeper", "excellent", "new", "2", "three-seat",
			"Crème brûlée", "Škoda Łódź", "ÀÉÎÕÜ ýÿ żź", "āăą ćč ēėęě īį ńň ōő ūůű", "glasses", "dishes", "quizzes", "status", "bus"))
	}
	l.Title = strings.Join(words, pick(" ", " ", ", ", "-", "/", "", " – "))
	if chance(.3) {
		l.Description = pick("Grey couch, smoke-free home.", "sleeper sofa", "oak dining table", "Broken leg", "")
	}
	l.PriceKnown = chance(.85)
	l.Free = chance(.15)
	switch rng.IntN(6) {
	case 0:
		l.PriceCents = []int64{0, 1, 99, 100, 15000, 20000, 20050, 29999, 30000, 45000, MaxPriceCents, -500, -1,
			math.MaxInt64, math.MinInt64, 1<<53 + 1}[rng.IntN(16)]
	case 1:
		l.PriceCents = rng.Int64N(100) * 100
	default:
		l.PriceCents = rng.Int64N(60000)
	}
	l.Currency = pick("USD", "USD", "USD", "usd", " eur ", "EUR", "GBP", "gbp", "CAD", "", "", "JPY", "X.00Y")
	l.Condition = Condition(pick("new", "like_new", "excellent", "great", "good", "fair", "poor", "unknown", "",
		"Used - Good", "like new", "Like-New", "whatever", "For parts or not working"))
	if !chance(.15) {
		ages := []time.Duration{0, 30 * time.Minute, time.Hour - 1, time.Hour, 5 * time.Hour, 48*time.Hour - 1, 48 * time.Hour,
			72 * time.Hour, 3*24*time.Hour + 7*time.Hour, 10 * 24 * time.Hour, -2 * time.Hour}
		age := ages[rng.IntN(len(ages))]
		if chance(.5) {
			age = time.Duration(rng.Int64N(int64(20 * 24 * time.Hour)))
		}
		l.PostedAt = now.Add(-age)
	}
	switch rng.IntN(7) {
	case 0:
	case 1:
		l.Images = []string{}
	case 2:
		l.Images = []string{pick("", "  ", "\t")}
	case 3:
		l.Images = []string{"https://x/1.jpg"}
	case 4:
		l.Images = []string{"https://x/1.jpg", ""}
	default:
		for range rng.IntN(13) {
			l.Images = append(l.Images, pick("https://x/a.jpg", "", " ", "https://x/b.jpg"))
		}
	}
	if chance(.3) {
		l.ShippingCents = []int64{-1, 0, 500, 1999}[rng.IntN(4)]
	} else {
		l.ShippingCents = -1
	}

	in := ScoreInput{Listing: l, Now: now}
	if !chance(.25) {
		d := []float64{0, 0.04, 0.05, 0.15, 5, 49.99, 50, 120, -3, 1e9, math.Inf(1), math.Inf(-1), math.NaN(),
			rng.Float64() * 100, rng.Float64() * 100, rng.Float64() * 100}[rng.IntN(16)]
		in.DistanceMi = &d
	}

	switch rng.IntN(5) {
	case 0:
	case 1:
		in.Market = Market{MedianCents: []int64{0, -5, 1, 100, 15000, 20000, 20050}[rng.IntN(7)]}
	default:
		in.Market.MedianCents = rng.Int64N(50000) - 100
	}
	if in.Market.MedianCents != 0 {
		in.Market.Samples = rng.IntN(40)
		in.Market.Confidence = pick("", ConfidenceNone, ConfidenceLow, ConfidenceMedium, ConfidenceHigh, ConfidenceHigh, "weird")
		in.Market.Condition = pick("all", "all", "excellent/great/good", "new/like_new", "fair/poor", "")
		in.Market.P25Cents = in.Market.MedianCents - rng.Int64N(5000)
		in.Market.P75Cents = in.Market.MedianCents + rng.Int64N(5000)
		in.Market.IQRCents = in.Market.P75Cents - in.Market.P25Cents
		in.Market.WindowDays = rng.IntN(60)
	}

	weights := func() map[string]float64 {
		switch rng.IntN(40) {
		case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9:
			return nil
		case 10, 11, 12, 13, 14, 15, 16, 17, 18, 19:
			return map[string]float64{}
		case 20:
			// Every weight zero: both formulas divide by nothing.
			w := map[string]float64{}
			for _, name := range ComponentNames {
				w[name] = 0
			}
			return w
		case 21:
			return map[string]float64{CompPrice: 0, CompCondition: 0, CompRecency: 0, CompDistance: 0, CompPhotos: 0}
		}
		w := map[string]float64{}
		for range rng.IntN(6) + 1 {
			name := pick(CompPrice, CompMarket, CompLimit, CompFree, CompCondition, CompRecency, CompDistance, CompPhotos,
				CompKeyword, CompRisk, "bogus", "Market")
			w[name] = []float64{0, 0, 0.5, 1, 2.5, 3, 10, 100, rng.Float64() * 10}[rng.IntN(9)]
		}
		return w
	}
	w := weights()

	query := pick("", "grey couch", `"grey couch" -sleeper`, "couch", "oak table chairs", `"oak dining table"`, "ps4", "tv",
		"-broken", "café", "boxes", `"for parts"`, "chair -\"empty box\"", "Straße ÆRØ", "i7-8700", "new 2")
	exclude := []string{}
	if chance(.2) {
		exclude = append(exclude, pick("broken", "-sleeper", " wanted ", "box only"))
	}
	if chance(.1) {
		// Terms not made by ParseQuery: compiled on every use.
		in.Terms = Terms{Include: strings.Fields(query), Exclude: exclude}
	} else {
		in.Terms = ParseQuery(query, exclude)
	}
	if !chance(.2) {
		wt := NewWatch("golden")
		wt.Query, wt.Exclude = query, exclude
		wt.Currency = pick("USD", "USD", "EUR", "", "cad", "GBP")
		if chance(.7) {
			wt.MaxPriceCents = centsPtr([]int64{0, 0, 1, 25000, 30000, -100, rng.Int64N(60000)}[rng.IntN(7)])
		}
		if chance(.3) {
			wt.MinPriceCents = centsPtr(rng.Int64N(20000))
		}
		wt.RadiusMi = []float64{0, 0, -5, 10, 25, 100, 0.001, rng.Float64() * 80}[rng.IntN(8)]
		wt.HasCoords, wt.Lat, wt.Lng = chance(.5), 37.7749, -122.4194
		if wt.HasCoords && chance(.7) {
			in.Listing.HasCoords, in.Listing.Lat, in.Listing.Lng = true, 37+rng.Float64(), -122-rng.Float64()
		}
		if chance(.3) {
			wt.Conditions = []Condition{CondGood, CondLikeNew}
		}
		wt.Settings.FeePct = []float64{0, 13, 7.5, rng.Float64() * 30}[rng.IntN(4)]
		wt.Settings.ShippingCents = rng.Int64N(3000)
		wt.Settings.TravelCentsPerMi = []int64{0, 0, 50, 67}[rng.IntN(4)]
		wt.Settings.Weights = weights()
		in.Watch = &wt
	}
	return in, w, query
}

// TestRescoreMatchesScoreDeal checks that Rescore, which resolves the
// weights once per watch and keeps the profits in one slice, scores each
// deal exactly as ScoreDeal does, over the golden inputs.
func TestRescoreMatchesScoreDeal(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	var comps []Comp
	for i := range 60 {
		comps = append(comps, Comp{Key: fmt.Sprint(i), PriceCents: 15000 + rng.Int64N(10000),
			Currency: []string{"USD", "EUR", "CAD"}[i%3], Condition: Conditions[rng.IntN(len(Conditions))],
			Title: "Grey couch", SeenAt: goldenNow.Add(-time.Duration(rng.Int64N(int64(20 * 24 * time.Hour))))})
	}
	next, priced := uint64(0), 0
	for range 20 {
		var w *Watch
		var weights Weights
		for w == nil {
			var in ScoreInput
			in, weights, _ = goldenInput(next)
			w, next = in.Watch, next+1
		}
		deals := make([]Deal, 150)
		for i := range deals {
			in, _, _ := goldenInput(next)
			next++
			deals[i] = Deal{ID: int64(i + 1), Listing: in.Listing, DistanceMi: in.DistanceMi}
		}
		markets := NewMarketCache(comps, CompsOptions{}, goldenNow)
		factors := make([]Factors, len(deals))
		got := Rescore(w, deals, markets, weights, goldenNow, factors)
		terms := ParseQuery(w.Query, w.Exclude)
		for i, d := range deals {
			in := ScoreInput{Listing: d.Listing, Watch: w, Terms: terms, DistanceMi: d.DistanceMi,
				Market: markets.For(d.Listing), Now: goldenNow}
			want := ScoreDeal(in, weights)
			if got[i].ProfitCents != nil {
				priced++
			}
			if !reflect.DeepEqual(got[i], want) {
				t.Fatalf("deal %d of watch %q:\nRescore   %+v\nScoreDeal %+v", i, w.Name, got[i], want)
			}
			if wantF := ComputeFactors(in, weights); !reflect.DeepEqual(factors[i], wantF) {
				t.Fatalf("deal %d of watch %q: Rescore's factors\n%+v\nComputeFactors\n%+v", i, w.Name, factors[i], wantF)
			}
		}
	}
	if priced == 0 {
		t.Error("no deal was priced against a market; the comps no longer make one")
	}
}
