package scout

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MarketCache prices listings against the comps most similar to each of
// them (DESIGN.md §6): the NeighborsK nearest by title similarity, at least
// SimilarityFloor, in the listing's condition bucket when that gives enough
// comps, then the trimmed, weighted median of ComputeMarket.
//
// A comp counts for a listing when it is in the listing's currency, inside
// the window, one working item at a real price (ReadSignals), in the same
// category when both say one, and an accessory exactly when the listing is
// one, so that cases never price a phone and phones never price a case. A
// listing is never its own comp.
//
// The index is built once per set of comps, and the neighbours once per
// distinct title (its words, bucket, currency, category): a poll or a
// re-score of 100,000 deals of one watch searches each title once.
//
// For may be called from several goroutines at once: a re-score scores its
// chunks on every core.
type MarketCache struct {
	mu     sync.Mutex // guards memo, titles and spare
	spare  []*scratch // searches' working space, one per search in flight
	comps  []Comp
	opts   CompsOptions
	ix     *similarIndex
	last   []int64  // when each comp was last known, for ties: newer first
	ok     []bool   // comp is comparable and in the window
	cur    []string // each comp's currency and category, normalised once
	cat    []string
	acc    []bool // comp is an accessory
	cond   []Condition
	memo   map[memoKey]*titleMarket
	titles map[string]*titleInfo
}

// titleMarket is the market of one distinct title, and the neighbours it
// came from, one more than used so a listing that is its own neighbour can
// be left out.
type titleMarket struct {
	exact, bucket, all []neighbor
	keys               map[string]struct{} // the comps above, to leave a listing out of its own
	market             Market
	cond               Condition
	hasBucket          bool
}

// NewMarketCache prices listings against comps as of now.
func NewMarketCache(comps []Comp, o CompsOptions, now time.Time) *MarketCache {
	o.Now = now
	o = o.withDefaults()
	c := &MarketCache{comps: comps, opts: o, ok: make([]bool, len(comps)), acc: make([]bool, len(comps)), last: make([]int64, len(comps)),
		cur: make([]string, len(comps)), cat: make([]string, len(comps)), cond: make([]Condition, len(comps)),
		memo: map[memoKey]*titleMarket{}, titles: map[string]*titleInfo{}}
	docs := make([][]string, len(comps))
	for i := range comps {
		cp := &comps[i]
		c.last[i] = lastKnown(*cp).UnixNano()
		c.cur[i] = currencyOr(cp.Currency)
		c.cond[i] = vocabCondition(cp.Condition)
		if cp.Category != "" {
			c.cat[i] = strings.ToLower(strings.TrimSpace(cp.Category))
		}
		if cp.PriceCents <= 0 || (!now.IsZero() && !inWindow(*cp, now, o.Window)) {
			continue
		}
		sig := ReadSignals(cp.listing())
		if !sig.Comparable() {
			continue
		}
		c.ok[i], c.acc[i] = true, sig.Accessory != ""
		docs[i] = similarityTokens(cp.Title)
	}
	// Postings newest first, then by key and position, so the comps a
	// search walks (MaxPostingsPerWord) do not depend on the comps' order.
	order := make([]int32, len(comps))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(c.last[b], c.last[a]), strings.Compare(comps[a].Key, comps[b].Key), cmp.Compare(a, b))
	})
	c.ix = newSimilarIndex(docs, order)
	return c
}

// For returns the market for a listing, from the comps most like it.
func (c *MarketCache) For(l Listing) Market {
	category := l.Category
	if category != "" {
		category = strings.ToLower(strings.TrimSpace(category))
	}
	c.mu.Lock()
	ti, ok := c.titles[l.Title]
	c.mu.Unlock()
	if !ok {
		words := similarityTokens(l.Title)
		ti = &titleInfo{words: words, joined: strings.Join(words, " "), accessory: findAccessory(tokens(l.Title)) != ""}
		c.mu.Lock()
		c.titles[l.Title] = ti
		c.mu.Unlock()
	}
	k := memoKey{words: ti.joined, cur: currencyOr(l.Currency), cond: vocabCondition(l.Condition), category: category,
		accessory: ti.accessory}
	c.mu.Lock()
	tm, ok := c.memo[k]
	c.mu.Unlock()
	if !ok {
		// Searched outside the lock, so that scorers on other cores wait
		// only for the maps. Two may search one title at once; the search
		// is deterministic, so either result is the same.
		tm = c.search(ti.words, k.cur, category, ti.accessory, k.cond)
		c.mu.Lock()
		c.memo[k] = tm
		c.mu.Unlock()
	}
	// l.Key() built on the stack: the lookup does not allocate.
	var kbuf [128]byte
	self := append(append(append(kbuf[:0], l.Source...), 0), l.SourceID...)
	if _, near := tm.keys[string(self)]; !near {
		return tm.market
	}
	return c.marketOf(tm, string(self))
}

// takeScratch lends a search working space; giveScratch returns it.
func (c *MarketCache) takeScratch() *scratch {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.spare); n > 0 {
		sc := c.spare[n-1]
		c.spare = c.spare[:n-1]
		return sc
	}
	return c.ix.newScratch()
}

func (c *MarketCache) giveScratch(sc *scratch) {
	c.mu.Lock()
	c.spare = append(c.spare, sc)
	c.mu.Unlock()
}

// memoKey is what a title's market depends on besides the comps.
type memoKey struct {
	words, cur, category string
	cond                 Condition
	accessory            bool
}

// titleInfo is what the market search needs from a title.
type titleInfo struct {
	words     []string
	joined    string
	accessory bool
}

// search finds a title's neighbours and its market.
func (c *MarketCache) search(words []string, cur, category string, accessory bool, cond Condition) *titleMarket {
	bucket, hasBucket := bucketOf(cond)
	keep := func(p int32) bool {
		if !c.ok[p] || c.acc[p] != accessory || c.cur[p] != cur {
			return false
		}
		cc := c.cat[p]
		return category == "" || cc == "" || cc == category
	}
	// Ties are broken by the index's rank (recency, then key), so the comps
	// do not depend on the order they came in: a poll and a re-score must
	// agree.
	// One backing array for the three lists: a title's market keeps them.
	lists := make([]neighbor, 3*(NeighborsK+1))
	exact := topK{k: NeighborsK + 1, rank: c.ix.rank, list: lists[: 0 : NeighborsK+1]}
	inBucket := topK{k: NeighborsK + 1, rank: c.ix.rank, list: lists[NeighborsK+1 : NeighborsK+1 : 2*(NeighborsK+1)]}
	all := topK{k: NeighborsK + 1, rank: c.ix.rank, list: lists[2*(NeighborsK+1) : 2*(NeighborsK+1)]}
	sc := c.takeScratch()
	defer c.giveScratch(sc)
	for _, n := range c.ix.nearestWith(sc, words, SimilarityFloor, keep) {
		all.offer(n)
		if hasBucket {
			cc := c.cond[n.pos]
			if cc == cond {
				exact.offer(n)
			}
			if bucket.has(cc) {
				inBucket.offer(n)
			}
		}
	}
	tm := &titleMarket{hasBucket: hasBucket, cond: cond, exact: exact.list, bucket: inBucket.list, all: all.list}
	tm.keys = make(map[string]struct{}, len(tm.exact)+len(tm.bucket)+len(tm.all))
	for _, ns := range [][]neighbor{tm.exact, tm.bucket, tm.all} {
		for _, n := range ns {
			tm.keys[c.comps[n.pos].Key] = struct{}{}
		}
	}
	tm.market = c.marketOf(tm, "\x00none")
	return tm
}

func lastKnown(cp Comp) time.Time {
	if cp.PostedAt.After(cp.SeenAt) {
		return cp.PostedAt
	}
	return cp.SeenAt
}

// marketOf estimates the market from a title's neighbours without the comp
// keyed self: from comps in the listing's own condition when they make a
// market at least as confident as its condition bucket's (a poor item is
// not priced as a fair one), else from the bucket, else from every
// condition — then with at most low confidence, since other conditions
// sell for other prices.
func (c *MarketCache) marketOf(tm *titleMarket, self string) Market {
	days := int(math.Round(c.opts.Window.Hours() / 24))
	if tm.hasBucket {
		ns := c.without(tm.bucket, self)
		if m, ok := estimate(c.points(ns), c.opts.MinSamples); ok {
			b, _ := bucketOf(tm.cond)
			m.WindowDays, m.Condition = days, b.name
			if len(b.members) > 1 {
				exact := c.without(tm.exact, self)
				if me, ok := estimate(c.points(exact), c.opts.MinSamples); ok && confidenceRank(me.Confidence) >= confidenceRank(m.Confidence) {
					me.WindowDays, me.Condition = days, string(tm.cond)
					return c.described(me, exact)
				}
			}
			return c.described(m, ns)
		}
	}
	ns := c.without(tm.all, self)
	if m, ok := estimate(c.points(ns), c.opts.MinSamples); ok {
		m.WindowDays, m.Condition = days, "all"
		if tm.hasBucket && m.Confidence != ConfidenceLow {
			m.Confidence = ConfidenceLow
		}
		return c.described(m, ns)
	}
	// Too few similar comps: no market rather than one made of other things.
	return c.described(Market{Samples: len(ns), Confidence: ConfidenceNone, WindowDays: days, Condition: "all"}, ns)
}

func confidenceRank(c string) int {
	switch c {
	case ConfidenceHigh:
		return 3
	case ConfidenceMedium:
		return 2
	case ConfidenceLow:
		return 1
	}
	return 0
}

// without is the first NeighborsK neighbours other than self.
func (c *MarketCache) without(ns []neighbor, self string) []neighbor {
	out := make([]neighbor, 0, NeighborsK)
	for _, n := range ns {
		if c.comps[n.pos].Key == self {
			continue
		}
		if len(out) == NeighborsK {
			break
		}
		out = append(out, n)
	}
	return out
}

func (c *MarketCache) points(ns []neighbor) []pricePoint {
	out := make([]pricePoint, len(ns))
	for i, n := range ns {
		cp := c.comps[n.pos]
		w := 1.0
		if likelySold(cp) {
			w = soldWeight
		}
		out[i] = pricePoint{cents: cp.PriceCents, weight: w, cond: vocabCondition(cp.Condition)}
	}
	return out
}

// exampleComps is how many comps an explanation names.
const exampleComps = 3

// described adds what the explanation names: how many similar listings,
// the floor, and the most similar few.
func (c *MarketCache) described(m Market, ns []neighbor) Market {
	m.Similar, m.Floor = len(ns), SimilarityFloor
	for _, n := range ns[:min(len(ns), exampleComps)] {
		cp := c.comps[n.pos]
		m.Examples = append(m.Examples, CompExample{Title: capTitle(cp.Title, 60), PriceCents: cp.PriceCents,
			Similarity: math.Round(n.sim*100) / 100})
	}
	return m
}

func capTitle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Rescore recomputes the scores of a watch's deals with the current weights
// and comps, in the order given, and the factors of each into factors[i]
// when factors is not nil (it must then be as long as deals).
//
// Each score is ScoreDeal's for the deal. The weights are resolved once for
// the watch rather than for every deal, and the profits share one slice
// instead of taking an allocation each.
func Rescore(w *Watch, deals []Deal, markets *MarketCache, weights Weights, now time.Time, factors []Factors) []Score {
	terms := ParseQuery(w.Query, w.Exclude)
	ws := resolveWeights(weights, w)
	out := make([]Score, len(deals))
	profits := make([]int64, len(deals))
	var scratch Factors
	for i := range deals {
		d := &deals[i]
		in := ScoreInput{Listing: d.Listing, Watch: w, Terms: terms, DistanceMi: d.DistanceMi,
			Market: markets.For(d.Listing), Now: now}
		f := &scratch
		if factors != nil {
			f = &factors[i]
		}
		*f = Factors{}
		computeFactors(&in, ws.market > 0, f)
		s, _ := f.apply(&ws) // computed for these weights: the mode agrees
		if f.HasProfit {
			profits[i] = f.Profit
			s.ProfitCents = &profits[i]
		}
		out[i] = s
	}
	return out
}
