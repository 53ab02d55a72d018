package store

import (
	"testing"

	"github.com/dealscout/dealscout/scout"
)

func BenchmarkAppendComponents(b *testing.B) {
	profit := int64(-5915)
	s := scout.Score{Total: 66.2, Components: map[string]scout.Component{
		"condition": {Value: 0.6, Weight: 2, Reason: "condition: good"},
		"distance":  {Value: 0.1998524616759032, Weight: 1, Reason: "40.0 mi away (scored against 50 mi)"},
		"keyword":   {Value: 1, Weight: 0.1, Reason: "title contains every search term"},
		"market":    {Value: 0.5, Weight: 1.5, Reason: "$455 is at the $455 market median (5 comps, low confidence)"},
		"photos":    {Value: 1, Weight: 1, Reason: "1 photo"},
		"recency":   {Value: 0.8910863642094213, Weight: 2, Reason: "posted 7 hours ago"},
		"risk":      {Value: 1, Weight: 1, Reason: "no warning signs in the title"},
	}, Market: scout.Market{MedianCents: 45500, Samples: 5, Confidence: "low", IQRCents: 3750, P25Cents: 44000,
		P75Cents: 47750, WindowDays: 30, Condition: "excellent/great/good"}, ProfitCents: &profit}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendComponents(buf[:0], s)
	}
}

// BenchmarkDecodeScore reads back a typical price-led deal with a market of
// similar listings, as a deal page, `deals show` and an alert do.
func BenchmarkDecodeScore(b *testing.B) {
	row := []byte(`{"k":[[1,0.647,3,[0,17600],64.7],[4,0.1,9,19,-6],[5,0.9444444444444444,4,[1,4],3.8],[6,0.5,3,[3,18.6,50],1.5],` +
		`[7,1,4,[4,5],1],[8,1,1,10,1],[9,0,1,"title says \"as is\": probably not the working item itself (−12)",-12]],` +
		`"m":[24850,6,"low",20300,14700,35000,30,"fair/poor",6,0.1,[["Oak dining table 76",27100,1],["Oak dining table, seats 6",36800,0.8]]],"p":4019,"l":1}`)
	if _, ok := decodeFast(row, 70); !ok {
		b.Fatal("the fast decoder refuses the benchmark's row")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeScore(row, 70); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFactorsForTotal reads a price-led deal's stored factors as a
// re-score after a weight change does, for the total only.
func BenchmarkFactorsForTotal(b *testing.B) {
	row := []byte(`{"x":[2,[[1,0.647,[0,17600],64.7],[4,0.1,19,-6],[5,0.9444444444444444,[1,4],3.7777777777777777],` +
		`[6,0.5,[3,18.6,50],1.5],[7,1,[4,5],1],[8,1,10,1]],[2,1,"title says \"as is\"",12,"",60]],` +
		`"m":[24850,6,"low",20300,14700,35000,30,"fair/poor",6,0.1,[["Oak dining table 76",27100,1],["Oak dining table, seats 6",36800,0.8]]],"p":4019}`)
	if _, err := decodeFactors(row, false); err != nil {
		b.Fatalf("the benchmark's row: %v", err)
	}
	w := scout.ResolveWeights(nil, nil)
	b.ReportAllocs()
	for b.Loop() {
		f, err := FactorsForTotal(row)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := f.Total(w); !ok {
			b.Fatal("refused")
		}
	}
}
