package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/geo"
)

// The marketplace's schedule: slot n opens at epoch + n·slotEvery, and its
// item is posted at a random moment within the slot. About 400 items are on
// offer at any time; cheap ones sell within hours, the rest in 4–9 days.
const (
	slotEvery   = 20 * time.Minute
	maxLifetime = 9 * 24 * time.Hour
	radiusMi    = 40
	seed        = 0x5eed_dea1_5c07
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// slotAt is the slot open at t, rounding down for times before the epoch too.
func slotAt(t time.Time) int64 {
	d := t.Sub(epoch)
	n := int64(d / slotEvery)
	if d%slotEvery < 0 {
		n--
	}
	return n
}

// Sorts of listing, by how the seller priced them.
const (
	pricedNormal = iota
	pricedDeal   // 40–70% below market: what users hope to find
	pricedFree
	pricedParts // broken, priced accordingly
)

// item is everything about one slot's listing that does not depend on the
// clock or the watch. It is a pure function of the slot number, so its title,
// price and photos are the same on every poll.
type item struct {
	slot       int64
	kind       kind
	sort       int
	title      string
	desc       string
	condition  scout.Condition
	cents      int64
	postedAt   time.Time
	lifetime   time.Duration
	dropAfter  time.Duration // 0 = never drops
	dropCents  int64
	photos     int
	seller     string
	town       town
	jitterMi   float64 // around the town
	jitterDir  float64
	distMi     float64 // from a watch's own location
	bearing    float64
	hoodName   string
	logistics1 string
}

// newItem draws slot n's listing. The draws happen in a fixed order whatever
// the outcome, so adding a field at the end never changes existing items.
func newItem(n int64) item {
	r := rand.New(rand.NewPCG(seed, uint64(n))) // #nosec G404 G115 -- sample data, not security; slot numbers are never negative
	it := item{slot: n, kind: catalogue[r.IntN(len(catalogue))]}
	it.postedAt = epoch.Add(time.Duration(n)*slotEvery + time.Duration(r.Int64N(int64(slotEvery/time.Second)))*time.Second)

	switch roll := r.Float64(); {
	case roll < 0.05:
		it.sort = pricedFree
	case roll < 0.15:
		it.sort = pricedDeal
	case roll < 0.19:
		it.sort = pricedParts
	}
	it.condition = drawCondition(r)
	market := float64(it.kind.marketCents)
	switch it.sort {
	case pricedFree:
		it.cents = 0
		it.lifetime = hours(r, 6, 36) // free things go fast
		if it.condition.Rank() > scout.CondGood.Rank() {
			it.condition = scout.CondGood // nobody gives away a new sofa
		}
	case pricedDeal:
		it.cents = nicePrice(market * (0.30 + 0.30*r.Float64()))
		it.lifetime = hours(r, 12, 72) // and so do bargains
	case pricedParts:
		it.condition = scout.CondPoor
		it.cents = nicePrice(market * (0.10 + 0.20*r.Float64()))
		it.lifetime = hours(r, 72, 192)
	default:
		ratio := conditionFactor[it.condition] + 0.40*(r.Float64()-0.5)
		it.cents = nicePrice(market * math.Max(0.70, math.Min(1.30, ratio)))
		it.lifetime = hours(r, 96, 216)
	}
	// A quarter of normally priced items drop their price after a while,
	// so price history and drop alerts have something to show.
	dropRoll, dropAt, dropPct := r.Float64(), hours(r, 24, 96), 0.10+0.15*r.Float64()
	if it.sort == pricedNormal && dropRoll < 0.25 && dropAt < it.lifetime {
		it.dropAfter = dropAt
		it.dropCents = nicePrice(float64(it.cents) * (1 - dropPct))
	}

	brand := it.kind.brands[r.IntN(len(it.kind.brands))]
	base := strings.ReplaceAll(it.kind.titles[r.IntN(len(it.kind.titles))], "{brand}", brand)
	detail := it.kind.details[r.IntN(len(it.kind.details))]
	condWords := conditionWords[string(it.condition)]
	condWord := ""
	if len(condWords) > 0 {
		condWord = condWords[r.IntN(len(condWords))]
	}
	parts := partsWords[r.IntN(len(partsWords))]
	free := freeWords[r.IntN(len(freeWords))]
	it.logistics1 = logistics[r.IntN(len(logistics))]
	it.title, it.desc = wording(it, base, detail, condWord, parts, free)

	it.photos = r.IntN(7)
	if it.sort == pricedFree && it.photos > 2 {
		it.photos = 1 // curb finds rarely get a photo shoot
	}
	it.seller = sellerNames[r.IntN(len(sellerNames))]
	it.town = bayTowns[r.IntN(len(bayTowns))]
	it.jitterMi, it.jitterDir = 1.5*r.Float64(), 2*math.Pi*r.Float64()
	it.distMi, it.bearing = radiusMi*math.Sqrt(r.Float64()), 2*math.Pi*r.Float64()
	it.hoodName = neighbourhoods[r.IntN(len(neighbourhoods))]
	return it
}

// wording writes the title and description the way sellers would.
func wording(it item, base, detail, condWord, parts, free string) (title, desc string) {
	switch it.sort {
	case pricedFree:
		return free + base, fmt.Sprintf("%s Free, just come get it. %s", detail, it.logistics1)
	case pricedParts:
		return base + " - " + parts, fmt.Sprintf("Selling %s. %s Priced to sell.", parts, detail)
	case pricedDeal:
		return base + " - must go", fmt.Sprintf("Moving this week, need it gone. %s %s.", detail, capitalise(condWord))
	}
	if condWord != "" && it.slot%2 == 0 {
		title = base + ", " + condWord
	} else {
		title = base
	}
	return title, fmt.Sprintf("%s %s. %s", detail, capitalise(condWord), it.logistics1)
}

// onOffer reports whether the item is listed at now: posted, and not yet sold.
func (it item) onOffer(now time.Time) bool {
	return !it.postedAt.After(now) && now.Before(it.postedAt.Add(it.lifetime))
}

// listing renders the item as seen at now from around (nil: San Francisco).
func (it item) listing(now time.Time, around *geo.Point) scout.Listing {
	id := fmt.Sprintf("demo-%d", it.slot)
	l := scout.Listing{
		Source:        scout.KindDemo,
		SourceID:      id,
		Title:         it.title,
		Description:   strings.TrimSpace(it.desc),
		PriceCents:    it.cents,
		Currency:      scout.DefaultCurrency,
		PriceKnown:    true,
		Free:          it.cents == 0,
		Condition:     it.condition,
		Category:      it.kind.category,
		PostedAt:      it.postedAt,
		HasCoords:     true,
		URL:           "https://demo.dealscout.invalid/listing/" + id,
		ShippingCents: -1, // local pickup
		Seller:        it.seller,
	}
	if it.dropAfter > 0 && !now.Before(it.postedAt.Add(it.dropAfter)) {
		l.PriceCents = it.dropCents
	}
	var at geo.Point
	if around == nil {
		at, l.LocationText = offset(it.town.at, it.jitterMi, it.jitterDir), it.town.name
	} else {
		at, l.LocationText = offset(*around, it.distMi, it.bearing), it.hoodName
	}
	l.Lat, l.Lng = at.Lat, at.Lng
	for i := range it.photos {
		l.Images = append(l.Images, fmt.Sprintf("https://picsum.photos/seed/%s-%d/640/480", id, i+1))
	}
	return l
}

// conditionFactor is how condition moves a fair asking price from market.
var conditionFactor = map[scout.Condition]float64{
	scout.CondNew: 1.20, scout.CondLikeNew: 1.10, scout.CondExcellent: 1.05, scout.CondGreat: 1.0,
	scout.CondGood: 0.95, scout.CondFair: 0.85,
}

func drawCondition(r *rand.Rand) scout.Condition {
	switch x := r.Float64(); {
	case x < 0.06:
		return scout.CondNew
	case x < 0.22:
		return scout.CondLikeNew
	case x < 0.38:
		return scout.CondExcellent
	case x < 0.55:
		return scout.CondGreat
	case x < 0.82:
		return scout.CondGood
	}
	return scout.CondFair
}

// nicePrice rounds like people price things: whole dollars, $5 steps above
// $50, $10 steps above $500, never below $1.
func nicePrice(cents float64) int64 {
	dollars := cents / 100
	step := 1.0
	switch {
	case dollars >= 500:
		step = 10
	case dollars >= 50:
		step = 5
	}
	d := math.Max(1, math.Round(dollars/step)*step)
	return int64(d) * 100
}

func hours(r *rand.Rand, lo, hi int) time.Duration {
	return time.Duration(lo)*time.Hour + time.Duration(r.Int64N(int64(hi-lo)*int64(time.Hour)))
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
