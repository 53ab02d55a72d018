package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

func codecScores() map[string]scout.Score {
	profit, loss := int64(12345), int64(-5915)
	market := scout.Market{MedianCents: 45500, Samples: 5, Confidence: "low", IQRCents: 3750, P25Cents: 44000,
		P75Cents: 47750, WindowDays: 30, Condition: "excellent/great/good"}
	return map[string]scout.Score{
		"market and profit": {Total: 66.2, Market: market, ProfitCents: &loss, Components: map[string]scout.Component{
			"condition": {Value: 0.6, Weight: 2, Reason: "condition: good"},
			"distance":  {Value: 0.1998524616759032, Weight: 1, Reason: "40.0 mi away (scored against 50 mi)"},
			"market":    {Value: 0.5, Weight: 1.5, Reason: "$455 is at the $455 market median (5 comps, low confidence)"},
			"risk":      {Value: 0, Weight: 1, Reason: `title says "for parts": probably not the working item itself`},
		}},
		"fallback without market or profit": {Total: 40, Fallback: true, Components: map[string]scout.Component{
			"price": {Value: 1, Weight: 3, Reason: "the item is free"},
		}},
		"no market but comps counted": {Total: 12.5, ProfitCents: &profit, Market: scout.Market{Samples: 3, Confidence: "none", WindowDays: 30},
			Components: map[string]scout.Component{}},
		"price-led with points and comps named": {Total: 93.2, PriceLed: true, ProfitCents: &profit,
			Market: scout.Market{MedianCents: 28000, Samples: 18, Confidence: "high", IQRCents: 2000, P25Cents: 27000, P75Cents: 29000,
				WindowDays: 30, Condition: "good", Similar: 20, Floor: 0.1, Examples: []scout.CompExample{
					{Title: "Nintendo Switch OLED white", PriceCents: 27500, Similarity: 1},
					{Title: "Switch \"OLED\" <dock> & café", PriceCents: 29000, Similarity: 0.71}}},
			Components: map[string]scout.Component{
				"market":  {Value: 0.88, Weight: 3, Reason: "$140 is 50% below the $280 market median → 88 points", Points: 88},
				"recency": {Value: 0.6667, Weight: 4, Reason: "posted 24 hours ago", Points: 2.7},
				"photos":  {Value: 1, Weight: 4, Reason: "1 photo"},
				"risk":    {Value: 0, Weight: 1, Reason: "verify: scam phrase", Points: -12.5},
			}},
		"similar listings but no market": {Total: 40, Market: scout.Market{Samples: 2, Confidence: "none", WindowDays: 30, Condition: "all",
			Similar: 2, Floor: 0.1, Examples: []scout.CompExample{{Title: "Oak table", PriceCents: 100, Similarity: 0.5}}},
			Components: map[string]scout.Component{}},
		"escapes and extreme floats": {Total: 0, Components: map[string]scout.Component{
			"keyword": {Value: 1e-7, Weight: 1e21, Reason: "naïve <b>&</b> \"quoted\" \\ tab\there €"},
			"photos":  {Value: -0.25, Weight: 0, Reason: ""},
		}},
	}
}

func TestComponentsRoundTrip(t *testing.T) {
	t.Parallel()
	for name, want := range codecScores() {
		b, err := AppendComponents(nil, want)
		if err != nil {
			t.Fatalf("%s: encode: %v", name, err)
		}
		if !json.Valid(b) {
			t.Errorf("%s: encoding is not valid JSON: %s", name, b)
		}
		got, err := decodeScore(b, want.Total)
		if err != nil {
			t.Fatalf("%s: decode %s: %v", name, b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: round trip\n got %+v\nwant %+v\nfrom %s", name, got, want, b)
		}
	}
}

// Identical scores must encode to identical bytes whatever the map order:
// UpdateScores skips a row whose stored bytes are the same.
func TestComponentsEncodingIsDeterministic(t *testing.T) {
	t.Parallel()
	s := codecScores()["market and profit"]
	first, _ := AppendComponents(nil, s)
	for range 50 {
		b, _ := AppendComponents(nil, s)
		if !bytes.Equal(b, first) {
			t.Fatalf("encodings differ:\n%s\n%s", first, b)
		}
	}
	// The point of the layout: much smaller than the score's own JSON.
	self, _ := json.Marshal(s)
	if len(first)*10 > len(self)*7 {
		t.Errorf("compact encoding is %d bytes, the self-describing one %d; want under 70%%", len(first), len(self))
	}
}

// A fixed reason is stored as its position in scout.FixedReasons, and any
// other reason as its words.
func TestComponentsStoreFixedReasonsByPosition(t *testing.T) {
	t.Parallel()
	comps := map[string]scout.Component{}
	for i, r := range scout.FixedReasons {
		comps[fmt.Sprint("c", i)] = scout.Component{Value: 1, Weight: 1, Reason: r}
	}
	comps["own"] = scout.Component{Value: 1, Weight: 1, Reason: "posted 7 hours ago"}
	s := scout.Score{Total: 50, Components: comps}
	b, err := AppendComponents(nil, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range scout.FixedReasons {
		if bytes.Contains(b, []byte(r)) {
			t.Errorf("encoding spells out the fixed reason %q: %s", r, b)
		}
	}
	if !bytes.Contains(b, []byte(`"posted 7 hours ago"`)) {
		t.Errorf("encoding lacks the listing's own reason: %s", b)
	}
	got, err := decodeScore(b, 50)
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("round trip = %+v, %v; want %+v", got, err, s)
	}
}

// Rows written before the compact layout hold scout.Score's own JSON.
func TestDecodeScoreReadsTheOlderLayout(t *testing.T) {
	t.Parallel()
	for name, want := range codecScores() {
		old, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeScore(old, want.Total)
		if err != nil {
			t.Fatalf("%s: decode %s: %v", name, old, err)
		}
		if want.Components == nil {
			want.Components = map[string]scout.Component{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: older layout\n got %+v\nwant %+v", name, got, want)
		}
	}
}

func TestComponentsRejectBadInput(t *testing.T) {
	t.Parallel()
	nan := scout.Score{Components: map[string]scout.Component{"market": {Value: math.NaN(), Weight: 1}}}
	if _, err := AppendComponents(nil, nan); err == nil {
		t.Error("encoding a NaN value succeeded, want an error")
	}
	inf := scout.Score{Components: map[string]scout.Component{"market": {Value: 1, Weight: math.Inf(1)}}}
	if _, err := AppendComponents(nil, inf); err == nil {
		t.Error("encoding an infinite weight succeeded, want an error")
	}
	for _, bad := range []string{"", "{", `{"c":{"market":[1,2]}}`, `{"c":{"market":[1,2,"r"]},"m":[1,2]}`, `[1,2,3]`,
		`{"c":{"risk":[1,1,-1]}}`, `{"c":{"risk":[1,1,99999]}}`, `{"c":{"risk":[1,1,true]}}`} {
		if _, err := decodeScore([]byte(bad), 1); err == nil {
			t.Errorf("decoding %q succeeded, want an error", bad)
		}
	}
}

// The one-decimal fast path writes what strconv writes.
func TestAppendJSONFloatTenthsMatchStrconv(t *testing.T) {
	t.Parallel()
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, -0.1, 2.7, 87.9, 94, -40, 1e14 + 0.5, 123456789.3, -0.5, 0.30000000000000004, 1.0 / 3, 2.675}
	for k := -20000; k <= 20000; k += 7 {
		vals = append(vals, float64(k)/10, math.Round(float64(k)*1.3)/10)
	}
	for _, f := range vals {
		got, err := appendJSONFloat(nil, f)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Errorf("appendJSONFloat(%v) = %s, want %s (encoding/json)", f, got, want)
		}
	}
}

// Strings are written as encoding/json writes them, escapes and all.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "$140 is 50% below → 87.9 points", "says \"broken\" (−40)", "10–94", "café ÆRØ 日本",
		"line\u2028sep", "para\u2029sep", "bad \xff byte", "del \x7f", "tab\t", "<b>&</b>", `back\slash`, "emoji 🎸"} {
		got := appendJSONString(nil, s)
		want, _ := json.Marshal(s)
		if string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

// Every score of scout's golden file reads back from its stored form as it
// was: the templates below are used only where they rebuild the same words.
func TestComponentsRoundTripTheGoldenScores(t *testing.T) {
	t.Parallel()
	f, err := os.ReadFile(filepath.Join("..", "scout", "testdata", "score_golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var n, templated, fastRead int
	for line := range strings.Lines(string(f)) {
		if !strings.HasPrefix(line, `{"case":`) {
			continue // the file's money formatting cases
		}
		var row struct {
			Score scout.Score `json:"score"`
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		want := row.Score
		if want.Components == nil {
			want.Components = map[string]scout.Component{}
		}
		b, err := AppendComponents(nil, want)
		if err != nil {
			t.Fatalf("case %d: encode: %v", n, err)
		}
		got, err := decodeScore(b, want.Total)
		if err != nil {
			t.Fatalf("case %d: decode %s: %v", n, b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d: round trip\n got %+v\nwant %+v\nfrom %s", n, got, want, b)
		}
		// The fast decoder reads what the encoder writes, unless a string
		// needed escaping, and agrees with encoding/json.
		fast, ok := decodeFast(b, want.Total)
		slow, err := decodeScoreJSON(b, want.Total)
		if err != nil || !reflect.DeepEqual(slow, want) {
			t.Fatalf("case %d: encoding/json reads %+v, %v\nwant %+v", n, slow, err, want)
		}
		if ok && !reflect.DeepEqual(fast, want) {
			t.Fatalf("case %d: fast decoder\n got %+v\nwant %+v\nfrom %s", n, fast, want, b)
		}
		if !ok {
			t.Fatalf("case %d: the fast decoder refused %s", n, b)
		}
		if ok {
			fastRead++
		}
		if bytes.Contains(b, []byte(`[0,`)) {
			templated++
		}
		n++
	}
	// Most golden scores have a market, priced in dollars or otherwise; a
	// template that never matched would still round-trip, in words.
	t.Logf("%d golden scores, %d with the market reason as a template, %d read by the fast decoder", n, templated, fastRead)
	if n < 500 || templated < n/3 {
		t.Errorf("%d golden scores, %d with the market reason stored as a template; want most", n, templated)
	}
}

// A price-led market reason is stored as the price alone, in any currency
// appendMoney writes with a symbol; "posted N hours/days ago" as N; a
// condition by its position. Anything the templates do not rebuild word for
// word stays in words.
func TestComponentsStoreReasonsAsTemplates(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	w := scout.NewWatch("t")
	w.Query = "oak table"
	market := func(conf string) scout.Market {
		return scout.Market{MedianCents: 24850, Samples: 6, Confidence: conf, IQRCents: 2000, P25Cents: 23000,
			P75Cents: 26000, WindowDays: 30, Condition: "good"}
	}
	for _, tc := range []struct {
		name, currency, title, conf string
		price                       int64
		age                         time.Duration
		marketInWords               bool // no template rebuilds this market reason
	}{
		{"dollars, low confidence", "USD", "Oak table", scout.ConfidenceLow, 17600, 4 * time.Hour, false},
		{"dollars and cents, high confidence", "USD", "Oak table", scout.ConfidenceHigh, 17655, 3 * 24 * time.Hour, false},
		{"euros", "EUR", "Oak table", scout.ConfidenceMedium, 9900, 30 * time.Minute, false},
		{"pounds", "GBP", "Oak table", scout.ConfidenceHigh, 12000, 47 * time.Hour, false},
		{"a currency without a symbol", "CAD", "Oak table", scout.ConfidenceHigh, 12000, 5 * time.Hour, true},
		{"a lot", "USD", "Lot of 4 oak tables", scout.ConfidenceHigh, 40000, 5 * time.Hour, true},
	} {
		l := scout.Listing{Source: "demo", SourceID: "1", Title: tc.title, PriceCents: tc.price, PriceKnown: true,
			Currency: tc.currency, Condition: scout.CondGood, PostedAt: now.Add(-tc.age), ShippingCents: -1,
			Images: []string{"https://example.com/a.jpg", "https://example.com/b.jpg", "https://example.com/c.jpg"}}
		miles := float64(tc.price%997) / 7 // a different distance for each case
		want := scout.ScoreDeal(scout.ScoreInput{Listing: l, Watch: &w, Terms: scout.ParseQuery(w.Query, w.Exclude),
			Market: market(tc.conf), DistanceMi: &miles, Now: now}, nil)
		if !want.PriceLed {
			t.Fatalf("%s: not a price-led score: %+v", tc.name, want)
		}
		b, err := AppendComponents(nil, want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeScore(b, want.Total)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: round trip = %+v, %v\nwant %+v\nfrom %s", tc.name, got, err, want, b)
		}
		for _, words := range []string{"posted", "condition:", " mi away", " photos"} {
			if bytes.Contains(b, []byte(words)) {
				t.Errorf("%s: encoding spells out %q:\n%s", tc.name, words, b)
			}
		}
		if inWords := bytes.Contains(b, appendJSONString(nil, want.Components["market"].Reason)); inWords != tc.marketInWords {
			t.Errorf("%s: market reason %q in words: %v, want %v:\n%s", tc.name, want.Components["market"].Reason, inWords, tc.marketInWords, b)
		}
	}
}

// Each condition's reason is one of the fixed reasons, stored by position.
func TestComponentsStoreConditionsByPosition(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	w := scout.NewWatch("t")
	for _, c := range scout.Conditions {
		if c == scout.CondUnknown {
			continue
		}
		l := scout.Listing{Source: "demo", SourceID: "1", Title: "Oak table", PriceCents: 100, PriceKnown: true, Condition: c, ShippingCents: -1}
		s := scout.ScoreDeal(scout.ScoreInput{Listing: l, Watch: &w, Now: now}, nil)
		b, err := AppendComponents(nil, s)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("condition:")) {
			t.Errorf("%s: the condition's reason %q is spelled out:\n%s", c, s.Components["condition"].Reason, b)
		}
	}
}

// Stored rows keep the words they were written with: this row was written
// by the layout's first version, and scout rewording a reason that a
// template rebuilds would change what it reads back. Reword with a new
// template number instead, keeping the old one.
func TestStoredReasonTemplatesKeepTheirWords(t *testing.T) {
	t.Parallel()
	row := `{"k":[[1,0.647,3,[0,17600],64.7],[4,0.1,9,19,-6],[5,0.94,4,[1,4],3.8],[6,0.5,3,[2,3]],` +
		`[7,1,4,[0,9950,"EUR"]],[8,1,1,[4,5]],[9,1,1,[3,18.6,50]],[2,1,1,[3,0,12.5]]],` +
		`"m":[24850,6,"low",20300,14700,35000,30,"fair/poor"],"l":1}`
	s, err := decodeScore([]byte(row), 70)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"market":    "$176 is 29% below the $248.50 market median (6 comps, low confidence); low confidence moves it half as far → 64.7 points",
		"condition": "condition: poor",
		"recency":   "posted 4 hours ago",
		"distance":  "posted 3 days ago",
		"photos":    "€99.50 is 60% below the €248.50 market median (6 comps, low confidence); low confidence moves it half as far → 0 points",
		"keyword":   "5 photos",
		"risk":      "18.6 mi away (scored against 50 mi)",
		"limit":     "0.0 mi away (scored against 12.5 mi)",
	} {
		if got := s.Components[name].Reason; got != want {
			t.Errorf("%s reads back as %q, want %q", name, got, want)
		}
	}
}

// Rows written before the "k" layout hold components as an object of
// name: [value, weight, reason(, points)], reasons in words or by position.
func TestDecodeScoreReadsTheCLayout(t *testing.T) {
	t.Parallel()
	row := `{"c":{"condition":[0.1,9,"condition: poor",-6],"photos":[1,4,8],` +
		`"market":[0.647,3,"$176 is 29% below the $248.50 market median (6 comps, low confidence); low confidence moves it half as far → 64.7 points",64.7]},` +
		`"m":[24850,6,"low",20300,14700,35000,30,"fair/poor",6,0.1,[["Oak dining table 76",27100,1]]],"p":4019,"l":1}`
	got, err := decodeScore([]byte(row), 70.5)
	if err != nil {
		t.Fatal(err)
	}
	profit := int64(4019)
	want := scout.Score{Total: 70.5, PriceLed: true, ProfitCents: &profit,
		Market: scout.Market{MedianCents: 24850, Samples: 6, Confidence: "low", IQRCents: 20300, P25Cents: 14700, P75Cents: 35000,
			WindowDays: 30, Condition: "fair/poor", Similar: 6, Floor: 0.1,
			Examples: []scout.CompExample{{Title: "Oak dining table 76", PriceCents: 27100, Similarity: 1}}},
		Components: map[string]scout.Component{
			"condition": {Value: 0.1, Weight: 9, Reason: "condition: poor", Points: -6},
			"photos":    {Value: 1, Weight: 4, Reason: scout.FixedReasons[8]},
			"market": {Value: 0.647, Weight: 3, Points: 64.7,
				Reason: "$176 is 29% below the $248.50 market median (6 comps, low confidence); low confidence moves it half as far → 64.7 points"},
		}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("c layout\n got %+v\nwant %+v", got, want)
	}
}

func TestDecodeScoreRejectsBadTemplates(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		`{"k":[[1,1,1,[0,17600]]]}`,                              // a market reason with no market
		`{"k":[[5,1,1,[9,4]]]}`,                                  // an unknown template
		`{"k":[[5,1,1,[1]]]}`,                                    // no number
		`{"k":[[5,1,1,[1,4,5]]]}`,                                // a number too many
		`{"k":[[5,1,1,[1,4.5]]]}`,                                // not a whole number
		`{"k":[[6,1,1,[3,"x",50]]]}`,                             // a distance that is not a number
		`{"k":[[6,1,1,[3,1]]]}`,                                  // a distance without its radius
		`{"k":[[7,1,1,[4,1.5]]]}`,                                // half a photo
		`{"k":[[99,1,1,"r"]]}`,                                   // an unknown component number
		`{"k":[[-1,1,1,"r"]]}`,                                   // a negative one
		`{"k":[[5,1,1,"r",2,3]]}`,                                // a field too many
		`{"k":[[5,1,1,99999]]}`,                                  // an unknown fixed reason
		`{"k":[[1,1,1,[0,1,7]]],"m":[1,1,"low",0,0,0,30,"all"]}`, // a currency that is not a string
	} {
		if _, err := decodeScore([]byte(bad), 1); err == nil {
			t.Errorf("decoding %s succeeded, want an error", bad)
		}
	}
}
