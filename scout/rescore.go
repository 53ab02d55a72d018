package scout

import "time"

// MarketCache computes each (condition, currency) market once per set of
// comps: every listing of a watch is priced against the same comps, so a
// poll or a re-score of 100,000 deals does not sort the comps 100,000 times.
type MarketCache struct {
	comps []Comp
	opts  CompsOptions
	memo  map[string]Market
}

// NewMarketCache prices listings against comps as of now.
func NewMarketCache(comps []Comp, o CompsOptions, now time.Time) *MarketCache {
	o.Now = now
	return &MarketCache{comps: comps, opts: o, memo: map[string]Market{}}
}

// For returns the market for a listing's condition and currency.
func (c *MarketCache) For(l Listing) Market {
	// The key is built on the stack: the lookup with string(k) does not
	// allocate, and every deal of a re-score looks its market up here.
	var buf [64]byte
	k := append(append(append(buf[:0], l.Condition...), '|'), l.Currency...)
	if m, ok := c.memo[string(k)]; ok {
		return m
	}
	o := c.opts
	o.Currency = l.Currency
	m := ComputeMarket(l.Condition, c.comps, o)
	c.memo[string(k)] = m
	return m
}

// Rescore recomputes the scores of a watch's deals with the current weights
// and comps, in the order given.
//
// Each score is ScoreDeal's for the deal. The weights are resolved once for
// the watch rather than for every deal, and the profits share one slice
// instead of taking an allocation each.
func Rescore(w *Watch, deals []Deal, markets *MarketCache, weights Weights, now time.Time) []Score {
	terms := ParseQuery(w.Query, w.Exclude)
	ws := resolveWeights(weights, w)
	out := make([]Score, len(deals))
	profits := make([]int64, len(deals))
	for i := range deals {
		d := &deals[i]
		in := ScoreInput{Listing: d.Listing, Watch: w, Terms: terms, DistanceMi: d.DistanceMi,
			Market: markets.For(d.Listing), Now: now}
		s, profit, ok := scoreDeal(&in, &ws)
		if ok {
			profits[i] = profit
			s.ProfitCents = &profits[i]
		}
		out[i] = s
	}
	return out
}
