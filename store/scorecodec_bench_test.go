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
