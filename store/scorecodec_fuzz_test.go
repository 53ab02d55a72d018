package store

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout"
)

// FuzzComponents feeds arbitrary bytes to decodeScore, which must return an
// error or a score, never panic (a damaged row is data, not a crash), and
// stores a score whose reasons are the same bytes under every component
// name, which must read back as it was: the templates may only ever be used
// for words they rebuild exactly.
func FuzzComponents(f *testing.F) {
	f.Add(`{"k":[[1,0.647,3,[0,17600],64.7],[5,0.94,4,[1,4],3.8],[6,0.5,3,[3,18.6,50]]],"m":[24850,6,"low",1,1,1,30,"all"],"l":1}`, int64(24850), "low", 64.7)
	f.Add("$176 is 29% below the $248.50 market median (6 comps, low confidence); low confidence moves it half as far → 64.7 points", int64(24850), "low", 64.7)
	f.Add("€99 is 60% below the €248.50 market median (6 comps in any condition, high confidence) → 1 point", int64(24850), "high", 1.0)
	f.Add("posted 07 hours ago", int64(0), "", 0.0)
	f.Add("12.0 mi away (scored against 1e+21 mi)", int64(1), "medium", -3.5)
	f.Add("3 photos", int64(5), "none", 0.0)
	f.Fuzz(func(t *testing.T, text string, median int64, conf string, points float64) {
		_, _ = decodeScore([]byte(text), 1)
		if !finite(points) || !utf8.ValidString(text) || !utf8.ValidString(conf) {
			return // JSON holds neither (invalid UTF-8 reads back as U+FFFD, in any layout)
		}
		m := scout.Market{MedianCents: median, Samples: 6, Confidence: conf, WindowDays: 30, Condition: "all"}
		want := scout.Score{Total: 50, PriceLed: true, Market: m, Components: map[string]scout.Component{}}
		for _, name := range componentNames {
			want.Components[name] = scout.Component{Value: 0.5, Weight: 3, Reason: text, Points: points}
		}
		b, err := AppendComponents(nil, want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeScore(b, want.Total)
		if err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip of %q\n got %+v\nwant %+v\nfrom %s", text, got, want, b)
		}
	})
}
