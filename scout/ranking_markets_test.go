package scout_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Labels of the listings of an evaluation market.
const (
	labelBargain   = "bargain"   // a real item priced well under its market: should rank high
	labelMarket    = "market"    // a real item at about its market price
	labelOther     = "other"     // a real item, neither bargain nor at market (e.g. overpriced)
	labelJunk      = "junk"      // not the working item, not an offer, a lot, a placeholder or a trap
	labelAccessory = "accessory" // an accessory in a device watch
)

// evalNow is the evaluation's clock.
var evalNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// evalMarket is one labelled market: a watch and what its sources return.
type evalMarket struct {
	name       string
	kind       string // "one-product", "mixed", "accessories", "junk", "fixture"
	watch      scout.Watch
	listings   []scout.Listing
	labels     map[string]string // by Listing.Key()
	kindOf     map[string]string // mixed watches: which kind each bargain is
	marketByID map[string]int64  // the generator's true market price of each listing
	now        time.Time
}

func (m *evalMarket) add(l scout.Listing, label string, market int64) {
	l.Source = "gen"
	if l.SourceID == "" {
		l.SourceID = fmt.Sprintf("%s-%04d", m.name, len(m.listings)+1)
	}
	l.PriceKnown, l.Currency = true, "USD"
	if l.ShippingCents == 0 {
		l.ShippingCents = -1
	}
	m.listings = append(m.listings, l)
	m.labels[l.Key()] = label
	m.marketByID[l.Key()] = market
}

func newEvalMarket(name, kind, query string) *evalMarket {
	w := scout.NewWatch(name)
	w.Query = query
	w.HasCoords, w.Lat, w.Lng, w.RadiusMi = true, 37.7749, -122.4194, 25
	return &evalMarket{name: name, kind: kind, watch: w, labels: map[string]string{}, kindOf: map[string]string{},
		marketByID: map[string]int64{}, now: evalNow}
}

// gen draws the details of realistic listings.
type gen struct{ rng *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed*7+1))} }

func (g *gen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// around is a price spread normally around cents with the relative sd.
func (g *gen) around(cents int64, sd float64) int64 {
	f := 1 + g.rng.NormFloat64()*sd
	f = math.Max(0.7, math.Min(1.4, f)) // an honest seller's range
	return int64(math.Round(float64(cents)*f/100)) * 100
}

// place puts a listing within 20 miles of the watch and gives it photos.
func (g *gen) place(l *scout.Listing) {
	l.HasCoords = true
	l.Lat = 37.7749 + (g.rng.Float64()-0.5)*0.5
	l.Lng = -122.4194 + (g.rng.Float64()-0.5)*0.5
	for range 1 + g.rng.IntN(5) {
		l.Images = append(l.Images, "https://example.invalid/p.jpg")
	}
}

// posted is a posting time up to maxHours ago.
func (g *gen) posted(maxHours float64) time.Time {
	return evalNow.Add(-time.Duration(g.rng.Float64() * maxHours * float64(time.Hour)))
}

// condition draws a condition from a realistic mix for used goods.
func (g *gen) condition() scout.Condition {
	return []scout.Condition{scout.CondNew, scout.CondLikeNew, scout.CondLikeNew, scout.CondExcellent, scout.CondGreat,
		scout.CondGood, scout.CondGood, scout.CondGood, scout.CondFair}[g.rng.IntN(9)]
}

// condFactor is how a condition moves the price of a used item.
func condFactor(c scout.Condition) float64 {
	switch c {
	case scout.CondNew:
		return 1.15
	case scout.CondLikeNew:
		return 1.08
	case scout.CondFair:
		return 0.75
	case scout.CondPoor:
		return 0.5
	}
	return 1
}

// oneProduct is n listings of one model around a price, with 8 bargains 40–60 %
// under it in good condition, posted up to bargainAge hours ago.
func oneProduct(name string, seed uint64, n int, query string, titles []string, price int64, sd, bargainAge float64, category string) *evalMarket {
	g := newGen(seed)
	m := newEvalMarket(name, "one-product", query)
	descs := []string{"Works great, pick up only.", "Barely used, smoke-free home.", "Selling because I upgraded.",
		"Cash or Venmo on pickup.", "Light wear, fully working.", ""}
	for i := 0; i < n; i++ {
		c := g.condition()
		mk := int64(float64(price) * condFactor(c))
		l := scout.Listing{Title: g.pick(titles), Description: g.pick(descs), Condition: c, Category: category,
			PriceCents: g.around(mk, sd), PostedAt: g.posted(14 * 24)}
		g.place(&l)
		label := labelOther
		if r := float64(l.PriceCents) / float64(mk); r >= 0.9 && r <= 1.1 {
			label = labelMarket
		}
		m.add(l, label, mk)
	}
	for i := 0; i < 8; i++ {
		off := 0.40 + 0.20*float64(i)/7
		l := scout.Listing{Title: g.pick(titles), Description: g.pick(descs), Condition: scout.CondGood, Category: category,
			PriceCents: int64(math.Round(float64(price)*(1-off)/100)) * 100, PostedAt: g.posted(bargainAge)}
		g.place(&l)
		m.add(l, labelBargain, price)
	}
	shuffle(g, m)
	return m
}

// shuffle mixes bargains in so that input order tells nothing.
func shuffle(g *gen, m *evalMarket) {
	g.rng.Shuffle(len(m.listings), func(i, j int) { m.listings[i], m.listings[j] = m.listings[j], m.listings[i] })
}

// evalMarkets are the generated labelled markets.
func evalMarkets() []*evalMarket {
	out := []*evalMarket{
		oneProduct("headphones-200", 11, 200, "sony headphones",
			[]string{"Sony WH-1000XM4 wireless headphones", "Sony WH-1000XM4 noise cancelling headphones black",
				"Sony WH1000XM4 headphones", "Sony WH-1000XM4 over-ear headphones with case", "SONY WH-1000XM4 Headphones - silver"},
			22000, 0.10, 72, ""),
		oneProduct("road-bike-60", 12, 60, "bike",
			[]string{"Trek Domane AL 2 road bike 56cm", "Trek Domane AL2 56 cm road bike", "Trek Domane AL 2 bike, 56cm frame",
				"Road bike Trek Domane AL 2 (56cm)"},
			90000, 0.18, 7*24, "bicycles"),
		oneProduct("kettlebell-400", 13, 400, "kettlebell",
			[]string{"Rogue kettlebell 24kg", "Rogue 24 kg kettlebell", "Rogue Fitness kettlebell 24kg cast iron",
				"24kg Rogue kettlebell"},
			7000, 0.14, 48, ""),
		oneProduct("ipad-120", 14, 120, "ipad",
			[]string{"iPad Air 5th gen 64GB wifi", "Apple iPad Air 5 64GB Wi-Fi", "iPad Air (5th generation) 64GB space gray",
				"Apple iPad Air 5th gen 64 GB"},
			38000, 0.07, 5*24, "tablets"),
		priceDrops(),
		mixedConditions(),
		mixedKinds(),
		accessories(),
		junkAndTraps(),
	}
	return out
}

// priceDrops: fresh listings at market price, and bargains that are older
// listings whose price was dropped 40–55 %.
func priceDrops() *evalMarket {
	g := newGen(21)
	m := newEvalMarket("price-drops-150", "one-product", "dyson")
	titles := []string{"Dyson V11 cordless vacuum", "Dyson V11 Animal cordless stick vacuum", "Dyson V11 vacuum with tools"}
	const price = 30000
	for i := 0; i < 150; i++ {
		c := g.condition()
		mk := int64(float64(price) * condFactor(c))
		l := scout.Listing{Title: g.pick(titles), Condition: c, PriceCents: g.around(mk, 0.1), PostedAt: g.posted(48)}
		g.place(&l)
		label := labelOther
		if r := float64(l.PriceCents) / float64(mk); r >= 0.9 && r <= 1.1 {
			label = labelMarket
		}
		m.add(l, label, mk)
	}
	for i := 0; i < 8; i++ {
		l := scout.Listing{Title: g.pick(titles), Description: "Price dropped, need it gone this week.", Condition: scout.CondGood,
			PriceCents: int64(price*(0.45+0.15*float64(i)/7)/100) * 100, PostedAt: evalNow.Add(-time.Duration(4*24+i*8) * time.Hour)}
		g.place(&l)
		m.add(l, labelBargain, price)
	}
	shuffle(g, m)
	return m
}

// mixedConditions: one product whose price depends strongly on condition;
// a fair one at its own market price is not a bargain although it is far
// under the like-new price.
func mixedConditions() *evalMarket {
	g := newGen(22)
	m := newEvalMarket("mixed-conditions-200", "one-product", "kitchenaid mixer")
	titles := []string{"KitchenAid Artisan stand mixer 5qt", "KitchenAid Artisan 5 qt stand mixer red",
		"Kitchenaid artisan mixer 5-quart", "KitchenAid Artisan tilt-head stand mixer 5qt"}
	byCond := map[scout.Condition]int64{scout.CondNew: 38000, scout.CondLikeNew: 34000, scout.CondExcellent: 27000,
		scout.CondGreat: 26000, scout.CondGood: 25000, scout.CondFair: 16000, scout.CondPoor: 10000}
	conds := []scout.Condition{scout.CondNew, scout.CondLikeNew, scout.CondGood, scout.CondGood, scout.CondGreat,
		scout.CondFair, scout.CondFair, scout.CondPoor}
	for i := 0; i < 200; i++ {
		c := conds[g.rng.IntN(len(conds))]
		l := scout.Listing{Title: g.pick(titles), Condition: c, Category: "appliances", PriceCents: g.around(byCond[c], 0.1), PostedAt: g.posted(10 * 24)}
		g.place(&l)
		label := labelOther
		if r := float64(l.PriceCents) / float64(byCond[c]); r >= 0.9 && r <= 1.1 {
			label = labelMarket
		}
		m.add(l, label, byCond[c])
	}
	for i := 0; i < 8; i++ {
		l := scout.Listing{Title: g.pick(titles), Condition: scout.CondGood, Category: "appliances",
			PriceCents: int64(25000*(0.4+0.2*float64(i)/7)/100) * 100, PostedAt: g.posted(96)}
		g.place(&l)
		m.add(l, labelBargain, 25000)
	}
	shuffle(g, m)
	return m
}

// mixedKinds: a broad word over three kinds of item with very different
// prices, one bargain of each kind.
func mixedKinds() *evalMarket {
	g := newGen(23)
	m := newEvalMarket("guitar-3-kinds", "mixed", "guitar")
	kinds := []struct {
		kind   string
		titles []string
		price  int64
	}{
		{"ukulele", []string{"Kala KA-15S soprano ukulele guitar", "Kala soprano ukulele (mini guitar) KA-15S", "Kala KA15S uke guitar"}, 6000},
		{"acoustic", []string{"Yamaha FG800 acoustic guitar", "Yamaha FG800 acoustic guitar with gig bag", "Yamaha FG-800 dreadnought acoustic guitar"}, 18000},
		{"electric", []string{"Fender Player Stratocaster electric guitar", "Fender Player Strat electric guitar MIM", "Fender Player Stratocaster HSS electric guitar"}, 65000},
	}
	for _, k := range kinds {
		for i := 0; i < 70; i++ {
			c := g.condition()
			mk := int64(float64(k.price) * condFactor(c))
			l := scout.Listing{Title: g.pick(k.titles), Condition: c, PriceCents: g.around(mk, 0.12), PostedAt: g.posted(10 * 24)}
			g.place(&l)
			label := labelOther
			if r := float64(l.PriceCents) / float64(mk); r >= 0.9 && r <= 1.1 {
				label = labelMarket
			}
			m.add(l, label, mk)
		}
		l := scout.Listing{Title: g.pick(k.titles), Condition: scout.CondGood, PriceCents: k.price / 2 / 100 * 100, PostedAt: g.posted(72)}
		g.place(&l)
		m.add(l, labelBargain, k.price)
		m.kindOf[l.Key()] = k.kind
	}
	shuffle(g, m)
	return m
}

// accessories: a device watch where accessories outnumber the devices.
func accessories() *evalMarket {
	g := newGen(24)
	m := newEvalMarket("phone-accessories", "accessories", "iphone 13")
	phones := []string{"Apple iPhone 13 128GB unlocked", "iPhone 13 128GB blue unlocked", "iPhone 13 128 GB midnight, unlocked",
		"Unlocked Apple iPhone 13 128GB"}
	for i := 0; i < 50; i++ {
		c := g.condition()
		mk := int64(42000 * condFactor(c))
		l := scout.Listing{Title: g.pick(phones), Description: "Battery health 88%. Factory reset.", Condition: c,
			PriceCents: g.around(mk, 0.1), PostedAt: g.posted(10 * 24)}
		g.place(&l)
		label := labelOther
		if r := float64(l.PriceCents) / float64(mk); r >= 0.9 && r <= 1.1 {
			label = labelMarket
		}
		m.add(l, label, mk)
	}
	acc := []struct {
		title string
		price int64
	}{
		{"iPhone 13 case OtterBox Defender", 2500}, {"OtterBox case for iPhone 13", 2000}, {"iPhone 13 silicone case", 1200},
		{"iPhone 13 leather wallet cover", 1800}, {"iPhone 13 charger and USB-C cable", 1500}, {"Fast charger for iPhone 13", 1000},
		{"iPhone 13 screen protector 3 pack", 800}, {"Tempered glass screen protector iPhone 13", 700},
		{"Car mount for iPhone 13", 1500}, {"MagSafe stand for iPhone 13", 2200}, {"iPhone 13 skin decal", 900},
		{"Wrist strap lanyard iPhone 13", 600}, {"Original iPhone 13 box (empty)", 800}, {"iPhone 13 camera lens protector", 500},
	}
	for i := 0; i < 150; i++ {
		a := acc[g.rng.IntN(len(acc))]
		l := scout.Listing{Title: a.title, Description: "Brand new in package.", Condition: scout.CondNew,
			PriceCents: g.around(a.price, 0.2), PostedAt: g.posted(7 * 24)}
		g.place(&l)
		m.add(l, labelAccessory, a.price)
	}
	for i := 0; i < 4; i++ {
		l := scout.Listing{Title: g.pick(phones), Description: "Works perfectly, small scratch on the back.", Condition: scout.CondGood,
			PriceCents: int64(42000*(0.45+0.05*float64(i))/100) * 100, PostedAt: g.posted(5 * 24)}
		g.place(&l)
		m.add(l, labelBargain, 42000)
	}
	shuffle(g, m)
	return m
}

// junkAndTraps: one real bargain among normal listings and every kind of
// junk, non-offer, lot, placeholder and scam.
func junkAndTraps() *evalMarket {
	g := newGen(25)
	m := newEvalMarket("junk-and-traps", "junk", "switch")
	titles := []string{"Nintendo Switch OLED white", "Nintendo Switch OLED model with dock", "Nintendo Switch OLED 64GB neon"}
	const price = 28000
	for i := 0; i < 120; i++ {
		c := g.condition()
		mk := int64(price * condFactor(c))
		l := scout.Listing{Title: g.pick(titles), Description: "Comes with joy-cons and charger.", Condition: c,
			PriceCents: g.around(mk, 0.1), PostedAt: g.posted(10 * 24)}
		g.place(&l)
		label := labelOther
		if r := float64(l.PriceCents) / float64(mk); r >= 0.9 && r <= 1.1 {
			label = labelMarket
		}
		m.add(l, label, mk)
	}
	real := scout.Listing{Title: "Nintendo Switch OLED white", Description: "Works perfectly, moving sale.", Condition: scout.CondGood,
		PriceCents: 14000, PostedAt: evalNow.Add(-20 * time.Hour)}
	g.place(&real)
	m.add(real, labelBargain, price)
	junk := []struct {
		title, desc string
		cond        scout.Condition
		price       int64
	}{
		{"Nintendo Switch OLED", "$0 - call for price", scout.CondLikeNew, 0},
		{"Nintendo Switch OLED brand new sealed", "Payment by wire transfer, shipping only.", scout.CondNew, 9000},
		{"Nintendo Switch OLED", "Make an offer.", scout.CondLikeNew, 100},
		{"Nintendo Switch OLED white", "Text me.", scout.CondExcellent, 12300},
		{"Nintendo Switch OLED like new", "Price is negotiable.", scout.CondLikeNew, 11100},
		{"Lot of 5 Nintendo Switch OLED consoles", "Store closing.", scout.CondGood, 90000},
		{"Buying Nintendo Switch OLED", "Paying cash for any condition.", scout.CondGood, 15000},
		{"Trade my Nintendo Switch OLED for PS5", "Trade only.", scout.CondGood, 25000},
		{"Nintendo Switch OLED as is", "Sold as is.", scout.CondFair, 9000},
		{"Nintendo Switch OLED needs repair", "Turns on sometimes.", scout.CondFair, 8000},
		{"Nintendo Switch OLED white", "Broken screen, does not turn on.", scout.CondGood, 10000},
		{"Nintendo Switch OLED for parts", "", scout.CondPoor, 5000},
		{"WTB Nintendo Switch OLED", "", scout.CondGood, 20000},
		{"ISO Nintendo Switch OLED", "", scout.CondGood, 20000},
		{"Nintendo Switch OLED box only", "Original box.", scout.CondGood, 2000},
		{"Nintendo Switch OLED brand new sealed", "Zelle or gift card only, I ship.", scout.CondNew, 8500},
		{"Nintendo Switch OLED bundle x10", "Ten consoles.", scout.CondNew, 150000},
		{"Nintendo Switch OLED cracked screen", "", scout.CondFair, 9500},
	}
	for _, j := range junk {
		l := scout.Listing{Title: j.title, Description: j.desc, Condition: j.cond, PriceCents: j.price, PostedAt: g.posted(24)}
		g.place(&l)
		m.add(l, labelJunk, price)
	}
	shuffle(g, m)
	return m
}
