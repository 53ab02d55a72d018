package cmd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

type scoreFlags struct {
	watch, title, price, query, condition, marketPrice, currency string
	listing                                                      int64
	age                                                          time.Duration
	distance                                                     float64
	photos                                                       int
	explain, asJSON, refresh                                     bool
}

func newScoreCmd(a *app) *cobra.Command {
	var f scoreFlags
	c := &cobra.Command{
		Use:   "score",
		Short: "Re-score stored deals, explain one, or score an item given on the command line",
		Long: `Without --listing or --title, score re-scores every open deal (all watches, or --watch NAME) with
the current weights, and prints how many changed and by how much. A poll stores, with each deal, what
its score depends on besides the weights (its market from the comps of that moment, its age then, its
condition, distance, photos, warning signs); score applies the current weights to that, which is quick
and reads no listing. --refresh scores every deal again from its listing instead: markets from today's
comps and recency at today's clock, as a poll would. Deals stored by an older dealscout, and all deals
of a watch whose market weight went to or from 0, are scored again from their listings either way.

--listing ID [--watch NAME] --explain shows each component of a stored deal, its weight and reason,
and the comparables used.

--title T --price P scores an item ad hoc and stores nothing. With --watch NAME it uses that watch's
comparables, limits and weights, so --price 0 --explain also shows what the thing is worth.`,
		Example: `  dealscout score
  dealscout score --refresh --watch couches
  dealscout score --listing 42 --explain
  dealscout score --title "IKEA Kivik sofa" --price 120 --query sofa --condition good --age 12h --distance-mi 5 --photos 3 --market-price 300`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			adHoc := changedAny(cmd, adHocFlags...)
			switch {
			case cmd.Flags().Changed("refresh") && (adHoc != "" || cmd.Flags().Changed("listing")):
				return usageError("--refresh re-scores the stored deals from their listings; it does not go with --listing or the ad hoc flags (--title, --price, …)")
			case cmd.Flags().Changed("listing") && adHoc != "":
				return usageError("--listing explains a stored deal and --%s scores an item given on the command line: use one or the other", adHoc)
			case adHoc != "":
				return a.scoreAdHoc(cmd, f)
			case cmd.Flags().Changed("listing"):
				return a.scoreListing(cmd, f)
			}
			return a.rescore(cmd, f)
		},
	}
	fl := c.Flags()
	// A backquoted word in a usage is the value's name in --help ("--listing ID").
	fl.StringVar(&f.watch, "watch", "", "limit re-scoring to the watch `NAME`, or take comps, limits and weights from it")
	fl.Int64Var(&f.listing, "listing", 0, "explain the stored deal of listing `ID` (the ID column of dealscout deals)")
	fl.StringVar(&f.title, "title", "", "ad hoc: the item's title")
	fl.StringVar(&f.price, "price", "", "ad hoc: the asking price in currency units (0 = free)")
	fl.StringVar(&f.currency, "currency", "USD", "ad hoc: the price's currency")
	fl.StringVar(&f.query, "query", "", "ad hoc: what you searched for (keyword relevance against the title)")
	fl.StringVar(&f.condition, "condition", "unknown", "ad hoc: condition: "+conditionWords())
	fl.DurationVar(&f.age, "age", 0, "ad hoc: how long ago it was posted, e.g. 12h")
	fl.Float64Var(&f.distance, "distance-mi", -1, "ad hoc: how far away it is, in miles")
	fl.IntVar(&f.photos, "photos", 0, "ad hoc: how many photos it has")
	fl.StringVar(&f.marketPrice, "market-price", "", "ad hoc: what such an item usually sells for, in currency units")
	fl.BoolVar(&f.explain, "explain", false, "print every component, its weight and reason, and the comps used")
	fl.BoolVar(&f.refresh, "refresh", false, "re-score from the listings: markets from today's comps, recency at today's clock (slower)")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	return c
}

// adHocFlags describe an item given on the command line.
var adHocFlags = []string{"title", "price", "currency", "query", "condition", "age", "distance-mi", "photos", "market-price"}

// changedAny is the first of names the command line set, or "".
func changedAny(cmd *cobra.Command, names ...string) string {
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			return n
		}
	}
	return ""
}

// scoreJSON is the documented `score --json` shape.
type scoreJSON struct {
	Score       float64                    `json:"score"`
	Components  map[string]scout.Component `json:"components"`
	Market      marketJSON                 `json:"market"`
	ProfitCents *int64                     `json:"profit_cents"`
	Fallback    bool                       `json:"fallback"`
}

type marketJSON struct {
	MedianCents     int64               `json:"median_cents"`
	Samples         int                 `json:"samples"`
	Confidence      string              `json:"confidence"`
	IQRCents        int64               `json:"iqr_cents"`
	WindowDays      int                 `json:"window_days"`
	Condition       string              `json:"condition"`
	Similar         int                 `json:"similar"`          // similar listings found (at most 20)
	SimilarityFloor float64             `json:"similarity_floor"` // the least title similarity of a comp
	Examples        []scout.CompExample `json:"examples"`         // the most similar few
}

func (a *app) weights() scout.Weights { return scout.DefaultWeights().Merge(a.cfg.ScoreWeights) }

func (a *app) compsOptions() scout.CompsOptions {
	return scout.CompsOptions{Window: a.cfg.CompsWindow, MinSamples: a.cfg.CompsMinSamples}
}

func (a *app) scoreAdHoc(cmd *cobra.Command, f scoreFlags) error {
	if strings.TrimSpace(f.title) == "" {
		return usageError("--title is required to score an item (and --price)")
	}
	if !cmd.Flags().Changed("price") {
		return usageError("--price is required to score an item, in currency units (0 = free)")
	}
	price, err := scout.ParseAmount(f.price)
	if err != nil {
		return usageError("--price: %v", err)
	}
	cond, err := scout.ParseCondition(f.condition)
	if err != nil {
		return usageError("--condition: %v", err)
	}
	if f.age < 0 {
		return usageError("--age must not be negative (got %s)", f.age)
	}
	if f.photos < 0 || f.photos > 100 {
		return usageError("--photos must be between 0 and 100 (got %d)", f.photos)
	}
	now := a.now()
	l := scout.Listing{Source: "cli", SourceID: "ad-hoc", Title: f.title, PriceCents: price, PriceKnown: true,
		Currency: strings.ToUpper(f.currency), Condition: cond, ShippingCents: -1}
	if cmd.Flags().Changed("age") {
		l.PostedAt = now.Add(-f.age)
	}
	for i := 0; i < f.photos; i++ {
		l.Images = append(l.Images, fmt.Sprintf("photo-%d", i+1))
	}
	l = scout.Normalize(l, now)
	var dist *float64
	if cmd.Flags().Changed("distance-mi") {
		if f.distance < 0 || f.distance > 25000 || math.IsNaN(f.distance) {
			return usageError("--distance-mi must be between 0 and 25000 (got %g)", f.distance)
		}
		dist = &f.distance
	}
	var w *scout.Watch
	var market scout.Market
	query := f.query
	if f.watch != "" {
		st, err := a.store(cmd.Context(), true)
		if err != nil {
			return err
		}
		ww, err := st.Watch(cmd.Context(), f.watch)
		if err != nil {
			return notFoundIsUsage(err)
		}
		w = &ww
		if query == "" {
			query = w.Query
		}
		comps, err := st.Comps(cmd.Context(), w.ID, now.Add(-a.cfg.CompsWindow))
		if err != nil {
			return err
		}
		market = scout.NewMarketCache(comps, a.compsOptions(), now).For(l)
	}
	if f.marketPrice != "" {
		mp, err := scout.ParseAmount(f.marketPrice)
		if err != nil || mp == 0 {
			return usageError("--market-price must be a positive amount (got %q)", f.marketPrice)
		}
		market = scout.Market{MedianCents: mp, Samples: 1, Confidence: scout.ConfidenceHigh, Condition: "given"}
	}
	var exclude []string
	weights := a.weights()
	if w != nil {
		exclude = w.Exclude
	}
	sc := scout.ScoreDeal(scout.ScoreInput{Listing: l, Watch: w, Terms: scout.ParseQuery(query, exclude), DistanceMi: dist,
		Market: market, Now: now}, weights)
	return a.printScore(sc, f, nil)
}

func (a *app) scoreListing(cmd *cobra.Command, f scoreFlags) error {
	st, err := a.store(cmd.Context(), true)
	if err != nil {
		return err
	}
	if f.watch == "" {
		// A listing can match several watches, each with its own score:
		// name the choice rather than pick one.
		names, err := st.WatchesOfListing(cmd.Context(), f.listing)
		if err != nil {
			return err
		}
		if len(names) > 1 {
			return usageError("listing %d is in %s (%s): add --watch NAME to say which deal to explain",
				f.listing, plural(len(names), "watch"), strings.Join(names, ", "))
		}
	}
	d, err := st.DealForListing(cmd.Context(), f.listing, f.watch)
	if err != nil {
		return notFoundIsUsage(err)
	}
	return a.printScore(d.Score, f, &d)
}

func (a *app) printScore(sc scout.Score, f scoreFlags, d *scout.Deal) error {
	if f.asJSON {
		m := sc.Market
		return writeJSON(a.stdout(), scoreJSON{Score: sc.Total, Components: sc.Components, ProfitCents: sc.ProfitCents,
			Fallback: sc.Fallback, Market: marketJSON{MedianCents: m.MedianCents, Samples: m.Samples,
				Confidence: nonEmpty(m.Confidence, scout.ConfidenceNone), IQRCents: m.IQRCents, WindowDays: m.WindowDays, Condition: m.Condition,
				Similar: m.Similar, SimilarityFloor: m.Floor, Examples: m.Examples}})
	}
	out := a.stdout()
	cur := "USD"
	if d != nil {
		cur = d.Listing.Currency
		fmt.Fprintf(out, "%s — %s (%s, watch %s)\n", d.Listing.Title, scout.FormatPrice(d.Listing.PriceCents, cur),
			d.Listing.Source, d.Watch)
	} else if f.currency != "" {
		cur = strings.ToUpper(f.currency)
	}
	fmt.Fprintf(out, "score %.1f/100", sc.Total)
	switch {
	case sc.Fallback:
		fmt.Fprint(out, " (original Deal Scout formula: no market value and no price limit)")
	case sc.PriceLed:
		fmt.Fprint(out, " (price against the market, then adjustments in points)")
	}
	fmt.Fprintln(out)
	if sc.ProfitCents != nil {
		fmt.Fprintf(out, "estimated profit %s\n", minusPrice(*sc.ProfitCents, cur))
	}
	fmt.Fprintln(out, marketLine(sc.Market, cur))
	if !f.explain {
		return nil
	}
	if lines := compLines(sc.Market, cur); len(lines) > 0 {
		for _, l := range lines {
			fmt.Fprintln(out, l)
		}
	}
	names := make([]string, 0, len(sc.Components))
	for n := range sc.Components {
		names = append(names, n)
	}
	slices.SortFunc(names, func(x, y string) int {
		return slices.Index(scout.ComponentNames, x) - slices.Index(scout.ComponentNames, y)
	})
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	if sc.PriceLed {
		fmt.Fprintln(tw, "COMPONENT\tPOINTS\tRANGE\tREASON")
		for _, n := range names {
			c := sc.Components[n]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n, signedPoints(c.Points), pointsRange(n, c), c.Reason)
		}
		fmt.Fprintf(tw, "total\t%.1f\t\t0–100\n", sc.Total)
		return tw.Flush()
	}
	fmt.Fprintln(tw, "COMPONENT\tVALUE\tWEIGHT\tREASON")
	for _, n := range names {
		c := sc.Components[n]
		fmt.Fprintf(tw, "%s\t%.2f\t%g\t%s\n", n, c.Value, c.Weight, c.Reason)
	}
	return tw.Flush()
}

// marketLine says what the market value is and where it comes from.
func marketLine(m scout.Market, cur string) string {
	switch {
	case m.Condition == "given" && m.MedianCents > 0:
		return fmt.Sprintf("market value %s (given)", scout.FormatPrice(m.MedianCents, cur))
	case m.MedianCents > 0 && m.Confidence != scout.ConfidenceNone && m.Confidence != "":
		cond := m.Condition
		switch cond {
		case "", "all":
			cond = "any condition"
		default:
			cond = strings.ReplaceAll(cond, "_", " ")
		}
		return fmt.Sprintf("market value %s (middle half %s–%s) from %s, %s confidence, %s, last %s",
			scout.FormatPrice(m.MedianCents, cur), scout.FormatPrice(m.P25Cents, cur), scout.FormatPrice(m.P75Cents, cur),
			plural(m.Samples, "comp"), m.Confidence, cond, plural(m.WindowDays, "day"))
	case m.Similar > 0 || m.Floor > 0:
		return fmt.Sprintf("market value unknown: %s at similarity %.2f or more, too few for a market",
			plural(m.Similar, "similar listing"), m.Floor)
	}
	return fmt.Sprintf("market value unknown (%s; too few)", plural(m.Samples, "comp"))
}

// compLines name the comps a market came from: how many, the similarity
// floor, and the most similar few with their prices.
func compLines(m scout.Market, cur string) []string {
	if m.Similar == 0 {
		return nil
	}
	lines := []string{fmt.Sprintf("comps: the %s most like this one (title similarity %.2f or more, same category when given, never itself); most similar:",
		plural(m.Similar, "listing"), m.Floor)}
	for _, e := range m.Examples {
		lines = append(lines, fmt.Sprintf("  %10s  %.2f  %s", scout.FormatPrice(e.PriceCents, cur), e.Similarity, e.Title))
	}
	return lines
}

// minusPrice writes a negative amount as "-$9.95", not "$-9.95".
func minusPrice(cents int64, cur string) string {
	if cents < 0 && cents != math.MinInt64 {
		return "-" + scout.FormatPrice(-cents, cur)
	}
	return scout.FormatPrice(cents, cur)
}

// signedPoints writes points with their sign: "+2.7", "-40", "88".
func signedPoints(p float64) string {
	switch {
	case p > 0:
		return fmt.Sprintf("+%g", p)
	case p < 0:
		return fmt.Sprintf("-%g", -p)
	}
	return "0"
}

// pointsRange is what a price-led component can add, as its weight says.
func pointsRange(name string, c scout.Component) string {
	switch name {
	case scout.CompMarket:
		return "10–94"
	case scout.CompRisk:
		return "penalty"
	}
	return fmt.Sprintf("span %g", c.Weight)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// rescore re-scores every open deal and reports the changes.
func (a *app) rescore(cmd *cobra.Command, f scoreFlags) error {
	st, err := a.store(cmd.Context(), true)
	if err != nil {
		return err
	}
	res, err := Rescore(cmd.Context(), st, f.watch, a.weights(), a.compsOptions(), a.now(), f.refresh)
	if err != nil {
		return notFoundIsUsage(err)
	}
	if f.asJSON {
		return writeJSON(a.stdout(), res)
	}
	fmt.Fprintf(a.stdout(), "re-scored %s: %d changed", plural(res.Deals, "deal"), res.Changed)
	if res.Changed > 0 {
		fmt.Fprintf(a.stdout(), " (%d up, %d down, mean change %+.1f, largest %+.1f)", res.Up, res.Down, res.MeanDelta, res.MaxDelta)
	}
	fmt.Fprintln(a.stdout())
	return nil
}

// RescoreResult is what `score` reports.
type RescoreResult struct {
	Deals     int     `json:"deals"`
	Changed   int     `json:"changed"`
	Up        int     `json:"up"`
	Down      int     `json:"down"`
	MeanDelta float64 `json:"mean_delta"`
	MaxDelta  float64 `json:"max_delta"` // the change of largest magnitude, signed
	// Refreshed counts the deals whose listings were scored again (markets
	// and recency at the clock of the re-score); the others had the weights
	// applied to the factors their last poll or refresh stored.
	Refreshed int `json:"refreshed"`
	// passes is how many passes over deals the re-score made (each reads,
	// scores and writes): what the tests see of how it went about it.
	passes int
}

// rescoreChunk is how many deals a re-score reads and scores at a time; the
// chunks queue for the writer, which commits them as store.UpdateScores
// decides. firstRescoreChunk is smaller, so that the writer, the slowest
// stage, starts sooner.
const (
	rescoreChunk      = 5000
	firstRescoreChunk = 500
	scoreJob          = 500 // deals a scorer takes at a time
)

// Rescore re-scores the open deals of one watch (or all) and saves the
// changed scores. Deals stored as factors get the weights applied to them,
// without their listings being read or comps searched: every watch's in one
// pass. A watch with a deal that has no factors, or whose formula the new
// weights change, is scored again from its listings, with markets from
// today's comps and recency at now; so is every watch when refresh is set.
// Reading and scoring run beside writing, over chunks, so the two cores of a
// small server work at once. It is exported for the benchmark.
func Rescore(ctx context.Context, st *store.Store, watch string, weights scout.Weights, co scout.CompsOptions, now time.Time, refresh bool) (RescoreResult, error) {
	return rescore(ctx, st, watch, weights, co, now, rescoreChunk, refresh)
}

func rescore(ctx context.Context, st *store.Store, watch string, weights scout.Weights, co scout.CompsOptions, now time.Time, chunk int, refresh bool) (RescoreResult, error) {
	var res RescoreResult
	var ws []scout.Watch
	if watch != "" {
		w, err := st.Watch(ctx, watch)
		if err != nil {
			return res, err
		}
		ws = []scout.Watch{w}
	} else {
		var err error
		if ws, err = st.Watches(ctx); err != nil {
			return res, err
		}
	}
	sets := make(map[int64]watchWeights, len(ws))
	keys := make([]string, len(ws))
	for i := range ws {
		resolved := scout.ResolveWeights(weights, &ws[i])
		key, err := scout.WeightsKey(resolved)
		if err != nil {
			return res, fmt.Errorf("watch %q: %w", ws[i].Name, err)
		}
		keys[i] = key
		sets[ws[i].ID] = watchWeights{resolved: resolved}
	}
	ids, err := st.WeightsIDs(ctx, keys)
	if err != nil {
		return res, err
	}
	for i := range ws {
		ww := sets[ws[i].ID]
		ww.wid = ids[i]
		sets[ws[i].ID] = ww
	}
	var tally rescoreTally
	passes := 0
	if !refresh && len(ws) > 1 {
		// Every watch's deals in one pass, one transaction: many watches of a
		// few thousand deals each cost as much as one watch of them all,
		// where a pass per watch updated the score indexes row by row and
		// committed once a watch.
		full, err := applyWeights(ctx, st, 0, sets, chunk, &tally)
		passes++
		if err != nil || !full {
			res = tally.result()
			res.passes = passes
			return res, err
		}
	}
	for i := range ws {
		w := &ws[i]
		full := refresh
		if !full {
			var err error
			full, err = applyWeights(ctx, st, w.ID, sets, chunk, &tally)
			passes++
			if err != nil {
				return res, err
			}
		}
		if full {
			passes++
			if err := rescoreListings(ctx, st, w, weights, sets[w.ID].wid, co, now, chunk, &tally); err != nil {
				return res, err
			}
		}
	}
	res = tally.result()
	res.passes = passes
	return res, nil
}

// watchWeights are the weights a watch's deals are scored with, resolved
// (DefaultWeights, the configured ones, the watch's own), and the id of
// that weight set.
type watchWeights struct {
	resolved scout.Weights
	wid      int64
}

// applyWeights applies the weights of each deal's watch (sets) to the
// stored factors of the open deals of one watch, or of every watch when
// watchID is 0, and writes the totals with their weight sets. full is true
// when some deal needs scoring from its listing instead: one stored before
// factors were (it has none), or one whose formula the new weights change
// (the market weight went to or from 0, which Factors.Total refuses for a
// deal with a market). Then the pass stops, and what it wrote rolls back
// with its transaction: deals are read in listing (or deal) order, so the
// older deals that lack factors come first, and a change of formula shows
// at the first deal with a market, well before a commit (a bulk re-score
// commits once, at the end; another, after ScoreLockBudget).
func applyWeights(ctx context.Context, st *store.Store, watchID int64, sets map[int64]watchWeights, chunk int,
	total *rescoreTally) (full bool, err error) {
	var tally rescoreTally
	err = rescorePipeline(ctx, st, watchID, chunk, &tally, factorPages(st, watchID == 0),
		func(p *store.FactorsPage, t *rescoreTally) ([]store.ScoreUpdate, error) {
			ups := make([]store.ScoreUpdate, len(p.Rows))
			for i := range p.Rows {
				r := &p.Rows[i]
				ww, known := sets[r.WatchID]
				f, err := store.FactorsForTotal(r.Factors)
				if r.WeightsID == 0 || err != nil || !known {
					return nil, errNeedsListings // none, or damaged: scoring it again writes them anew
				}
				total, ok := f.Total(ww.resolved)
				if !ok {
					return nil, errNeedsListings
				}
				t.add(total - r.Total)
				ups[i] = store.ScoreUpdate{DealID: r.DealID, Total: total, WeightsID: ww.wid}
			}
			return ups, nil
		})
	if errors.Is(err, errNeedsListings) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	total.merge(tally)
	return false, nil
}

// errNeedsListings stops applying weights: a deal must be scored from its
// listing.
var errNeedsListings = errors.New("a deal needs scoring from its listing")

// rescoreListings scores the watch's open deals again from their listings,
// with today's comps and clock, and stores their factors with the weight
// set wid.
func rescoreListings(ctx context.Context, st *store.Store, w *scout.Watch, weights scout.Weights, wid int64,
	co scout.CompsOptions, now time.Time, chunk int, tally *rescoreTally) error {
	window := co.Window
	if window <= 0 {
		window = scout.DefaultCompsWindow
	}
	comps, err := st.Comps(ctx, w.ID, now.Add(-window))
	if err != nil {
		return err
	}
	markets := scout.NewMarketCache(comps, co, now)
	var t rescoreTally
	err = rescorePipeline(ctx, st, w.ID, chunk, &t, dealPages(st),
		func(deals []scout.Deal, t *rescoreTally) ([]store.ScoreUpdate, error) {
			factors := make([]scout.Factors, len(deals))
			scores := scout.Rescore(w, deals, markets, weights, now, factors)
			ups := make([]store.ScoreUpdate, len(deals))
			// The job's encodings go into one buffer and become one
			// string, which each update slices: a string per deal
			// was 100,000 allocations for the collector to chase.
			bp := encodeBufs.Get().(*[]byte)
			defer encodeBufs.Put(bp)
			buf := (*bp)[:0]
			ends := make([]int, len(scores))
			for j := range factors {
				var err error
				if buf, err = store.AppendFactors(buf, &factors[j]); err != nil {
					return nil, err
				}
				ends[j] = len(buf)
				t.add(scores[j].Total - deals[j].Score.Total)
			}
			*bp = buf
			all, start := string(buf), 0
			for j, end := range ends {
				ups[j] = store.ScoreUpdate{DealID: deals[j].ID, Total: scores[j].Total, Components: store.ProfitComponents(&factors[j]),
					Factors: all[start:end], WeightsID: wid}
				start = end
			}
			return ups, nil
		})
	if err != nil {
		return err
	}
	t.refreshed = t.deals
	tally.merge(t)
	return nil
}

// rescoreTally counts a re-score's changes. Chunks are scored in parallel,
// each into its own tally, and merged in chunk order, so the result is the
// same as one pass in deal order would give.
type rescoreTally struct {
	deals, changed, up, down, refreshed int
	sum, maxDelta                       float64
}

func (t *rescoreTally) add(delta float64) {
	t.deals++
	if delta == 0 {
		return
	}
	t.changed++
	t.sum += delta
	if delta > 0 {
		t.up++
	} else {
		t.down++
	}
	if math.Abs(delta) > math.Abs(t.maxDelta) {
		t.maxDelta = delta
	}
}

func (t *rescoreTally) merge(o rescoreTally) {
	t.deals += o.deals
	t.refreshed += o.refreshed
	t.changed += o.changed
	t.up += o.up
	t.down += o.down
	t.sum += o.sum
	if math.Abs(o.maxDelta) > math.Abs(t.maxDelta) {
		t.maxDelta = o.maxDelta
	}
}

func (t *rescoreTally) result() RescoreResult {
	r := RescoreResult{Deals: t.deals, Changed: t.changed, Up: t.up, Down: t.down, MaxDelta: t.maxDelta, Refreshed: t.refreshed}
	if t.changed > 0 {
		r.MeanDelta = math.Round(t.sum/float64(t.changed)*10) / 10
	}
	return r
}

// pageSource is what a re-score pages through: read fills buf (a page
// handed back to be reused, or the zero P) with up to limit open deals of
// the watch whose listing ids are above after, in listing id order, and
// returns the page, how many deals it holds and the last one's listing id;
// split cuts a page into jobs of at most n deals.
type pageSource[P any] struct {
	read  func(ctx context.Context, buf P, watchID, after int64, limit int) (P, int, int64, error)
	split func(p P, n int) []P
}

// dealPages are deals with their listings, for scoring again.
func dealPages(st *store.Store) pageSource[[]scout.Deal] {
	return pageSource[[]scout.Deal]{
		read: func(ctx context.Context, buf []scout.Deal, watchID, after int64, limit int) ([]scout.Deal, int, int64, error) {
			deals, err := st.DealsForRescore(ctx, buf, watchID, after, limit)
			if err != nil || len(deals) == 0 {
				return deals, 0, 0, err
			}
			return deals, len(deals), deals[len(deals)-1].Listing.ID, nil
		},
		split: func(deals []scout.Deal, n int) [][]scout.Deal { return slices.Collect(slices.Chunk(deals, n)) },
	}
}

// factorPages are deals' stored factors, for applying new weights: of one
// watch in listing order, or of every watch in deal order (all).
func factorPages(st *store.Store, all bool) pageSource[*store.FactorsPage] {
	return pageSource[*store.FactorsPage]{
		read: func(ctx context.Context, p *store.FactorsPage, watchID, after int64, limit int) (*store.FactorsPage, int, int64, error) {
			if p == nil {
				p = &store.FactorsPage{}
			}
			if err := st.FactorsForRescore(ctx, p, watchID, after, limit); err != nil || len(p.Rows) == 0 {
				return p, 0, 0, err
			}
			last := &p.Rows[len(p.Rows)-1]
			if all {
				return p, len(p.Rows), last.DealID, nil
			}
			return p, len(p.Rows), last.ListingID, nil
		},
		split: func(p *store.FactorsPage, n int) []*store.FactorsPage {
			var out []*store.FactorsPage
			for part := range slices.Chunk(p.Rows, n) {
				out = append(out, &store.FactorsPage{Rows: part})
			}
			return out
		},
	}
}

// rescorePipeline pages through a watch's open deals on one goroutine,
// scores the chunks on as many goroutines as there are cores, and writes
// them on another. The writer, which must be one, is the critical path only
// for its last steps (rebuilding the score indexes and committing); before
// that it waits on scoring, which is why scoring gets every core. The first
// error stops all three stages; chunks already written stay written, which is
// harmless, since a re-score is idempotent. Each chunk's tally is merged
// into total in chunk order.
func rescorePipeline[P any](ctx context.Context, st *store.Store, watchID int64, chunk int, total *rescoreTally,
	src pageSource[P], score func(P, *rescoreTally) ([]store.ScoreUpdate, error)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type job struct {
		seq  int
		part P
		page *rescorePage[P]
	}
	// Pages go back to the reader once every job of theirs is scored, so
	// a re-score allocates a few pages, not one per chunk.
	free := make(chan P, 2)
	jobs := make(chan job, 1)
	writes := make(chan []store.ScoreUpdate, 2)
	written := make(chan struct{})
	go func() {
		defer close(written)
		if _, err := st.UpdateScores(ctx, watchID, writes); err != nil {
			cancel(err)
		}
	}()
	var mu sync.Mutex
	var tallies []rescoreTally
	var scorers sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		scorers.Go(func() {
			for j := range jobs {
				var t rescoreTally
				ups, err := score(j.part, &t)
				j.page.done(free)
				if err != nil {
					cancel(err)
					continue // drain, so the reader is never stuck
				}
				mu.Lock()
				if j.seq >= len(tallies) {
					tallies = append(tallies, make([]rescoreTally, j.seq+1-len(tallies))...)
				}
				tallies[j.seq] = t
				mu.Unlock()
				select {
				case writes <- ups:
				case <-ctx.Done():
				}
			}
		})
	}
	err := func() error {
		defer close(jobs)
		var after int64
		// A small first chunk gets the writer going sooner.
		limit := min(chunk, firstRescoreChunk)
		for seq := 0; ; {
			var buf P
			select {
			case buf = <-free:
			default:
			}
			page, n, last, err := src.read(ctx, buf, watchID, after, limit)
			if err != nil || n == 0 {
				return err
			}
			end := n < limit
			after, limit = last, chunk
			// Scored in pieces, so that a watch of a few thousand deals
			// keeps every scorer busy too.
			parts := src.split(page, scoreJob)
			pg := &rescorePage[P]{page: page}
			pg.left.Store(int64(len(parts)))
			for _, part := range parts {
				select {
				case jobs <- job{seq, part, pg}:
					seq++
				case <-ctx.Done():
					return nil // a later stage failed; its error is the cause
				}
			}
			if end {
				return nil
			}
		}
	}()
	if err != nil {
		cancel(err)
	}
	scorers.Wait()
	close(writes)
	<-written
	if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
		return err
	}
	for _, t := range tallies {
		total.merge(t)
	}
	return nil
}

// encodeBufs are the scorers' buffers for encoding components.
var encodeBufs = sync.Pool{New: func() any { return new([]byte) }}

// rescorePage is one page read for a re-score, shared by the jobs it was
// cut into.
type rescorePage[P any] struct {
	page P
	left atomic.Int64 // jobs not yet scored
}

// done marks one of the page's jobs scored; the last one offers the page
// back to the reader on free, or drops it when free is full.
func (p *rescorePage[P]) done(free chan<- P) {
	if p.left.Add(-1) != 0 {
		return
	}
	select {
	case free <- p.page:
	default:
	}
}
