package scout

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The properties issue 10 asks of the price-led score, each over many
// random listings of one watch.

// priceLedWatch is a watch with a 25-mile radius and a plain query.
func priceLedWatch() *Watch {
	w := NewWatch("tables")
	w.Query, w.RadiusMi = "oak table", 25
	return &w
}

// randomListing is a clean "Oak table" listing at price, with random
// condition (any but unknown when known is set), age within the comps
// window, 1–6 photos and a distance within the radius.
func randomListing(rng *rand.Rand, price int64, cond Condition) (Listing, *float64) {
	if cond == "" {
		cond = Conditions[rng.IntN(len(Conditions))]
	}
	l := Listing{Source: "demo", SourceID: fmt.Sprint(rng.Int()), Title: "Oak table", PriceCents: price, PriceKnown: true,
		Currency: "USD", Condition: cond, PostedAt: scoreNow.Add(-time.Duration(rng.Int64N(int64(DefaultCompsWindow))))}
	for range 1 + rng.IntN(6) {
		l.Images = append(l.Images, "https://x/1.jpg")
	}
	var d *float64
	if rng.IntN(5) > 0 {
		d = milesPtr(rng.Float64() * 25)
	}
	return l, d
}

func scoreOf(w *Watch, l Listing, d *float64, m Market) Score {
	return ScoreDeal(ScoreInput{Listing: l, Watch: w, Terms: ParseQuery(w.Query, nil), DistanceMi: d, Market: m, Now: scoreNow}, nil)
}

func TestScoreProperty30PercentUnderOutscoresAtOrAboveMarket(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(30, 31))
	w := priceLedWatch()
	for i := range 5000 {
		median := int64(2000 + rng.IntN(200000))
		m := Market{MedianCents: median, Samples: 8 + rng.IntN(30), Confidence: []string{ConfidenceMedium, ConfidenceHigh}[rng.IntN(2)], Condition: "all"}
		// 30 % or more under, above the 35 % suspicious floor.
		under := int64(float64(median) * (TooGoodFloor + 0.001 + rng.Float64()*(0.70-TooGoodFloor-0.001)))
		if rng.IntN(2) == 0 {
			under = int64(float64(median) * 0.70) // exactly 30 % under, the hardest case
		}
		at := int64(float64(median) * (1 + rng.Float64()))
		bl, bd := randomListing(rng, under, "")
		al, ad := randomListing(rng, at, "")
		b, a := scoreOf(w, bl, bd, m), scoreOf(w, al, ad, m)
		if b.Total <= a.Total {
			t.Fatalf("case %d: %s (%.0f%% under a %s %s market) scored %v, not above %s at or above it (%v)\nunder %v\nat    %v",
				i, money(under, "USD"), (1-float64(under)/float64(median))*100, m.Confidence, money(median, "USD"), b.Total,
				money(at, "USD"), a.Total, b.Components, a.Components)
		}
	}
}

// The extremes the random cases may miss: a poor, month-old listing at the
// radius with one photo, exactly 30 % under, against a new one at the
// market, just posted, next door, with six photos.
func TestScoreProperty30PercentUnderWorstCase(t *testing.T) {
	t.Parallel()
	w := priceLedWatch()
	for _, conf := range []string{ConfidenceMedium, ConfidenceHigh} {
		m := Market{MedianCents: 20000, Samples: 20, Confidence: conf, Condition: "all"}
		worst := Listing{Title: "Oak table", PriceCents: 14000, PriceKnown: true, Currency: "USD", Condition: CondPoor,
			PostedAt: scoreNow.Add(-DefaultCompsWindow), Images: []string{"a"}}
		best := Listing{Title: "Oak table", PriceCents: 20000, PriceKnown: true, Currency: "USD", Condition: CondNew,
			PostedAt: scoreNow, Images: []string{"a", "b", "c", "d", "e", "f"}}
		b, a := scoreOf(w, worst, milesPtr(25), m), scoreOf(w, best, milesPtr(0), m)
		if b.Total <= a.Total {
			t.Errorf("%s market: worst listing 30%% under scored %v, not above the best at the market (%v)", conf, b.Total, a.Total)
		}
	}
}

func TestScorePropertyAtMarketStaysUnderThreshold(t *testing.T) {
	t.Parallel()
	w := priceLedWatch()
	for _, cond := range []Condition{CondNew, CondLikeNew, CondExcellent} {
		l := Listing{Title: "Oak table", PriceCents: 20000, PriceKnown: true, Currency: "USD", Condition: cond, PostedAt: scoreNow,
			Images: []string{"a", "b", "c", "d", "e"}}
		s := scoreOf(w, l, milesPtr(0), highMarket(20000))
		if s.Total >= DefaultMinScore {
			t.Errorf("%s, just posted, next door, 5 photos, at the market price: %v, want under %d (%v)", cond, s.Total, DefaultMinScore, s.Components)
		}
	}
}

func TestScorePropertyGoodBargainScoresAtLeast80(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(40, 41))
	w := priceLedWatch()
	for i := range 3000 {
		median := int64(2000 + rng.IntN(200000))
		price := int64(float64(median) * (0.40 + rng.Float64()*0.20))
		l, d := randomListing(rng, price, CondGood)
		l.PostedAt = scoreNow.Add(-time.Duration(rng.Int64N(int64(7 * 24 * time.Hour))))
		if rng.IntN(4) == 0 {
			l.Images = nil
		}
		s := scoreOf(w, l, d, highMarket(median))
		if s.Total < 80 {
			t.Fatalf("case %d: good, %s against a high-confidence %s market (%.0f%% under), %s old: %v, want at least 80\n%v",
				i, money(price, "USD"), money(median, "USD"), (1-float64(price)/float64(median))*100, scoreNow.Sub(l.PostedAt).Round(time.Hour), s.Total, s.Components)
		}
	}
}

func TestScoreLowConfidenceMovesLess(t *testing.T) {
	t.Parallel()
	w := priceLedWatch()
	l, _ := randomListing(rand.New(rand.NewPCG(1, 1)), 10000, CondGood)
	high := scoreOf(w, l, milesPtr(3), highMarket(20000))
	low := scoreOf(w, l, milesPtr(3), Market{MedianCents: 20000, Samples: 5, Confidence: ConfidenceLow, Condition: "all"})
	if low.Total >= high.Total {
		t.Errorf("50%% under a low-confidence market scored %v, want less than under a high-confidence one (%v)", low.Total, high.Total)
	}
}

func TestScoreVerifyCapsUnderThreshold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, title, desc string
		price             int64
		minScore          float64
		want              string
	}{
		{"far under the market", "Oak table", "", 5000, 75, "too good to be true"},
		{"scam phrase", "Oak table", "Payment by Zelle, I ship.", 14000, 75, `scam phrase "i ship"`},
		{"sealed far under", "Oak table factory sealed", "", 10000, 75, `"sealed"`},
		{"a watch with a low threshold", "Oak table", "", 5000, 50, "capped at 45"},
	}
	for _, tt := range tests {
		w := priceLedWatch()
		w.MinScore = tt.minScore
		l := Listing{Title: tt.title, Description: tt.desc, PriceCents: tt.price, PriceKnown: true, Currency: "USD",
			Condition: CondNew, PostedAt: scoreNow, Images: []string{"a", "b", "c"}}
		s := scoreOf(w, l, milesPtr(0), highMarket(20000))
		if s.Total >= tt.minScore {
			t.Errorf("%s: %v, want under the watch's threshold %v", tt.name, s.Total, tt.minScore)
		}
		if r := s.Components[CompRisk].Reason; !strings.Contains(r, "verify") || !strings.Contains(r, tt.want) {
			t.Errorf("%s: risk reason %q, want \"verify\" and %q", tt.name, r, tt.want)
		}
	}
	// A genuine bargain 40 % under is not flagged.
	l := Listing{Title: "Oak table", PriceCents: 12000, PriceKnown: true, Currency: "USD", Condition: CondGood, PostedAt: scoreNow}
	if r := scoreOf(priceLedWatch(), l, nil, highMarket(20000)).Components[CompRisk].Reason; strings.Contains(r, "verify") {
		t.Errorf("40%% under flagged: %q", r)
	}
}

func TestScoreSignalsInPriceLedScore(t *testing.T) {
	t.Parallel()
	base := Listing{Title: "iPhone 13 128GB", PriceCents: 30000, PriceKnown: true, Currency: "USD", Condition: CondGood,
		PostedAt: scoreNow, Images: []string{"a"}}
	w := NewWatch("phones")
	w.Query = "iphone 13"
	clean := ScoreDeal(ScoreInput{Listing: base, Watch: &w, Terms: ParseQuery(w.Query, nil), Market: highMarket(42000), Now: scoreNow}, nil)
	tests := []struct {
		name, title, desc, query string
		price                    int64
		free                     bool
		wantBelow                float64
		wantReason               string
	}{
		{"broken in the description only", "iPhone 13 128GB", "Screen is broken.", "iphone 13", 30000, false, clean.Total - 30, `"broken"`},
		{"wanted", "Wanted iPhone 13 128GB", "", "iphone 13", 30000, false, clean.Total - 30, "not an offer"},
		{"accessory of a device query", "iPhone 13 case", "", "iphone 13", 30000, false, clean.Total - 30, "accessory"},
		{"lot of 5 priced per item", "Lot of 5 iPhone 13 128GB", "", "iphone 13", 150000, false, clean.Total - 10, "priced per item"},
		{"bundle of unclear size", "iPhone 13 128GB bundle", "", "iphone 13", 30000, false, clean.Total - 10, "unclear size"},
		{"$0 call for price is not free", "iPhone 13 128GB", "Call for price", "iphone 13", 0, true, 50, "placeholder"},
		{"$123 placeholder", "iPhone 13 128GB", "", "iphone 13", 12300, false, 50, "placeholder"},
	}
	for _, tt := range tests {
		l := base
		l.Title, l.Description, l.PriceCents, l.Free = tt.title, tt.desc, tt.price, tt.free
		s := ScoreDeal(ScoreInput{Listing: l, Watch: &w, Terms: ParseQuery(tt.query, nil), Market: highMarket(42000), Now: scoreNow}, nil)
		if s.Total >= tt.wantBelow {
			t.Errorf("%s: %v, want under %v (clean listing %v)", tt.name, s.Total, tt.wantBelow, clean.Total)
		}
		if r := s.Components[CompRisk].Reason; !strings.Contains(r, tt.wantReason) {
			t.Errorf("%s: risk reason %q, want it to say %q", tt.name, r, tt.wantReason)
		}
		if s.ProfitCents != nil && tt.name != "accessory of a device query" {
			t.Errorf("%s: profit %d estimated for a listing that is not one item at a real price", tt.name, *s.ProfitCents)
		}
	}
	// An accessory the query asks for is not marked down.
	l := base
	l.Title = "iPhone 13 case"
	s := ScoreDeal(ScoreInput{Listing: l, Watch: &w, Terms: ParseQuery("iphone 13 case", nil), Market: highMarket(42000), Now: scoreNow}, nil)
	if r := s.Components[CompRisk].Reason; strings.Contains(r, "accessory") {
		t.Errorf("query asks for a case, yet the case is marked down: %q", r)
	}
}

func TestNormalizePlaceholderIsNotFree(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		desc     string
		wantFree bool
	}{
		{"Call for price", false},
		{"Make an offer!", false},
		{"Free to a good home", true},
		{"", true},
	} {
		l := Normalize(Listing{Title: "Oak table", Description: tt.desc, PriceCents: 0, PriceKnown: true}, scoreNow)
		if l.Free != tt.wantFree {
			t.Errorf("$0 with %q: Free = %v, want %v", tt.desc, l.Free, tt.wantFree)
		}
	}
}

func TestScorePointsOfAPriceLedScoreAddUp(t *testing.T) {
	t.Parallel()
	in := couchInput()
	in.Market = highMarket(20000)
	in.Listing.Title = "Grey couch for parts"
	s := ScoreDeal(in, nil)
	sum := 0.0
	for _, p := range ScorePoints(s) {
		sum += p.Points
		if p.Name == CompMarket && p.Points != s.Components[CompMarket].Points {
			t.Errorf("market points %v, want the component's %v", p.Points, s.Components[CompMarket].Points)
		}
	}
	if d := sum - s.Total; d > 0.05 || d < -0.05 {
		t.Errorf("ScorePoints add up to %.2f, want the total %v", sum, s.Total)
	}
}
