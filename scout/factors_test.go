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
