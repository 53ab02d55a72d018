package scout

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

var compsNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// goodComps returns comps in good condition seen yesterday, one per price in dollars.
func goodComps(dollars ...int64) []Comp {
	out := make([]Comp, len(dollars))
	for i, d := range dollars {
		out[i] = Comp{PriceCents: d * 100, Currency: "USD", Condition: CondGood, Title: "Oak table",
			SeenAt: compsNow.Add(-24 * time.Hour), PostedAt: compsNow.Add(-48 * time.Hour)}
	}
	return out
}

func withCondition(comps []Comp, c Condition) []Comp {
	for i := range comps {
		comps[i].Condition = c
	}
	return comps
}

func compsOpts() CompsOptions { return CompsOptions{Now: compsNow} }

func TestComputeMarketQuantiles(t *testing.T) {
	t.Parallel()
	// Five equal weights sit at 0.1, 0.3, 0.5, 0.7, 0.9 of the weight: the
	// median is the middle price, P25 is ¾ of the way from $100 to $200.
	m := ComputeMarket(CondGood, goodComps(100, 200, 300, 400, 500), compsOpts())
	want := Market{MedianCents: 30000, Samples: 5, Confidence: ConfidenceLow, IQRCents: 25000,
		P25Cents: 17500, P75Cents: 42500, WindowDays: 30, Condition: "excellent/great/good"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ComputeMarket = %+v, want %+v", m, want)
	}
}

func TestComputeMarketEvenCountMedian(t *testing.T) {
	t.Parallel()
	m := ComputeMarket(CondGood, goodComps(100, 200, 300, 400, 500, 600), compsOpts())
	if m.MedianCents != 35000 {
		t.Errorf("median of $100…$600 = %d cents, want 35000 (mean of the middle two)", m.MedianCents)
	}
}

func TestComputeMarketDropsOutliers(t *testing.T) {
	t.Parallel()
	comps := goodComps(190, 195, 198, 200, 200, 201, 203, 205, 208, 210, 5000, 5)
	m := ComputeMarket(CondGood, comps, compsOpts())
	if m.Samples != 10 {
		t.Errorf("Samples = %d, want 10 (the $5 and $5000 comps dropped as outliers)", m.Samples)
	}
	if m.P75Cents > 21000 || m.P25Cents < 19000 {
		t.Errorf("quartiles %d–%d cents, want inside $190–$210 once outliers are gone", m.P25Cents, m.P75Cents)
	}
}

func TestComputeMarketKeepsNearPricesInATightCluster(t *testing.T) {
	t.Parallel()
	// Eight comps at exactly $100 make the IQR 0; the 10%-of-median minimum
	// fence keeps the honest $105 and $95 asks.
	comps := goodComps(100, 100, 100, 100, 100, 100, 100, 100, 105, 95)
	if m := ComputeMarket(CondGood, comps, compsOpts()); m.Samples != 10 {
		t.Errorf("Samples = %d, want 10 (prices within 10%% of the median are not outliers)", m.Samples)
	}
}

func TestComputeMarketTooFew(t *testing.T) {
	t.Parallel()
	m := ComputeMarket(CondGood, goodComps(100, 200, 300, 400), compsOpts())
	want := Market{Samples: 4, Confidence: ConfidenceNone, WindowDays: 30, Condition: "all"}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("ComputeMarket with 4 comps = %+v, want %+v", m, want)
	}
	if m.Known() {
		t.Error("a market from 4 comps reports Known")
	}
}

func TestComputeMarketConditionBuckets(t *testing.T) {
	t.Parallel()
	newOnes := withCondition(goodComps(400, 410, 420, 430, 440), CondLikeNew)
	usedOnes := goodComps(200, 210, 220, 230, 240, 250)
	tests := []struct {
		name       string
		target     Condition
		comps      []Comp
		wantBucket string
		wantMedian int64
	}{
		{"enough in the target's bucket", CondNew, append(append([]Comp{}, newOnes...), usedOnes...), "new/like_new", 42000},
		{"good uses the used bucket", CondGreat, append(append([]Comp{}, newOnes...), usedOnes...), "excellent/great/good", 22500},
		{"too few in the bucket falls back to all", CondNew, append(append([]Comp{}, newOnes[:2]...), usedOnes...), "all", 23500},
		{"unknown condition uses all", CondUnknown, append(append([]Comp{}, newOnes...), usedOnes...), "all", 25000},
		{"raw condition text is bucketed", "Used - Very Good", append(append([]Comp{}, newOnes...), usedOnes...), "excellent/great/good", 22500},
	}
	for _, tt := range tests {
		m := ComputeMarket(tt.target, tt.comps, compsOpts())
		if m.Condition != tt.wantBucket || m.MedianCents != tt.wantMedian {
			t.Errorf("%s: bucket %q median %d, want %q median %d", tt.name, m.Condition, m.MedianCents, tt.wantBucket, tt.wantMedian)
		}
	}
}

func TestComputeMarketWhichCompsCount(t *testing.T) {
	t.Parallel()
	gone := compsNow.Add(-time.Hour)
	tests := []struct {
		name  string
		edit  func(*Comp)
		count bool
	}{
		{"a plain comp", func(*Comp) {}, true},
		{"lower-case currency", func(c *Comp) { c.Currency = "usd" }, true},
		{"other currency", func(c *Comp) { c.Currency = "CAD" }, false},
		{"no price", func(c *Comp) { c.PriceCents = 0 }, false},
		{"seen before the window", func(c *Comp) { c.SeenAt, c.PostedAt = compsNow.AddDate(0, 0, -31), compsNow.AddDate(0, 0, -40) }, false},
		{"posted before the window but seen in it", func(c *Comp) { c.PostedAt = compsNow.AddDate(0, 0, -60) }, true},
		{"first seen after now", func(c *Comp) { c.SeenAt, c.PostedAt = compsNow.Add(time.Hour), time.Time{} }, false},
		{"no dates at all", func(c *Comp) { c.SeenAt, c.PostedAt = time.Time{}, time.Time{} }, false},
		{"for parts", func(c *Comp) { c.Title = "Oak table for parts" }, false},
		{"wanted ad", func(c *Comp) { c.Title = "WANTED: oak table" }, false},
		{"ISO ad", func(c *Comp) { c.Title = "ISO oak table" }, false},
		{"gone comps still count", func(c *Comp) { c.GoneAt = &gone }, true},
	}
	for _, tt := range tests {
		extra := goodComps(210)[0]
		tt.edit(&extra)
		m := ComputeMarket(CondGood, append(goodComps(200, 200, 200, 200, 200), extra), compsOpts())
		want := 5
		if tt.count {
			want = 6
		}
		if m.Samples != want {
			t.Errorf("%s: Samples = %d, want %d", tt.name, m.Samples, want)
		}
	}
}

func TestComputeMarketWindowOption(t *testing.T) {
	t.Parallel()
	comps := goodComps(200, 200, 200, 200, 200)
	comps[0].SeenAt, comps[0].PostedAt = compsNow.AddDate(0, 0, -10), compsNow.AddDate(0, 0, -11)
	m := ComputeMarket(CondGood, comps, CompsOptions{Now: compsNow, Window: 7 * 24 * time.Hour, MinSamples: 4})
	if m.Samples != 4 || m.WindowDays != 7 {
		t.Errorf("7-day window: Samples %d WindowDays %d, want 4 and 7", m.Samples, m.WindowDays)
	}
}

func TestComputeMarketLikelySoldWeighsMore(t *testing.T) {
	t.Parallel()
	unsold := goodComps(100, 100, 100, 100, 100)
	cheap := goodComps(80, 80, 80, 80, 80)
	if m := ComputeMarket(CondGood, append(append([]Comp{}, unsold...), cheap...), compsOpts()); m.MedianCents != 9000 {
		t.Fatalf("median with nothing sold = %d, want 9000 (precondition)", m.MedianCents)
	}
	tests := []struct {
		name   string
		goneIn time.Duration
		want   int64
	}{
		{"gone within a day: sold, weight 2", 24 * time.Hour, 8000},
		{"gone after 10 days: just expired, weight 1", 10 * 24 * time.Hour, 9000},
	}
	for _, tt := range tests {
		sold := make([]Comp, len(cheap))
		for i, c := range cheap {
			c.PostedAt = compsNow.AddDate(0, 0, -12)
			g := c.PostedAt.Add(tt.goneIn)
			c.SeenAt, c.GoneAt = g.Add(-time.Hour), &g
			sold[i] = c
		}
		m := ComputeMarket(CondGood, append(append([]Comp{}, unsold...), sold...), compsOpts())
		if m.MedianCents != tt.want {
			t.Errorf("%s: median = %d, want %d", tt.name, m.MedianCents, tt.want)
		}
	}
}

func TestComputeMarketConfidence(t *testing.T) {
	t.Parallel()
	tight := func(n int) []Comp {
		d := make([]int64, n)
		for i := range d {
			d[i] = 190 + int64(i%5)*5 // $190–$210
		}
		return goodComps(d...)
	}
	wide := func(n int) []Comp {
		d := make([]int64, n)
		for i := range d {
			d[i] = 50 + int64(i)*300/int64(n-1) // $50–$350, IQR about 75% of the median
		}
		return goodComps(d...)
	}
	tests := []struct {
		name  string
		comps []Comp
		want  string
	}{
		{"15 tight comps", tight(15), ConfidenceHigh},
		{"8 tight comps", tight(8), ConfidenceMedium},
		{"5 tight comps", tight(5), ConfidenceLow},
		{"15 widely spread comps", wide(15), ConfidenceMedium},
	}
	for _, tt := range tests {
		if m := ComputeMarket(CondGood, tt.comps, compsOpts()); m.Confidence != tt.want {
			t.Errorf("%s: confidence %q (samples %d, IQR %d, median %d), want %q", tt.name, m.Confidence, m.Samples, m.IQRCents, m.MedianCents, tt.want)
		}
	}
}

func TestComputeMarketIgnoresOrder(t *testing.T) {
	t.Parallel()
	comps := goodComps(120, 340, 200, 210, 190, 5000, 180, 230, 260, 205)
	gone := compsNow.Add(-30 * time.Hour)
	comps[2].GoneAt = &gone
	want := ComputeMarket(CondGood, comps, compsOpts())
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20 {
		shuffled := append([]Comp{}, comps...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := ComputeMarket(CondGood, shuffled, compsOpts()); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled comps gave %+v, want %+v", got, want)
		}
	}
}

func TestMismatchSignal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title      string
		wantPhrase string
		wantOK     bool
	}{
		{"iPhone 12 for parts", "for parts", true},
		{"iPhone 12 - PARTS ONLY", "parts only", true},
		{"Broken lamp", "broken", true},
		{"Laptop not working", "not working", true},
		{"PS5 box only", "box only", true},
		{"Empty box for Switch", "empty box", true},
		{"Please read description - couch", "read description", true},
		{"Wanted: oak table", "wanted", true},
		{"WTB PS5", "WTB", true},
		{"wtb ps5", "WTB", true},
		{"ISO mid-century dresser", "ISO", true},
		{"iso dresser", "ISO", true},
		{"Looking for a couch", "looking for", true},
		{"Isometric drawing board", "", false},
		{"Unwanted gift: blender", "", false},
		{"Oak table, works great", "", false},
		{"Spare parts drawer", "", false},
	}
	for _, tt := range tests {
		phrase, ok := MismatchSignal(tt.title)
		if ok != tt.wantOK || phrase != tt.wantPhrase {
			t.Errorf("MismatchSignal(%q) = %q, %v; want %q, %v", tt.title, phrase, ok, tt.wantPhrase, tt.wantOK)
		}
	}
}
