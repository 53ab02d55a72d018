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
	// Rows at the edges of what the fast decoder takes: both decoders must
	// agree on each, or the fast one must leave it to encoding/json.
	for _, row := range []string{
		`{"k":[[01,1,1,"r"]]}`, `{"k":[[-0,1,1,"r"]]}`, `{"k":[[1e0,1,1,"r"]]}`, `{"k":[[4,.5,1,"r"]]}`,
		`{"k":[[4,1,1,"r` + "\xff" + `"]]}`, `{"k":[[4,1,1,"say \"hi\" \u00e9\ud83c\udfb8"]]}`, `{"k":[[4,1,1,"tab\t"]]}`,
		`{"k":[[4,1,1,"a\u0000b"]]}`, `{"k":[[4,1,1,"ctl` + "\x01" + `"]]}`, `{"k":[[4,1,1,"r"],[4,2,2,"s"]]}`,
		`{"k":[[5,1,1,[1,4]]],"m":[1,1,"low",0,0,0,30,"all",2,0.1,[["t",1,1]]],"p":-5,"f":1,"l":1}`,
		`{"k":[[1,1,1,[0,100,"EUR"],2]],"m":[2453,9,"none",1,1,1,2,"all"],"l":1}`, `{"k":[]} `, `{"k":[],"l":1,"f":1}`,
		`{"k":[[1,1,1,[0,100]]],"m":[0,1,"low",0,0,0,30,"all"]}`, `{"k":[[6,1,1,[3,1e400,50]]]}`, `{"k":[[9,1,1,99999999999999999999]]}`,
	} {
		f.Add(row, int64(0), "", 0.0)
	}
	f.Fuzz(func(t *testing.T, text string, median int64, conf string, points float64) {
		_, _ = decodeScore([]byte(text), 1)
		sameAsJSON(t, []byte(text))
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
		sameAsJSON(t, b)
		got, err := decodeScore(b, want.Total)
		if err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip of %q\n got %+v\nwant %+v\nfrom %s", text, got, want, b)
		}
	})
}

// sameAsJSON fails t when the fast decoder reads b and encoding/json reads
// it otherwise, or not at all.
func sameAsJSON(t *testing.T, b []byte) {
	t.Helper()
	fast, ok := decodeFast(b, 1)
	if !ok {
		return
	}
	slow, err := decodeScoreJSON(b, 1)
	if err != nil {
		t.Fatalf("the fast decoder reads %s, encoding/json refuses it: %v", b, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("decoders differ on %s\nfast %+v\njson %+v", b, fast, slow)
	}
}
