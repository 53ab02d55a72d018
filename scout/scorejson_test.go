package scout

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// plainScore has Score's fields and none of its methods, so json.Marshal
// encodes it by reflection: the reference AppendJSON must equal.
type plainScore Score

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	profit := int64(-2675)
	cases := []Score{
		{},
		{Total: 74.5, Components: map[string]Component{
			"recency":   {Value: 0.8686933885145602, Weight: 2, Reason: "posted 9 hours ago"},
			"market":    {Value: 0.5736842105263158, Weight: 1.5, Reason: "$440 is 7% below the $475 market median (5 comps, low confidence)"},
			"condition": {Value: 0.6, Weight: 2, Reason: "condition: good"},
		}, Market: Market{MedianCents: 47500, Samples: 5, Confidence: "low", IQRCents: 4625, P25Cents: 43875,
			P75Cents: 48500, WindowDays: 30, Condition: "excellent/great/good"}, ProfitCents: &profit},
		{Total: 100, Fallback: true, Components: map[string]Component{}},
		{Total: 1e-7, Components: map[string]Component{"x": {Value: 3e-9, Weight: 1e22, Reason: "<b>\"quoted\" & é \u2028 \x01"}}},
		{Total: -0, Components: map[string]Component{"tiny": {Value: 1e-6, Weight: 9.99e20, Reason: "\\back\\slash"}}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		s := Score{Total: math.Round(rng.Float64()*1000) / 10, Components: map[string]Component{},
			Market: Market{MedianCents: rng.Int64N(1e8), Samples: rng.IntN(500), Confidence: "medium"}}
		for _, name := range []string{"condition", "distance", "keyword", "photos", "market"} {
			v := rng.Float64()
			switch rng.IntN(4) {
			case 0:
				v = math.Pow(10, -float64(rng.IntN(12)))
			case 1:
				v *= math.Pow(10, float64(rng.IntN(25)))
			}
			s.Components[name] = Component{Value: v, Weight: rng.Float64() * 5, Reason: string(rune(rng.IntN(0x3000)))}
		}
		if rng.IntN(2) == 0 {
			p := rng.Int64N(1e6) - 5e5
			s.ProfitCents = &p
		}
		cases = append(cases, s)
	}
	for i, s := range cases {
		want, err := json.Marshal(plainScore(s))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AppendJSON(nil)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if string(got) != string(want) {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
	if _, err := (Score{Total: math.NaN()}).AppendJSON(nil); err == nil {
		t.Error("NaN encoded without an error")
	}
}

func BenchmarkScoreJSON(b *testing.B) {
	s := Score{Total: 74.5, Components: map[string]Component{
		"recency": {Value: 0.8686933885145602, Weight: 2, Reason: "posted 9 hours ago"},
		"market":  {Value: 0.5736842105263158, Weight: 1.5, Reason: "$440 is 7% below the $475 market median"},
		"photos":  {Value: 1, Weight: 1, Reason: "2 photos"},
	}}
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(s)
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		for b.Loop() {
			_, _ = s.AppendJSON(nil)
		}
	})
}
