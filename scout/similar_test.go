package scout

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSimilarityTokens(t *testing.T) {
	t.Parallel()
	tests := []struct{ title, want string }{
		{"Sony WH-1000XM4 wireless headphones", "headphones sony wh1000xm4 wireless"},
		{"Sony WH1000XM4 headphones - Like New!", "headphones sony wh1000xm4"},
		{"Trek Domane AL 2 road bike 56 cm", "2 56cm al bike domane road trek"},
		{"Trek Domane 56cm", "56cm domane trek"},
		{"Yamaha FG-800 acoustic", "acoustic fg800 yamaha"},
		{"iPhone 13 128 GB unlocked", "128gb 13 iphone unlocked"},
		{"Fair Couch #0040", "couch"},
		{"KitchenAid mixer 5-quart", "5qt kitchenaid mixer"},
		{"Café table, OBO", "cafe table"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(similarityTokens(tt.title), " "); got != tt.want {
			t.Errorf("similarityTokens(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// compAt is a comp seen an hour before scoreNow.
func compAt(key, title string, cents int64, cond Condition) Comp {
	return Comp{Key: key, Title: title, PriceCents: cents, Currency: "USD", Condition: cond,
		SeenAt: scoreNow.Add(-time.Hour), PostedAt: scoreNow.Add(-2 * time.Hour)}
}

func TestMarketCacheUsesSimilarListings(t *testing.T) {
	t.Parallel()
	var comps []Comp
	for i := range 30 {
		comps = append(comps, compAt(fmt.Sprint("uke", i), "Kala KA-15S soprano ukulele guitar", int64(5500+i*10), CondGood))
		comps = append(comps, compAt(fmt.Sprint("strat", i), "Fender Player Stratocaster electric guitar", int64(64000+i*100), CondGood))
	}
	mc := NewMarketCache(comps, CompsOptions{}, scoreNow)
	uke := mc.For(Listing{Source: "x", SourceID: "1", Title: "Kala KA15S ukulele guitar", Condition: CondGood, Currency: "USD"})
	strat := mc.For(Listing{Source: "x", SourceID: "2", Title: "Fender Stratocaster electric guitar", Condition: CondGood, Currency: "USD"})
	if uke.MedianCents > 6000 || strat.MedianCents < 60000 {
		t.Errorf("ukulele market %d, Stratocaster market %d; want each from its own kind (~5,650 and ~65,000)", uke.MedianCents, strat.MedianCents)
	}
	if uke.Similar != NeighborsK || uke.Floor != SimilarityFloor || len(uke.Examples) != 3 || !strings.Contains(uke.Examples[0].Title, "Kala") {
		t.Errorf("ukulele market %+v: want %d similar at floor %v and 3 Kala examples", uke, NeighborsK, SimilarityFloor)
	}
}

func TestMarketCacheNeverItsOwnComp(t *testing.T) {
	t.Parallel()
	// Five comps make a market; the target is the fifth, so without it
	// there are only four and no market.
	var comps []Comp
	for i := range 5 {
		comps = append(comps, compAt(fmt.Sprint("x\x00", i), "Oak dining table", 20000, CondGood))
	}
	mc := NewMarketCache(comps, CompsOptions{}, scoreNow)
	self := Listing{Source: "x", SourceID: "4", Title: "Oak dining table", Condition: CondGood, Currency: "USD"}
	if m := mc.For(self); m.Known() || m.Similar != 4 {
		t.Errorf("listing among its own comps: market %+v, want none from the 4 others", m)
	}
	other := Listing{Source: "y", SourceID: "1", Title: "Oak dining table", Condition: CondGood, Currency: "USD"}
	if m := mc.For(other); !m.Known() || m.Samples != 5 {
		t.Errorf("another listing: market %+v, want 5 comps", m)
	}
}

func TestMarketCacheKeepsOutJunkAccessoriesAndOtherCategories(t *testing.T) {
	t.Parallel()
	var comps []Comp
	for i := range 10 {
		comps = append(comps, compAt(fmt.Sprint("p", i), "iPhone 13 128GB", 42000, CondGood))
		c := compAt(fmt.Sprint("case", i), "iPhone 13 case", 1500, CondGood)
		comps = append(comps, c)
		j := compAt(fmt.Sprint("junk", i), "iPhone 13 128GB", 5000, CondGood)
		j.Description = "Broken screen, for parts"
		comps = append(comps, j)
		o := compAt(fmt.Sprint("toy", i), "iPhone 13 128GB", 900, CondGood)
		o.Category = "toys"
		comps = append(comps, o)
	}
	mc := NewMarketCache(comps, CompsOptions{}, scoreNow)
	phone := mc.For(Listing{Source: "z", SourceID: "1", Title: "iPhone 13 128GB unlocked", Condition: CondGood, Currency: "USD", Category: "phones"})
	if phone.MedianCents != 42000 || phone.Samples != 10 {
		t.Errorf("phone market %+v, want $420 from the 10 phones only", phone)
	}
	cs := mc.For(Listing{Source: "z", SourceID: "2", Title: "Leather case for iPhone 13", Condition: CondGood, Currency: "USD"})
	if cs.MedianCents != 1500 {
		t.Errorf("case market %+v, want $15 from the cases only", cs)
	}
}

func TestMarketCacheTooFewSimilarIsNoMarket(t *testing.T) {
	t.Parallel()
	var comps []Comp
	for i := range 40 {
		comps = append(comps, compAt(fmt.Sprint(i), "Oak dining table", 20000, CondGood))
	}
	m := NewMarketCache(comps, CompsOptions{}, scoreNow).For(Listing{Title: "Vintage lava lamp", Condition: CondGood, Currency: "USD"})
	if m.Known() {
		t.Errorf("a lamp among tables got market %+v, want none", m)
	}
}

func TestMarketCacheIgnoresOrder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(8, 9))
	var comps []Comp
	titles := []string{"Oak dining table", "Oak table", "Oak dining table and chairs", "Pine table"}
	for i := range 120 {
		comps = append(comps, compAt(fmt.Sprint(i), titles[i%4], int64(15000+rng.IntN(10000)), Conditions[rng.IntN(7)]))
	}
	l := Listing{Source: "q", SourceID: "1", Title: "Oak dining table", Condition: CondGood, Currency: "USD"}
	want := NewMarketCache(comps, CompsOptions{}, scoreNow).For(l)
	for range 5 {
		shuffled := slices.Clone(comps)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := NewMarketCache(shuffled, CompsOptions{}, scoreNow).For(l); !reflect.DeepEqual(got, want) {
			t.Fatalf("market depends on the order of comps:\n%+v\n%+v", got, want)
		}
	}
}

func TestReadSignals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title, desc string
		cents       int64
		want        Signals
	}{
		{"Oak table", "", 20000, Signals{}},
		{"Oak table FOR PARTS", "", 20000, Signals{NotItem: "for parts"}},
		{"Oak table", "One leg is broken.", 20000, Signals{NotItem: "broken"}},
		{"Oak table", "Never broken, like new.", 20000, Signals{}},
		{"Oak table, sold as-is", "", 20000, Signals{NotItem: "as is"}},
		{"iPhone 13 iCloud locked", "", 20000, Signals{NotItem: "icloud locked"}},
		{"WTB oak table", "", 20000, Signals{NotOffer: "wtb"}},
		{"Buying oak tables", "", 20000, Signals{NotOffer: "buying"}},
		{"Oak table", "Looking for a quick sale.", 20000, Signals{}},
		{"Lot of 5 oak chairs", "", 20000, Signals{Lot: "lot of", LotCount: 5}},
		{"Oak chair x4", "", 20000, Signals{Lot: "x4", LotCount: 4}},
		{"Oak chairs bundle", "", 20000, Signals{Lot: "bundle"}},
		{"iPhone 13 case", "", 1500, Signals{Accessory: "case"}},
		{"iPhone 13 with case", "", 40000, Signals{}},
		{"KitchenAid stand mixer", "", 20000, Signals{}},
		{"Oak table", "Call for price", 0, Signals{Placeholder: `$0.00 with "call for price"`}},
		{"Oak table", "", 100, Signals{Placeholder: "$1.00"}},
		{"Oak table", "", 12300, Signals{Placeholder: "$123.00"}},
		{"Oak table", "", 11100, Signals{Placeholder: "$111.00"}},
		{"Oak table", "", 12350, Signals{}},
		{"Oak table", "Pay by Zelle, I ship.", 5000, Signals{Scam: "i ship"}},
		{"Oak table factory sealed", "", 5000, Signals{Sealed: "sealed"}},
		{"ISOMETRIC oak table", "", 20000, Signals{}},
	}
	for _, tt := range tests {
		got := ReadSignals(Listing{Title: tt.title, Description: tt.desc, PriceCents: tt.cents, PriceKnown: true, Currency: "USD"})
		if got != tt.want {
			t.Errorf("ReadSignals(%q, %q, %d) = %+v, want %+v", tt.title, tt.desc, tt.cents, got, tt.want)
		}
	}
}

var targetsLimit = flag.Int("bench.targets", 20000, "how many of the 20,000 listings BenchmarkMarketCache20kDistinctTitles prices")

// BenchmarkMarketCache20kDistinctTitles prices 20,000 new listings with
// distinct titles that share a word, against themselves and 2,000 stored
// comps: the comps search of a poll of 20,000 new listings at its worst
// (every title searched once, every search meeting most comps).
func BenchmarkMarketCache20kDistinctTitles(b *testing.B) {
	rng := rand.New(rand.NewPCG(20, 20))
	words := []string{"oak", "pine", "walnut", "teak", "table", "desk", "chair", "bench", "round", "square", "vintage",
		"modern", "rustic", "large", "small", "extendable", "farmhouse", "industrial", "glass", "marble"}
	const n = 22000
	comps := make([]Comp, n)
	targets := make([]Listing, 0, 20000)
	for i := range comps {
		title := fmt.Sprintf("Dining %s %s %s %d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], words[rng.IntN(len(words))], i)
		comps[i] = compAt(fmt.Sprint("k", i), title, int64(10000+rng.IntN(30000)), Conditions[rng.IntN(7)])
		if i >= 2000 {
			targets = append(targets, Listing{Source: "k", SourceID: fmt.Sprint(i), Title: title, Condition: comps[i].Condition, Currency: "USD"})
		}
	}
	b.ResetTimer()
	for b.Loop() {
		mc := NewMarketCache(comps, CompsOptions{}, scoreNow)
		for _, l := range targets[:*targetsLimit] {
			mc.For(l)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*min(len(targets), *targetsLimit)), "ns/listing")
}
