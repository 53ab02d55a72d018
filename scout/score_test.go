package scout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var scoreNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func milesPtr(mi float64) *float64 { return &mi }

// couchInput is a $150 good couch posted 12 h ago, 5 miles away, with photos,
// whose title matches the query fully; no market, no watch limit.
func couchInput() ScoreInput {
	w := NewWatch("couches")
	w.Query = "grey couch"
	return ScoreInput{
		Listing: Listing{Title: "Grey couch", PriceCents: 15000, PriceKnown: true, Currency: "USD", Condition: CondGood,
			PostedAt: scoreNow.Add(-12 * time.Hour), Images: []string{"https://x/1.jpg"}},
		Watch:      &w,
		Terms:      ParseQuery(w.Query, nil),
		DistanceMi: milesPtr(5),
		Now:        scoreNow,
	}
}

func highMarket(medianCents int64) Market {
	return Market{MedianCents: medianCents, Samples: 12, Confidence: ConfidenceHigh, Condition: "excellent/great/good", WindowDays: 30}
}

func TestScoreFallbackFixedVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*ScoreInput)
		weights Weights
		want    float64
	}{
		// price 1−150/300 = .5 ×3 = 1.5; condition good .6 ×2 = 1.2; recency
		// 1−12/72 = .8333 ×2 = 1.6667; distance 1−5/50 = .9 ×1 = .9; photos
		// 1 ×1 = 1; keyword 1 ×.1 = .1. Sum 6.3667 / 9 = .70741 → 70.7.
		{"$150 good couch, 12 h, 5 mi, photos, full match", func(*ScoreInput) {}, nil, 70.7},
		// 3 + 2 + 2 + 1 + 1 + .1 = 9.1 / 9 = 1.0111 → capped at 100.
		{"free, excellent, just posted, here, photos, full match", func(in *ScoreInput) {
			in.Listing.Free, in.Listing.Condition, in.Listing.PostedAt, in.DistanceMi = true, CondExcellent, scoreNow, milesPtr(0)
		}, nil, 100},
		// price 0 (over $300); condition poor .1 ×2 = .2; recency 0 (100 h);
		// distance unknown .5; photos none .5; keyword 0. 1.2 / 9 = 13.33 → 13.3.
		{"$400 poor, 100 h old, no location, no photos, no match", func(in *ScoreInput) {
			in.Listing.Title, in.Listing.PriceCents, in.Listing.Condition = "Armchair", 40000, CondPoor
			in.Listing.PostedAt, in.DistanceMi, in.Listing.Images = scoreNow.Add(-100*time.Hour), nil, nil
		}, nil, 13.3},
		// price 1−75/300 = .75 ×3 = 2.25; fair .3 ×2 = .6; posted time unknown
		// .5 ×2 = 1; distance 1−25/50 = .5; photos 1; keyword ½ ×.1 = .05.
		// Sum 5.4 / 9 = .6 → 60.0.
		{"$75 fair, unknown age, 25 mi, half match", func(in *ScoreInput) {
			in.Listing.Title, in.Listing.PriceCents, in.Listing.Condition = "Grey armchair", 7500, CondFair
			in.Listing.PostedAt, in.DistanceMi = time.Time{}, milesPtr(25)
		}, nil, 60},
		// price 0; like_new counts as excellent: 1 ×2 = 2; recency 0 (72 h);
		// distance 0 (50 mi); photos .5; keyword 0. 2.5 / 9 = .2778 → 27.8.
		{"$300 like new, 72 h, 50 mi, no photos, no match", func(in *ScoreInput) {
			in.Listing.Title, in.Listing.PriceCents, in.Listing.Condition = "Sofa", 30000, CondLikeNew
			in.Listing.PostedAt, in.DistanceMi, in.Listing.Images = scoreNow.Add(-72*time.Hour), milesPtr(50), nil
		}, nil, 27.8},
		// unknown condition .5 ×2 = 1 instead of 1.2: 6.1667 / 9 = .68519 → 68.5.
		{"unknown condition is neutral", func(in *ScoreInput) { in.Listing.Condition = CondUnknown }, nil, 68.5},
		// unknown price .5 ×3 = 1.5, the same as $150: 70.7.
		{"unknown price is neutral", func(in *ScoreInput) { in.Listing.PriceKnown, in.Listing.PriceCents = false, 0 }, nil, 70.7},
		// price weight 6: 3 + 1.2 + 1.6667 + .9 + 1 + .1 = 7.8667, divided by
		// 6+2+2+1+1 = 12 (keyword left out) = .65556 → 65.6.
		{"price weight overridden to 6", func(*ScoreInput) {}, Weights{CompPrice: 6}, 65.6},
		// Same override set on the watch instead of globally.
		{"price weight 6 from the watch", func(in *ScoreInput) { in.Watch.Settings.Weights = map[string]float64{CompPrice: 6} }, nil, 65.6},
		// The radius does not change the original formula: still 1−5/50.
		{"watch radius ignored by the fallback", func(in *ScoreInput) { in.Watch.RadiusMi = 10 }, nil, 70.7},
		// A max price in another currency cannot be compared, so the fallback stays.
		{"limit in another currency", func(in *ScoreInput) {
			in.Watch.MaxPriceCents, in.Watch.Currency = centsPtr(20000), "CAD"
		}, nil, 70.7},
	}
	for _, tt := range tests {
		in := couchInput()
		tt.edit(&in)
		s := ScoreDeal(in, tt.weights)
		if s.Total != tt.want {
			t.Errorf("%s: Total = %v, want %v (components %v)", tt.name, s.Total, tt.want, s.Components)
		}
		if !s.Fallback {
			t.Errorf("%s: Fallback = false, want true (no market, no limit)", tt.name)
		}
	}
}

func TestScoreFallbackComponents(t *testing.T) {
	t.Parallel()
	s := ScoreDeal(couchInput(), nil)
	var names []string
	for n := range s.Components {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{CompCondition, CompDistance, CompKeyword, CompPhotos, CompPrice, CompRecency, CompRisk}
	if !slices.Equal(names, want) {
		t.Errorf("fallback components = %v, want %v", names, want)
	}
	if c := s.Components[CompPrice]; c.Value != 0.5 || c.Weight != 3 {
		t.Errorf("fallback price component = %+v, want value .5 weight 3", c)
	}
}

func TestScoreWithMarket(t *testing.T) {
	t.Parallel()
	in := couchInput()
	in.Listing.PriceCents = 10000
	in.Listing.PostedAt = scoreNow.Add(-24 * time.Hour)
	in.DistanceMi = nil
	in.Market = highMarket(20000)
	// Price-led: 50% under → 88 points (84 at 40%, 92 at 60%); condition
	// good 0; recency (1−24/72)×4 = 2.7; distance unknown 1.5; one photo 0;
	// keyword 1 × 1 = 1. 88 + 2.7 + 1.5 + 1 = 93.2.
	s := ScoreDeal(in, nil)
	if s.Total != 93.2 || s.Fallback || !s.PriceLed {
		t.Errorf("Total = %v, Fallback = %v, PriceLed = %v; want 93.2, false, true (components %v)", s.Total, s.Fallback, s.PriceLed, s.Components)
	}
	if _, ok := s.Components[CompPrice]; ok {
		t.Error("price component present though a market value is known; it belongs to the fallback only")
	}
	if !reflect.DeepEqual(s.Market, in.Market) {
		t.Errorf("Score.Market = %+v, want the input market", s.Market)
	}
	sum := 0.0
	for _, c := range s.Components {
		sum += c.Points
	}
	if math.Abs(sum-s.Total) > 0.05 {
		t.Errorf("components' points add up to %.2f, want the total %v: the explanation must add up", sum, s.Total)
	}
}

func TestScoreMarketComponent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		priceCents int64
		free       bool
		market     Market
		wantPoints float64
		wantReason string
	}{
		{"40% below", 12000, false, highMarket(20000), 84, "$120 is 40% below the $200 market median (12 comps, high confidence) → 84 points"},
		{"55% below", 9000, false, highMarket(20000), 90, "$90 is 55% below the $200 market median (12 comps, high confidence) → 90 points"},
		{"30% below", 14000, false, highMarket(20000), 75, "$140 is 30% below the $200 market median (12 comps, high confidence) → 75 points"},
		{"at the median is 55", 20000, false, highMarket(20000), 55, "$200 is at the $200 market median (12 comps, high confidence) → 55 points"},
		{"twice the median or more is 10", 41000, false, highMarket(20000), 10, "$410 is 105% above the $200 market median (12 comps, high confidence) → 10 points"},
		{"65% below is the top", 7000, false, highMarket(20000), 94, "$70 is 65% below the $200 market median (12 comps, high confidence) → 94 points"},
		{"free", 0, true, highMarket(20000), 90, "the item is free, against the $200 market → 90 points"},
		{"medium confidence counts fully", 12000, false, Market{MedianCents: 20000, Samples: 9, Confidence: ConfidenceMedium, Condition: "all"}, 84,
			"$120 is 40% below the $200 market median (9 comps in any condition, medium confidence) → 84 points"},
		{"low confidence moves half as far from 55", 12000, false, Market{MedianCents: 20000, Samples: 5, Confidence: ConfidenceLow, Condition: "all"}, 69.5,
			"$120 is 40% below the $200 market median (5 comps in any condition, low confidence); low confidence moves it half as far → 69.5 points"},
		{"cents shown when not whole", 12050, false, highMarket(20000), 83.8, "$120.50 is 40% below the $200 market median (12 comps, high confidence) → 83.8 points"},
	}
	for _, tt := range tests {
		in := couchInput()
		in.Listing.PriceCents, in.Listing.Free, in.Market = tt.priceCents, tt.free, tt.market
		c := ScoreDeal(in, nil).Components[CompMarket]
		if math.Abs(c.Points-tt.wantPoints) > 1e-9 {
			t.Errorf("%s: market points %v, want %v", tt.name, c.Points, tt.wantPoints)
		}
		if c.Reason != tt.wantReason {
			t.Errorf("%s: reason %q, want %q", tt.name, c.Reason, tt.wantReason)
		}
	}
}

func TestScoreLimitComponent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		priceCents int64
		limit      int64
		wantValue  float64
		wantReason string
	}{
		{"under the limit", 8000, 10000, .2, "$80 is 20% under your $100 limit"},
		{"at the limit", 10000, 10000, 0, "$100 is at your $100 limit"},
		{"over the limit", 12000, 10000, 0, "$120 is 20% over your $100 limit"},
		{"limit 0 and not free", 500, 0, 0, "$5 against your $0 limit"},
	}
	for _, tt := range tests {
		in := couchInput()
		in.Listing.PriceCents = tt.priceCents
		in.Watch.MaxPriceCents = centsPtr(tt.limit)
		s := ScoreDeal(in, nil)
		c, ok := s.Components[CompLimit]
		if !ok || s.Fallback {
			t.Errorf("%s: no limit component or fell back, though the watch has a max price", tt.name)
			continue
		}
		if math.Abs(c.Value-tt.wantValue) > 1e-9 || c.Reason != tt.wantReason {
			t.Errorf("%s: limit %v %q, want %v %q", tt.name, c.Value, c.Reason, tt.wantValue, tt.wantReason)
		}
	}
}

func TestScoreFreeComponentOnlyForFreeItems(t *testing.T) {
	t.Parallel()
	// Without a market the free component counts on its own.
	in := couchInput()
	in.Watch.MaxPriceCents = centsPtr(30000)
	if _, ok := ScoreDeal(in, nil).Components[CompFree]; ok {
		t.Error("free component present on a $150 listing")
	}
	in.Listing.Free, in.Listing.PriceCents = true, 0
	if c := ScoreDeal(in, nil).Components[CompFree]; c.Value != 1 || c.Weight != 3 {
		t.Errorf("free component on a free listing without a market = %+v, want value 1 weight 3", c)
	}
	// With a market, free is how the price compares with it.
	in.Market = highMarket(20000)
	s := ScoreDeal(in, nil)
	if _, ok := s.Components[CompFree]; ok {
		t.Error("free component present in a price-led score; the market component says it")
	}
	if c := s.Components[CompMarket]; c.Points != freePoints || !strings.Contains(c.Reason, "free") {
		t.Errorf("market component of a free listing = %+v, want %v points and a reason saying free", c, freePoints)
	}
}

func TestScoreFreeItemInAcceptableConditionScoresHigh(t *testing.T) {
	t.Parallel()
	in := couchInput()
	in.Listing.Free, in.Listing.PriceCents, in.Listing.Condition = true, 0, CondFair
	in.Market = highMarket(20000)
	if s := ScoreDeal(in, nil); s.Total < 80 {
		t.Errorf("free fair couch with a market scored %v, want at least 80", s.Total)
	}
}

func TestScoreDistanceUsesWatchRadius(t *testing.T) {
	t.Parallel()
	in := couchInput()
	in.Market = highMarket(20000)
	in.Watch.RadiusMi = 10
	c := ScoreDeal(in, nil).Components[CompDistance]
	if c.Value != .5 || c.Reason != "5.0 mi away (scored against 10 mi)" {
		t.Errorf("5 mi with a 10 mi radius = %v %q, want .5 \"5.0 mi away (scored against 10 mi)\"", c.Value, c.Reason)
	}
}

func TestScoreRisk(t *testing.T) {
	t.Parallel()
	clean := couchInput()
	clean.Market = highMarket(20000)
	suspicious := clean
	suspicious.Listing.Title = "Grey couch for parts"
	cleanScore := ScoreDeal(clean, nil)
	noMarket := couchInput()
	noMarket.Watch.MaxPriceCents = centsPtr(30000)
	suspiciousNoMarket := noMarket
	suspiciousNoMarket.Listing.Title = "Grey couch for parts"
	cleanNoMarket := ScoreDeal(noMarket, nil)
	tests := []struct {
		name    string
		in      ScoreInput
		weights Weights
		want    float64
	}{
		{"price-led: default risk weight takes 40 points", suspicious, nil, cleanScore.Total - 40},
		{"price-led: risk weight 2 takes 80", suspicious, Weights{CompRisk: 2}, math.Max(0, cleanScore.Total-80)},
		{"price-led: risk weight 0 turns the penalty off", suspicious, Weights{CompRisk: 0}, cleanScore.Total},
		{"no market: default risk weight halves the score", suspiciousNoMarket, nil, cleanNoMarket.Total / 2},
		{"no market: risk weight 3 divides by 4", suspiciousNoMarket, Weights{CompRisk: 3}, cleanNoMarket.Total / 4},
		{"no market: risk weight 0 turns the penalty off", suspiciousNoMarket, Weights{CompRisk: 0}, cleanNoMarket.Total},
	}
	for _, tt := range tests {
		s := ScoreDeal(tt.in, tt.weights)
		want := math.Round(tt.want*10) / 10
		if math.Abs(s.Total-want) > 0.1 {
			t.Errorf("%s: Total = %v, want about %v", tt.name, s.Total, want)
		}
		if r := s.Components[CompRisk]; r.Value != 0 || !strings.Contains(r.Reason, `"for parts"`) {
			t.Errorf("%s: risk component %+v, want value 0 and a reason naming \"for parts\"", tt.name, r)
		}
	}
	if r := cleanScore.Components[CompRisk]; r.Value != 1 {
		t.Errorf("risk on a clean title = %+v, want value 1", r)
	}
}

func TestScoreReasons(t *testing.T) {
	t.Parallel()
	in := couchInput()
	s := ScoreDeal(in, nil)
	want := map[string]string{
		CompPrice:     "$150 on the original $0–$300 price scale (no market data or price limit yet)",
		CompCondition: "condition: good",
		CompRecency:   "posted 12 hours ago",
		CompDistance:  "5.0 mi away (scored against 50 mi)",
		CompPhotos:    "1 photo",
		CompKeyword:   "title contains every search term",
		CompRisk:      "no warning signs in the title",
	}
	for name, reason := range want {
		if got := s.Components[name].Reason; got != reason {
			t.Errorf("%s reason = %q, want %q", name, got, reason)
		}
	}
}

func TestScoreIsDeterministic(t *testing.T) {
	t.Parallel()
	in := couchInput()
	in.Market = highMarket(20000)
	in.Watch.MaxPriceCents = centsPtr(25000)
	first := ScoreDeal(in, nil)
	for range 50 {
		if again := ScoreDeal(in, nil); !reflect.DeepEqual(again, first) {
			t.Fatalf("same input scored %+v, then %+v", first, again)
		}
	}
}

func TestScoreNilWatch(t *testing.T) {
	t.Parallel()
	in := couchInput()
	in.Watch, in.Market = nil, highMarket(20000)
	s := ScoreDeal(in, nil)
	if s.ProfitCents == nil {
		t.Fatal("ProfitCents nil with a market and no watch; want it estimated with default settings")
	}
	// 20000 − 15000 − 13% × 20000 (2600) = 2400.
	if *s.ProfitCents != 2400 {
		t.Errorf("ProfitCents = %d, want 2400 (default 13%% fee)", *s.ProfitCents)
	}
}

func TestScoreAllWeightsZero(t *testing.T) {
	t.Parallel()
	zero := Weights{}
	for _, n := range ComponentNames {
		zero[n] = 0
	}
	for _, market := range []Market{{}, highMarket(20000)} {
		in := couchInput()
		in.Market = market
		if s := ScoreDeal(in, zero); s.Total != 0 {
			t.Errorf("all weights 0 (market known %v): Total = %v, want 0", market.Known(), s.Total)
		}
	}
}

func TestParseWeights(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Weights
		wantErr string
	}{
		{"market=3,condition=2", Weights{CompMarket: 3, CompCondition: 2}, ""},
		{" Market = 1.5 , keyword=0 ", Weights{CompMarket: 1.5, CompKeyword: 0}, ""},
		{"", Weights{}, ""},
		{"market=3,", Weights{CompMarket: 3}, ""},
		{"bogus=1", nil, `unknown score component "bogus"`},
		{"market=high", nil, `score weight market="high" is not a number`},
		{"market=NaN", nil, `score weight market="NaN" is not a number`},
		{"market", nil, `score weight "market" must be NAME=NUMBER`},
		{"market=-1", nil, "score weight market=-1 must be between 0 and 100"},
		{"market=101", nil, "score weight market=101 must be between 0 and 100"},
		{"market=1,market=2", nil, "score weight market is given twice"},
	}
	for _, tt := range tests {
		got, err := ParseWeights(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseWeights(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseWeights(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestWeightsMerge(t *testing.T) {
	t.Parallel()
	base := DefaultWeights()
	merged := base.Merge(map[string]float64{CompMarket: 5})
	if merged[CompMarket] != 5 || merged[CompCondition] != 2 {
		t.Errorf("Merge = %v, want market 5 and the rest default", merged)
	}
	if base[CompMarket] != 3 {
		t.Errorf("Merge modified its receiver: market = %v, want 3", base[CompMarket])
	}
}

func TestDefaultWeightsCoverEveryComponent(t *testing.T) {
	t.Parallel()
	w := DefaultWeights()
	for _, n := range ComponentNames {
		if _, ok := w[n]; !ok {
			t.Errorf("DefaultWeights has no weight for component %q", n)
		}
	}
}

// --- properties -------------------------------------------------------------

var propertyWords = []string{"oak", "table", "chair", "lamp", "desk", "grey", "couch", "vintage"}

func randomScoreInput(rng *rand.Rand) ScoreInput {
	w := NewWatch("random")
	q := propertyWords[rng.IntN(len(propertyWords))] + " " + propertyWords[rng.IntN(len(propertyWords))]
	w.Query = q
	if rng.IntN(2) == 0 {
		w.MaxPriceCents = centsPtr(int64(rng.IntN(50000)))
	}
	if rng.IntN(3) == 0 {
		w.RadiusMi = float64(1 + rng.IntN(100))
	}
	l := Listing{Currency: "USD", PriceKnown: rng.IntN(10) != 0, Condition: Conditions[rng.IntN(len(Conditions))]}
	if l.PriceKnown {
		l.PriceCents = int64(rng.IntN(60000))
	}
	l.Free = rng.IntN(10) == 0
	var title []string
	for range rng.IntN(4) {
		title = append(title, propertyWords[rng.IntN(len(propertyWords))])
	}
	if rng.IntN(10) == 0 {
		title = append(title, "for parts")
	}
	l.Title = strings.Join(title, " ")
	if rng.IntN(10) != 0 {
		l.PostedAt = scoreNow.Add(-time.Duration(rng.Int64N(int64(120 * time.Hour))))
	}
	if rng.IntN(2) == 0 {
		l.Images = []string{"https://x/1.jpg"}
	}
	in := ScoreInput{Listing: l, Watch: &w, Terms: ParseQuery(q, nil), Now: scoreNow}
	if rng.IntN(10) != 0 {
		in.DistanceMi = milesPtr(rng.Float64() * 80)
	}
	if rng.IntN(2) == 0 {
		conf := []string{ConfidenceLow, ConfidenceMedium, ConfidenceHigh}[rng.IntN(3)]
		in.Market = Market{MedianCents: int64(1000 + rng.IntN(50000)), Samples: 5 + rng.IntN(30), Confidence: conf, Condition: "all"}
	}
	return in
}

func TestScorePropertyInRange(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		in := randomScoreInput(rng)
		s := ScoreDeal(in, nil)
		if math.IsNaN(s.Total) || s.Total < 0 || s.Total > 100 {
			t.Fatalf("case %d: Total = %v, want 0..100 (input %+v)", i, s.Total, in.Listing)
		}
		for name, c := range s.Components {
			if math.IsNaN(c.Value) || c.Value < 0 || c.Value > 1 {
				t.Fatalf("case %d: component %s value %v, want 0..1", i, name, c.Value)
			}
		}
	}
}

// betterBy makes one thing about an input better and names the component it moves.
type betterBy struct {
	what      string
	component string
	improve   func(rng *rand.Rand, in *ScoreInput) bool // false when this input cannot be improved that way
}

var improvements = []betterBy{
	{"lower price", "", func(rng *rand.Rand, in *ScoreInput) bool {
		if !in.Listing.PriceKnown || in.Listing.PriceCents == 0 {
			return false
		}
		in.Listing.PriceCents = int64(float64(in.Listing.PriceCents) * rng.Float64())
		return true
	}},
	{"newer", CompRecency, func(rng *rand.Rand, in *ScoreInput) bool {
		if in.Listing.PostedAt.IsZero() {
			return false
		}
		age := scoreNow.Sub(in.Listing.PostedAt)
		in.Listing.PostedAt = scoreNow.Add(-time.Duration(float64(age) * rng.Float64()))
		return true
	}},
	{"closer", CompDistance, func(rng *rand.Rand, in *ScoreInput) bool {
		if in.DistanceMi == nil {
			return false
		}
		in.DistanceMi = milesPtr(*in.DistanceMi * rng.Float64())
		return true
	}},
	{"better condition", CompCondition, func(rng *rand.Rand, in *ScoreInput) bool {
		r := in.Listing.Condition.Rank()
		if r == 0 || r == CondNew.Rank() {
			return false
		}
		var better []Condition
		for _, c := range Conditions {
			if c.Rank() > r {
				better = append(better, c)
			}
		}
		in.Listing.Condition = better[rng.IntN(len(better))]
		return true
	}},
	{"has photos", CompPhotos, func(_ *rand.Rand, in *ScoreInput) bool {
		if len(in.Listing.Images) > 0 {
			return false
		}
		in.Listing.Images = []string{"https://x/1.jpg"}
		return true
	}},
	{"matches the query", CompKeyword, func(_ *rand.Rand, in *ScoreInput) bool {
		if Relevance(in.Terms, in.Listing.Title) == 1 {
			return false
		}
		in.Listing.Title += " " + strings.Join(in.Terms.Include, " ")
		return true
	}},
}

// priceComponent is the component a price change moves in this score.
func priceComponent(s Score) string {
	for _, n := range []string{CompPrice, CompMarket, CompLimit} {
		if _, ok := s.Components[n]; ok {
			return n
		}
	}
	return ""
}

// expectedGain is how much the total must rise, before rounding, when one
// component's value rises and nothing else changes.
func expectedGain(before, after Score, name string) float64 {
	if before.PriceLed {
		return after.Components[name].Points - before.Components[name].Points
	}
	den := 0.0
	for n, c := range before.Components {
		if n == CompRisk || (before.Fallback && n == CompKeyword) {
			continue
		}
		den += c.Weight
	}
	if den == 0 {
		return 0
	}
	gain := (after.Components[name].Value - before.Components[name].Value) * before.Components[name].Weight / den * 100
	if r := before.Components[CompRisk]; r.Value == 0 {
		gain /= 1 + r.Weight
	}
	return gain
}

func TestScorePropertyMonotone(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	strict := map[string]int{}
	for i := range 4000 {
		in := randomScoreInput(rng)
		before := ScoreDeal(in, nil)
		for _, b := range improvements {
			better := in
			if in.Watch != nil {
				w := *in.Watch
				better.Watch = &w
			}
			if !b.improve(rng, &better) {
				continue
			}
			after := ScoreDeal(better, nil)
			if flaggedVerify(before) || flaggedVerify(after) {
				continue // under the suspicious floor, where a lower price lowers the score on purpose
			}
			if after.Total < before.Total {
				t.Fatalf("case %d, %s: score fell from %v to %v\nbefore %v\nafter  %v", i, b.what, before.Total, after.Total, before.Components, after.Components)
			}
			name := b.component
			if name == "" {
				name = priceComponent(before)
			}
			// Strictly higher when the component applies and moved by more
			// than rounding (0.1) can hide, unless the total is already at 100.
			if gain := expectedGain(before, after, name); gain > 0.11 && before.Total < 99.9 && before.Total > 0 {
				strict[b.what]++
				if after.Total <= before.Total {
					t.Fatalf("case %d, %s: score stayed at %v though %s rose by %.2f points\nbefore %v\nafter  %v",
						i, b.what, before.Total, name, gain, before.Components, after.Components)
				}
			}
		}
	}
	for _, b := range improvements {
		if strict[b.what] < 100 {
			t.Errorf("%s: only %d strict checks ran; the generator no longer exercises it", b.what, strict[b.what])
		}
	}
}

// flaggedVerify reports a score capped as too good to be true, or one
// whose price is a placeholder: the monotone property holds above the
// suspicious floor.
func flaggedVerify(s Score) bool {
	r := s.Components[CompRisk].Reason
	return strings.Contains(r, "verify") || strings.Contains(r, "placeholder")
}

// --- ranking ----------------------------------------------------------------

func TestRankingPutsUnderpricedListingsFirst(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	const market = 20000 // $200
	w := NewWatch("tables")
	w.Query = "oak table"
	terms := ParseQuery(w.Query, nil)
	type ranked struct {
		title string
		l     Listing
		steal bool
	}
	// Everything but the price varies a little — good to great condition,
	// posted in the last 6 hours, within 5 miles, with photos: a few points
	// apart, less than the 14 between a $160 table (20 % under, 68 points)
	// and one at $120 (40 % under, 84) — so the price decides the ranking.
	mk := func(title string, cents int64) Listing {
		return Listing{Source: "demo", SourceID: fmt.Sprint(rng.Int()), Title: title, PriceCents: cents, PriceKnown: true, Currency: "USD",
			Condition: []Condition{CondGood, CondGreat}[rng.IntN(2)], PostedAt: scoreNow.Add(-time.Duration(rng.Int64N(int64(6 * time.Hour)))),
			Images: []string{"https://x/1.jpg"}}
	}
	var all []ranked
	for range 300 {
		cents := int64(rng.NormFloat64()*1500) + market
		cents = max(16000, min(26000, cents))
		all = append(all, ranked{"Oak table", mk("Oak table", cents), false})
	}
	// 40–60 % under: real bargains, above the "too good to be true" floor.
	for range 5 {
		all = append(all, ranked{"Oak table, moving sale", mk("Oak table, moving sale", int64(8000+rng.IntN(4000))), true})
	}
	// Cheaper still, but broken: must not rank with the steals.
	all = append(all, ranked{"Oak table broken leg", mk("Oak table broken leg", 3000), false})
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })

	comps := make([]Comp, len(all))
	for i, r := range all {
		comps[i] = Comp{Key: r.l.Key(), PriceCents: r.l.PriceCents, Currency: "USD", Condition: r.l.Condition, Title: r.title,
			SeenAt: scoreNow.Add(-time.Hour), PostedAt: r.l.PostedAt}
	}
	m := ComputeMarket(CondGood, comps, CompsOptions{Now: scoreNow})
	if m.Confidence != ConfidenceHigh || m.MedianCents < 19000 || m.MedianCents > 21000 {
		t.Fatalf("market = %+v, want a high-confidence median near $200 (precondition)", m)
	}
	scores := make([]float64, len(all))
	for i, r := range all {
		d := rng.Float64() * 5
		scores[i] = ScoreDeal(ScoreInput{Listing: r.l, Watch: &w, Terms: terms, DistanceMi: &d, Market: m, Now: scoreNow}, nil).Total
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return -compareFloat(scores[a], scores[b]) })
	for rank, i := range order[:5] {
		if !all[i].steal {
			t.Errorf("rank %d: %q at %s scored %v; want the five listings priced $80–$120 on top",
				rank+1, all[i].title, money(all[i].l.PriceCents, "USD"), scores[i])
		}
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
