package scout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestFactorsApplyOtherWeights computes each golden input's factors with one
// set of weights and applies others: the score must be the one ScoreDeal
// gives with those other weights, to the bit, explanation included. When
// Apply refuses (the market weight crossed 0), ScoreDeal must indeed use the
// other formula. This is what lets a re-score after a weight change work
// from stored factors instead of the listings.
func TestFactorsApplyOtherWeights(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 12))
	others := []Weights{nil, {CompMarket: 0}, {CompCondition: 0, CompRisk: 3}, {CompPhotos: 5, CompCondition: 3},
		{CompRecency: 100, CompDistance: 0.5, CompKeyword: 2}, {CompRisk: 0, CompLimit: 7, CompFree: 0}}
	for range 6 {
		w := Weights{}
		for _, name := range ComponentNames {
			if rng.IntN(2) == 0 {
				w[name] = []float64{0, 0.25, 1, 2, 4, 10, rng.Float64() * 20}[rng.IntN(7)]
			}
		}
		others = append(others, w)
	}
	modes := map[Mode]int{}
	var applied, refused int
	for i := range goldenCases {
		in, w0, _ := goldenInput(uint64(i))
		f := ComputeFactors(in, w0)
		modes[f.Mode]++
		// With the weights that computed them, the factors give ScoreDeal's score.
		if got, ok := f.Apply(w0, in.Watch); !ok || !sameScore(got, ScoreDeal(in, w0)) {
			t.Errorf("case %d: factors applied with the weights that computed them (ok %v):\n got %+v\nwant %+v",
				i, ok, got, ScoreDeal(in, w0))
		}
		for j, w1 := range others {
			got, ok := f.Apply(w1, in.Watch)
			want := ScoreDeal(in, w1)
			// Total, the re-score's way, agrees with Apply, bit for bit.
			if total, tok := f.Total(ResolveWeights(w1, in.Watch)); tok != ok || ok && math.Float64bits(total) != math.Float64bits(got.Total) {
				t.Errorf("case %d, weights %d: Total = %v (ok %v), Apply's total %v (ok %v)", i, j, total, tok, got.Total, ok)
			}
			if !ok {
				refused++
				if (f.Mode == ModePriceLed) == want.PriceLed || want.Fallback {
					t.Errorf("case %d, weights %d: Apply refused, but ScoreDeal kept the mode (price-led %v)", i, j, want.PriceLed)
				}
				continue
			}
			applied++
			if !sameScore(got, want) {
				t.Errorf("case %d, weights %d: factors computed with %v, applied with %v:\n got %+v\nwant %+v", i, j, w0, w1, got, want)
			}
		}
	}
	t.Logf("modes %v (0 fallback, 1 weighted, 2 price-led), %d applied, %d refused", modes, applied, refused)
	// The inputs reach every mode and both outcomes, or the test proves little.
	if modes[ModeFallback] < 50 || modes[ModeWeighted] < 50 || modes[ModePriceLed] < 50 || refused < 50 || applied < 1000 {
		t.Errorf("coverage too thin: modes %v, %d applied, %d refused", modes, applied, refused)
	}
}

// sameScore compares two scores exactly. fmt prints every float to the
// bit that matters and NaN (a value of a NaN distance) as itself, which
// reflect.DeepEqual would call unequal.
func sameScore(a, b Score) bool {
	if math.Float64bits(a.Total) != math.Float64bits(b.Total) {
		return false
	}
	if (a.ProfitCents == nil) != (b.ProfitCents == nil) || a.ProfitCents != nil && *a.ProfitCents != *b.ProfitCents {
		return false
	}
	a.ProfitCents, b.ProfitCents = nil, nil
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// TestFactorsDoNotDependOnWeights: the factors of one input are the same
// whatever weights chose its mode.
func TestFactorsDoNotDependOnWeights(t *testing.T) {
	t.Parallel()
	for i := range goldenCases {
		in, _, _ := goldenInput(uint64(i))
		a := ComputeFactors(in, Weights{CompCondition: 0, CompPhotos: 9, CompRisk: 0.5})
		b := ComputeFactors(in, nil)
		if fmt.Sprintf("%#v", a) != fmt.Sprintf("%#v", b) {
			t.Fatalf("case %d: factors differ with the weights:\n%+v\n%+v", i, a, b)
		}
	}
}

// TestResolvedWeightsStandInForTheWatch: what a deal stores — its factors,
// rebuilt by NewFactors, and its weights resolved and keyed — scores as the
// factors do with the weights and the watch. A stored deal names only its
// weight set, not its watch's overrides, so this is what its explanation
// depends on.
func TestResolvedWeightsStandInForTheWatch(t *testing.T) {
	t.Parallel()
	sets := []Weights{nil, {CompMarket: 0}, {CompPhotos: 5, CompCondition: 3}, {CompRecency: 0.1, CompRisk: 0, CompKeyword: 1e-9}}
	var withWatchWeights int
	for i := range goldenCases {
		in, w0, _ := goldenInput(uint64(i))
		f := ComputeFactors(in, w0)
		var profit *int64
		if f.HasProfit {
			profit = &f.Profit
		}
		g, err := NewFactors(f.Mode, f.Market, f.Parts(), f.Risk, profit)
		if err != nil {
			t.Fatalf("case %d: NewFactors: %v", i, err)
		}
		if in.Watch != nil && len(in.Watch.Settings.Weights) > 0 {
			withWatchWeights++
		}
		for j, w := range sets {
			key, err := WeightsKey(ResolveWeights(w, in.Watch))
			if err != nil {
				t.Fatal(err)
			}
			stored, err := ParseWeightsKey(key)
			if err != nil {
				t.Fatal(err)
			}
			want, wantOK := f.Apply(w, in.Watch)
			got, ok := g.Apply(stored, nil)
			if ok != wantOK || ok && !sameScore(got, want) {
				t.Fatalf("case %d, weights %d (%s): stored factors and weights give (ok %v)\n%+v\nwant (ok %v)\n%+v",
					i, j, key, ok, got, wantOK, want)
			}
		}
	}
	if withWatchWeights < 20 {
		t.Errorf("only %d golden inputs have a watch with weights of its own: the test proves little", withWatchWeights)
	}
}

func TestWeightsKey(t *testing.T) {
	t.Parallel()
	x, y := 0.1, 0.2 // variables: as constants 0.1 + 0.2 is exactly 0.3
	a, err := WeightsKey(ResolveWeights(Weights{CompPhotos: x + y}, nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := WeightsKey(ResolveWeights(DefaultWeights().Merge(map[string]float64{CompPhotos: 0.30000000000000004}), nil))
	if a != b {
		t.Errorf("equal weight sets, different keys:\n%s\n%s", a, b)
	}
	w, err := ParseWeightsKey(a)
	if err != nil || w[CompPhotos] != x+y || len(w) != len(ComponentNames) {
		t.Errorf("ParseWeightsKey(%s) = %v, %v", a, w, err)
	}
	if _, err := WeightsKey(Weights{CompPhotos: math.NaN()}); err == nil {
		t.Error("a NaN weight was given a key")
	}
	if _, err := ParseWeightsKey(`{"photos":`); err == nil {
		t.Error("a broken key parsed")
	}
}
