package store

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// factorInput is one of many varied scoring inputs: every formula, warning
// signs of each kind, markets with comps and without, free listings,
// watches with limits, radii and weights of their own, and the reasons
// that are stored as templates (prices in $, € and £, hours and days,
// distances, photo counts).
func factorInput(i uint64) (scout.ScoreInput, scout.Weights) {
	rng := rand.New(rand.NewPCG(11, i))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	chance := func(p float64) bool { return rng.Float64() < p }
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	l := scout.Listing{Source: "t", SourceID: fmt.Sprint(i), Currency: pick("USD", "USD", "EUR", "GBP", "CAD"), ShippingCents: -1,
		Title: pick("Oak dining table", "iPhone 13 case", "Lot of 5 chairs", "WANTED oak table", "Broken TV for parts",
			"Sealed iPad", "Table \"as is\"", "Grey sofa x10 bundle", "Kettlebell 16 kg"),
		Description: pick("", "", "Pay by Zelle, shipping only.", "Needs repair.", "Smoke-free home."),
		PriceKnown:  chance(.9), Free: chance(.1), Condition: scout.Conditions[rng.IntN(len(scout.Conditions))]}
	l.PriceCents = []int64{0, 100, 12300, rng.Int64N(60000), rng.Int64N(60000)}[rng.IntN(5)]
	if chance(.9) {
		l.PostedAt = now.Add(-time.Duration(rng.Int64N(int64(10 * 24 * time.Hour))))
	}
	for range rng.IntN(5) {
		l.Images = append(l.Images, "https://example.invalid/a.jpg")
	}
	in := scout.ScoreInput{Listing: l, Now: now}
	if chance(.7) {
		d := rng.Float64() * 80
		in.DistanceMi = &d
	}
	if chance(.7) {
		in.Market = scout.Market{MedianCents: 1000 + rng.Int64N(50000), Samples: 3 + rng.IntN(30),
			Confidence: pick(scout.ConfidenceLow, scout.ConfidenceMedium, scout.ConfidenceHigh), IQRCents: rng.Int64N(5000),
			P25Cents: rng.Int64N(20000), P75Cents: rng.Int64N(40000), WindowDays: 30, Condition: pick("all", "excellent/great/good", "fair/poor")}
		if chance(.7) {
			in.Market.Similar, in.Market.Floor = 2+rng.IntN(18), 0.1
			for k := range rng.IntN(4) {
				in.Market.Examples = append(in.Market.Examples, scout.CompExample{Title: fmt.Sprintf("Oak table \"%d\" ✓", k),
					PriceCents: rng.Int64N(50000), Similarity: math.Round(rng.Float64()*100) / 100})
			}
		}
	}
	if chance(.7) {
		w := scout.NewWatch("w")
		w.Query = pick("", "oak table", "iphone", "sofa", "chairs")
		if chance(.4) {
			m := 1000 + rng.Int64N(40000)
			w.MaxPriceCents = &m
		}
		if chance(.4) {
			w.RadiusMi = float64(1 + rng.IntN(100))
		}
		if chance(.3) {
			w.Settings.Weights = map[string]float64{scout.CompPhotos: float64(rng.IntN(5)), scout.CompRisk: float64(rng.IntN(3))}
		}
		in.Watch = &w
		in.Terms = scout.ParseQuery(w.Query, nil)
	}
	var weights scout.Weights
	if chance(.3) {
		weights = scout.Weights{scout.CompMarket: float64(rng.IntN(3)), scout.CompCondition: rng.Float64() * 4}
	}
	return in, weights
}

// TestFactorsRoundTrip: stored factors read back give, with any weights,
// the score the factors gave before storing, explanation included; and the
// lean reading a re-score uses gives the same total.
func TestFactorsRoundTrip(t *testing.T) {
	t.Parallel()
	others := []scout.Weights{nil, {scout.CompPhotos: 5, scout.CompCondition: 3}, {scout.CompRisk: 0, scout.CompRecency: 0.5},
		{scout.CompMarket: 0}}
	modes := map[scout.Mode]int{}
	var templated, verify, flagged, examples int
	for i := range uint64(3000) {
		in, w := factorInput(i)
		f := scout.ComputeFactors(in, w)
		b, err := AppendFactors(nil, &f)
		if err != nil {
			t.Fatalf("case %d: encode: %v", i, err)
		}
		g, err := decodeFactors(b, false)
		if err != nil {
			t.Fatalf("case %d: decode %s: %v", i, b, err)
		}
		lean, err := FactorsForTotal(b)
		if err != nil {
			t.Fatalf("case %d: lean decode %s: %v", i, b, err)
		}
		for j, w2 := range append(others, w) {
			want, wantOK := f.Apply(w2, in.Watch)
			got, ok := g.Apply(w2, in.Watch)
			if ok != wantOK || !sameScore(got, want) {
				t.Fatalf("case %d, weights %d: stored factors give (ok %v)\n%#v\nwant (ok %v)\n%#v\nfrom %s", i, j, ok, got, wantOK, want, b)
			}
			total, tok := lean.Total(scout.ResolveWeights(w2, in.Watch))
			if tok != wantOK || tok && total != want.Total {
				t.Fatalf("case %d, weights %d: the lean reading's total %v (ok %v), want %v (ok %v)\nfrom %s", i, j, total, tok, want.Total, wantOK, b)
			}
		}
		modes[f.Mode]++
		if strings.Contains(string(b), ",[0,") || strings.Contains(string(b), ",[1,") || strings.Contains(string(b), ",[3,") {
			templated++
		}
		if f.Risk.Verify != "" {
			verify++
		}
		if f.Risk.Flagged || f.Risk.Penalty > 0 {
			flagged++
		}
		if len(f.Market.Examples) > 0 {
			examples++
		}
	}
	t.Logf("modes %v, %d with templates, %d to verify, %d flagged, %d with comps", modes, templated, verify, flagged, examples)
	if modes[scout.ModeFallback] < 200 || modes[scout.ModeWeighted] < 200 || modes[scout.ModePriceLed] < 200 ||
		templated < 1000 || verify < 100 || flagged < 300 || examples < 500 {
		t.Errorf("the inputs are too narrow to prove much: modes %v, %d templated, %d verify, %d flagged, %d with comps",
			modes, templated, verify, flagged, examples)
	}
}

// sameScore compares scores exactly: the profit by value, every other
// field as %#v prints it (to the bit that matters, and NaN as NaN).
func sameScore(a, b scout.Score) bool {
	if (a.ProfitCents == nil) != (b.ProfitCents == nil) || a.ProfitCents != nil && *a.ProfitCents != *b.ProfitCents {
		return false
	}
	a.ProfitCents, b.ProfitCents = nil, nil
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// TestFactorsRejectMalformedRows: a damaged row is an error, never a panic
// or a wrong score.
func TestFactorsRejectMalformedRows(t *testing.T) {
	t.Parallel()
	in, _ := factorInput(7)
	f := scout.ComputeFactors(in, nil)
	good, err := AppendFactors(nil, &f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeFactors(good, false); err != nil {
		t.Fatalf("the good row %s: %v", good, err)
	}
	for _, bad := range []string{
		``, `{"x":[`, `{"x":[9,[],[0,0,"",0,"",60]]}`, `{"x":[0,[],[7,0,"",0,"",60]]}`, `{"x":[0,[[99,1,6]],[0,0,"",0,"",60]]}`,
		`{"x":[0,[],[0,2,"",0,"",60]]}`, `{"x":[0,[[4,1,[9,1]]],[0,0,"",0,"",60]]}`, `{"x":[2,[[1,0.5,[0,100],50]],[2,0,"",0,"",60]]}`,
		`{"x":[0,[],[0,0,"",0,"",60]]}x`, `{"x":[0,[],[0,0,"",0,"",60]],"p":}`,
		`{"x":[0,[[4,1,6],[4,1,6],[4,1,6],[4,1,6],[4,1,6],[4,1,6],[4,1,6],[4,1,6],[4,1,6]],[0,0,"",0,"",60]]}`,
		string(good[:len(good)-1]),
	} {
		if f, err := decodeFactors([]byte(bad), false); err == nil {
			t.Errorf("decodeFactors(%q) = %+v, want an error", bad, f)
		}
	}
}

// FuzzFactors: any bytes decode to factors or an error, in both readings.
func FuzzFactors(f *testing.F) {
	for i := range uint64(20) {
		in, w := factorInput(i)
		fa := scout.ComputeFactors(in, w)
		b, err := AppendFactors(nil, &fa)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		full, err := decodeFactors(b, false)
		if err != nil {
			return
		}
		// What the full reading accepts, the lean one reads to the same total.
		lean, err := decodeFactors(b, true)
		if err != nil {
			t.Fatalf("the lean reading refuses %q: %v", b, err)
		}
		for _, w := range []scout.Weights{nil, {scout.CompMarket: 0}} {
			rw := scout.ResolveWeights(w, nil)
			a, okA := full.Total(rw)
			c, okC := lean.Total(rw)
			if okA != okC || okA && math.Float64bits(a) != math.Float64bits(c) && !(math.IsNaN(a) && math.IsNaN(c)) {
				t.Fatalf("%q: totals %v (ok %v) and lean %v (ok %v)", b, a, okA, c, okC)
			}
		}
	})
}
