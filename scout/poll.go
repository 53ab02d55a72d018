package scout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// PollStore is what the poll pipeline needs from the database. Every method
// is short; none is called while a source is being fetched.
type PollStore interface {
	SourceStates(ctx context.Context, watchID int64) (map[string]SourceStatus, error)
	Comps(ctx context.Context, watchID int64, since time.Time) ([]Comp, error)
	// Ingest writes one source's answer in one transaction: b's Items and
	// Unmatched, then what fn writes through the FetchWriter, a batch at a
	// time, then gone marks (b.Complete), b.Recovered and b.State. An error
	// from fn rolls it all back and is returned as it is. With b.DryRun
	// nothing is written.
	Ingest(ctx context.Context, b FetchBatch, fn func(FetchWriter) error) (FetchCounts, error)
	RecordSourceFailure(ctx context.Context, f SourceFailure) (streak int, alerted bool, err error)
	EnqueueAlerts(ctx context.Context, watchID int64, spec string, alerts []OutboxAlert, failingAlerted bool) error
	MarkWatchPolled(ctx context.Context, id int64, at time.Time, backfilled bool) error
}

// ErrWatchGone is what a PollStore write returns when the watch was removed
// (`watch rm`) while it was being polled: the poll skips it, it is no failure.
var ErrWatchGone = errors.New("watch was removed during the poll")

// SourceStatus is a source's memory and health for one watch.
type SourceStatus struct {
	State          SourceState
	NextCheckAt    time.Time
	FailureStreak  int
	FailingAlerted bool
}

// SourceFailure is one failed fetch.
type SourceFailure struct {
	WatchID int64
	Spec    string
	Error   string
	At      time.Time
	RetryAt time.Time // zero = next poll
}

// FetchWriter reads and writes one batch of a fetch at a time, inside
// PollStore.Ingest's transaction.
type FetchWriter interface {
	// Known returns what is stored for each listing, by Listing.Key(). It
	// is asked once per batch, before the batch's Write.
	Known(ctx context.Context, ls []Listing) (map[string]Known, error)
	// Duplicates returns, by Listing.Key(), the first-seen listing at
	// another source that is the same item, for each listing that has one.
	Duplicates(ctx context.Context, ls []Listing) (map[string]int64, error)
	// Write stores the batch's matched items and unmatched listings.
	Write(ctx context.Context, items []FetchItem, unmatched []Listing) error
}

// BatchSize is how many listings a poll normalises, scores and stores at a
// time: a fetch of 100,000 listings holds the work of one batch, not of
// all of them.
const BatchSize = 2000

// MaxComps is how many comps a poll prices a fetch against: the store reads
// at most this many of a watch's newest (store.MaxComps), and a fetch adds
// at most this many of its own, newest first, in their place.
const MaxComps = 2000

// Known is what the store already has for a fetched listing.
type Known struct {
	ListingID    int64
	PriceCents   int64
	Currency     string
	PriceKnown   bool // PriceCents is a real price, not the 0 of "no usable price"
	DuplicateOf  *int64
	HasDeal      bool  // already matched to this watch
	AlertedCents int64 // price when last alerted for this watch; 0 = never
	// Unchanged: the listing is stored exactly as fetched (every column) and
	// scored for this watch, at DistanceMi; its score may be kept.
	Unchanged  bool
	DistanceMi *float64
}

// FetchItem is one matched listing ready to store.
type FetchItem struct {
	Listing Listing
	// Keep: the listing and its deal are stored as they are (Known.Unchanged)
	// and only seen again; Score is not computed and nothing is rewritten.
	// Its score catches up with the market at the next re-score.
	Keep  bool
	Score Score
	// Factors, when set, are what Score was computed from, and WeightsKey
	// the resolved weights it was computed with: the store keeps both, so
	// that a re-score after a weight change applies the new weights to
	// them instead of scoring the listing again. Without them the store
	// keeps Score's components, and a re-score scores the listing again.
	Factors       *Factors
	WeightsKey    string
	DistanceMi    *float64
	PriceChanged  bool // the price differs from the stored one: add history
	PriceDrop     bool
	DuplicateOf   *int64
	DigestPending bool
	AlertedCents  int64 // set when an instant alert is queued
	Alerts        []OutboxAlert
}

// OutboxAlert is one alert row to write with the deal that causes it.
type OutboxAlert struct {
	DedupeKey string
	Channel   string
	Reason    string
	NotBefore time.Time
	Payload   []byte
}

// FetchBatch is everything one successful fetch writes, in one transaction.
type FetchBatch struct {
	Watch     *Watch
	Spec      string
	Items     []FetchItem // matched listings
	Unmatched []Listing   // fetched but filtered out: stored for comps and gone tracking only
	Complete  bool        // listings absent from this fetch count towards gone
	GoneAfter int
	State     SourceState
	Recovered []OutboxAlert // "source recovered" alerts, when it had been alerted as failing
	Now       time.Time
	DryRun    bool // read only: nothing is written
}

// FetchCounts is what ApplyFetch did.
type FetchCounts struct {
	New, Updated, PriceDrops, Gone, AlertsQueued int
}

// RenderInput is what an alert payload is built from.
type RenderInput struct {
	Kind     string // "deal", "source_failing", "source_recovered"
	Watch    *Watch
	Item     *FetchItem
	Reason   string
	OldCents int64
	Spec     string
	Text     string
	Now      time.Time
}

// Poller runs the poll pipeline (DESIGN.md §5).
type Poller struct {
	Store       PollStore
	Sources     map[string]Source // by kind
	Now         func() time.Time
	Log         *slog.Logger
	Loc         *time.Location
	Concurrency int           // sources fetched at once; default 4
	SourceWait  time.Duration // longest one source may take; default 2m
	Weights     Weights
	Comps       CompsOptions
	GoneAfter   int
	FailAlertAt int // failure streak that sends one "source is failing" alert; 0 = never
	// Render builds an alert's stored payload (a notify.Message as JSON).
	Render        func(RenderInput) ([]byte, error)
	AlertBackfill bool // alert on the first poll of a watch too
	DryRun        bool // fetch, match and score, but write nothing
	// Progress, when set, is told before each watch is polled.
	Progress func(done, total int, watch string)
}

// Run polls the given watches and returns the run's report.
func (p *Poller) Run(ctx context.Context, watches []Watch) RunReport {
	rep := RunReport{StartedAt: p.Now().UTC(), Status: StatusOK, Watches: []WatchReport{}}
	for i := range watches {
		if ctx.Err() != nil {
			rep.Status = StatusFailed
			rep.Errors = append(rep.Errors, "poll cancelled: "+ctx.Err().Error())
			break
		}
		if p.Progress != nil {
			p.Progress(i, len(watches), watches[i].Name)
		}
		wr := p.pollWatch(ctx, &watches[i])
		if wr.removed {
			p.Log.Info("watch removed during the poll; skipped", "watch", watches[i].Name)
			continue
		}
		if wr.failed > 0 && rep.Status == StatusOK {
			rep.Status = StatusPartial
		}
		rep.Watches = append(rep.Watches, wr)
	}
	if len(rep.Watches) > 0 && allFailed(rep.Watches) {
		rep.Status = StatusFailed
	}
	rep.FinishedAt = p.Now().UTC()
	return rep
}

func allFailed(ws []WatchReport) bool {
	for _, w := range ws {
		if w.failed == 0 || w.failed < w.sources {
			return false
		}
	}
	return true
}

type fetched struct {
	spec   SourceSpec
	res    FetchResult
	prep   *prepared // an answer held whole, read once before it is stored
	err    error
	status SourceStatus
	skip   string
}

func (p *Poller) pollWatch(ctx context.Context, w *Watch) WatchReport {
	wr := WatchReport{Watch: w.Name, Errors: []string{}, Sources: []SourceReport{}, sources: len(w.Sources)}
	log := p.Log.With("watch", w.Name)
	states, err := p.Store.SourceStates(ctx, w.ID)
	if err != nil {
		wr.Errors = append(wr.Errors, err.Error())
		wr.failed = wr.sources
		return wr
	}
	now := p.Now().UTC()
	results := p.fetchAll(ctx, w, states, now)
	terms := ParseQuery(w.Query, w.Exclude)
	comps, err := p.Store.Comps(ctx, w.ID, now.Add(-p.compsWindow()))
	if err != nil {
		log.Warn("comps unavailable; scoring without market values", "error", err)
	}
	anyOK := false
	for i := range results {
		// The fetched listings go to ingest alone, so they can be collected
		// once stored rather than live until every source is.
		f := results[i]
		results[i] = fetched{}
		sr := SourceReport{Source: f.spec.ID(), Status: SourceOK, FailureStreak: f.status.FailureStreak}
		switch {
		case f.skip != "":
			sr.Status, sr.Error = SourceSkipped, f.skip
			wr.Errors = append(wr.Errors, f.skip)
		case f.err != nil:
			sr.Status, sr.Error = SourceFailed, f.err.Error()
			wr.failed++
			wr.Errors = append(wr.Errors, f.err.Error())
			p.recordFailure(ctx, w, f, now, &wr, &sr)
			if wr.removed {
				return wr
			}
			log.Warn("source failed", "source", f.spec.ID(), "error", f.err)
		default:
			anyOK = true
			sr.FailureStreak = 0
			if f.res.NotModified {
				sr.Status = SourceNotModified
			}
			for _, warn := range f.res.Warnings {
				wr.Errors = append(wr.Errors, fmt.Sprintf("%s: warning: %s", f.spec.ID(), warn))
			}
			var re *readError
			if err := p.ingest(ctx, w, &f, terms, comps, now, &sr.Counts); errors.Is(err, ErrWatchGone) {
				wr.removed = true
				return wr
			} else if errors.As(err, &re) {
				// The source failed while it was read: nothing was stored,
				// and it counts as a failed fetch.
				f.err = re.err
				if !strings.HasPrefix(f.err.Error(), f.spec.ID()+": ") {
					f.err = fmt.Errorf("%s: %w", f.spec.ID(), f.err)
				}
				sr.Counts = Counts{}
				sr.Status, sr.Error = SourceFailed, f.err.Error()
				wr.failed++
				wr.Errors = append(wr.Errors, f.err.Error())
				p.recordFailure(ctx, w, f, now, &wr, &sr)
				if wr.removed {
					return wr
				}
				log.Warn("source failed", "source", f.spec.ID(), "error", f.err)
			} else if err != nil {
				sr.Status, sr.Error = SourceFailed, err.Error()
				wr.failed++
				wr.Errors = append(wr.Errors, err.Error())
				log.Error("storing listings failed", "source", f.spec.ID(), "error", err)
			}
		}
		wr.Counts.add(sr.Counts)
		wr.Sources = append(wr.Sources, sr)
	}
	if !p.DryRun {
		if err := p.Store.MarkWatchPolled(ctx, w.ID, now, anyOK); err != nil {
			wr.Errors = append(wr.Errors, err.Error())
		}
	}
	return wr
}

func (p *Poller) compsWindow() time.Duration {
	if p.Comps.Window > 0 {
		return p.Comps.Window
	}
	return DefaultCompsWindow
}

// fetchAll fetches every source of the watch at once, bounded by Concurrency.
func (p *Poller) fetchAll(ctx context.Context, w *Watch, states map[string]SourceStatus, now time.Time) []fetched {
	out := make([]fetched, len(w.Sources))
	n := p.Concurrency
	if n < 1 {
		n = 4
	}
	sem := make(chan struct{}, n)
	terms := ParseQuery(w.Query, w.Exclude)
	var wg sync.WaitGroup
	for i, raw := range w.Sources {
		spec, err := ParseSourceSpec(raw)
		out[i].spec = spec
		if err != nil {
			out[i].err = err
			continue
		}
		st := states[spec.ID()]
		out[i].status = st
		if !st.NextCheckAt.IsZero() && now.Before(st.NextCheckAt) {
			out[i].skip = fmt.Sprintf("%s: skipped until %s (%s)", spec.ID(), st.NextCheckAt.Format(time.RFC3339), "quota or back-off")
			continue
		}
		src, ok := p.Sources[spec.Kind]
		if !ok {
			out[i].err = fmt.Errorf("%s: this source is not available (check DEALSCOUT_LEGAL_MODE and its credentials)", spec.ID())
			continue
		}
		wg.Add(1)
		go func(i int, src Source, spec SourceSpec, st SourceStatus) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			wait := p.SourceWait
			if wait <= 0 {
				wait = 2 * time.Minute
			}
			fctx, cancel := context.WithTimeout(ctx, wait)
			defer cancel()
			q := buildQuery(w, spec, st.State)
			res, err := safeFetch(fctx, src, q)
			if err == nil && !res.NotModified {
				// Normalised here, beside the other sources' fetches.
				out[i].prep = safePrepare(w, terms, &res, now)
			}
			if err != nil && !strings.HasPrefix(err.Error(), spec.ID()+": ") {
				err = fmt.Errorf("%s: %w", spec.ID(), err) // name the source, once
			}
			out[i].res, out[i].err = res, err
		}(i, src, spec, st)
	}
	wg.Wait()
	return out
}

// safeFetch turns a panicking source into an error: one broken source must
// never take the poll down.
func safeFetch(ctx context.Context, src Source, q Query) (res FetchResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("source crashed: %v", r)
		}
	}()
	return src.Fetch(ctx, q)
}

func buildQuery(w *Watch, spec SourceSpec, st SourceState) Query {
	t := ParseQuery(w.Query, w.Exclude)
	return Query{Watch: w.Name, Spec: spec, Terms: w.Query, Include: t.Include, Exclude: t.Exclude,
		MinCents: w.MinPriceCents, MaxCents: w.MaxPriceCents, Currency: w.Currency, Conditions: w.Conditions,
		HasCoords: w.HasCoords, Lat: w.Lat, Lng: w.Lng, PostalCode: w.ZIP, RadiusMi: w.RadiusMi, State: st}
}

func (p *Poller) recordFailure(ctx context.Context, w *Watch, f fetched, now time.Time, wr *WatchReport, sr *SourceReport) {
	if p.DryRun {
		return
	}
	var qe *QuotaError
	retryAt := time.Time{}
	if errors.As(f.err, &qe) {
		retryAt = qe.RetryAt
	}
	streak, alerted, err := p.Store.RecordSourceFailure(ctx, SourceFailure{WatchID: w.ID, Spec: f.spec.ID(), Error: f.err.Error(), At: now, RetryAt: retryAt})
	if errors.Is(err, ErrWatchGone) {
		wr.removed = true
		return
	}
	if err != nil {
		wr.Errors = append(wr.Errors, err.Error())
		return
	}
	sr.FailureStreak = streak
	if p.FailAlertAt <= 0 || streak < p.FailAlertAt || alerted {
		return
	}
	text := fmt.Sprintf("Source %s of watch %q has failed %d polls in a row. Last error: %s", f.spec.ID(), w.Name, streak, f.err)
	alerts := p.systemAlerts(w, "source_failing", f.spec.ID(), text, now)
	if err := p.Store.EnqueueAlerts(ctx, w.ID, f.spec.ID(), alerts, true); errors.Is(err, ErrWatchGone) {
		wr.removed = true
		return
	} else if err != nil {
		wr.Errors = append(wr.Errors, err.Error())
		return
	}
	sr.AlertsQueued += len(alerts)
	wr.AlertsQueued += len(alerts)
}

func (p *Poller) systemAlerts(w *Watch, kind, spec, text string, now time.Time) []OutboxAlert {
	var out []OutboxAlert
	for _, ch := range w.Notify {
		payload, err := p.Render(RenderInput{Kind: kind, Watch: w, Spec: spec, Text: text, Now: now})
		if err != nil {
			p.Log.Error("rendering alert failed", "error", err)
			continue
		}
		key := fmt.Sprintf("w%d|%s|%s|%s|%s", w.ID, spec, ch, kind, now.Format("20060102T150405"))
		out = append(out, OutboxAlert{DedupeKey: key, Channel: ch, Reason: kind, Payload: payload})
	}
	return out
}

// Run statuses.
const (
	StatusOK      = "ok"
	StatusPartial = "partial"
	StatusFailed  = "failed"
)

// RunReport is the documented `poll --json` shape.
type RunReport struct {
	RunID      int64         `json:"run_id"`
	StartedAt  time.Time     `json:"started_at"`
	FinishedAt time.Time     `json:"finished_at"`
	Status     string        `json:"status"`
	Watches    []WatchReport `json:"watches"`
	Errors     []string      `json:"errors,omitempty"`
}

// WatchReport is one watch's part of a run.
type WatchReport struct {
	Watch string `json:"watch"`
	Counts
	AlertsSent int            `json:"alerts_sent"`
	Errors     []string       `json:"errors"`
	Sources    []SourceReport `json:"sources"`
	sources    int
	failed     int
	removed    bool // `watch rm` removed it mid-poll: left out of the report
}

// Counts are what a poll did, for one source or summed over a watch.
type Counts struct {
	Fetched      int `json:"fetched"`
	New          int `json:"new"`
	Updated      int `json:"updated"`
	PriceDrops   int `json:"price_drops"`
	Matched      int `json:"matched"`
	Gone         int `json:"gone"`
	AlertsQueued int `json:"alerts_queued"`
}

func (c *Counts) add(o Counts) {
	c.Fetched += o.Fetched
	c.New += o.New
	c.Updated += o.Updated
	c.PriceDrops += o.PriceDrops
	c.Matched += o.Matched
	c.Gone += o.Gone
	c.AlertsQueued += o.AlertsQueued
}

// Source outcomes in a SourceReport.
const (
	SourceOK          = "ok"
	SourceNotModified = "not_modified" // a conditional GET answered 304
	SourceFailed      = "failed"
	SourceSkipped     = "skipped" // the legal mode, a quota or a backoff held it back
)

// SourceReport is one source's part of a watch's poll, with its health
// after the poll.
type SourceReport struct {
	Source string `json:"source"`
	Status string `json:"status"`
	Counts
	FailureStreak int    `json:"failure_streak"`
	Error         string `json:"error,omitempty"`
}

// Failed reports whether any source of the watch failed.
func (w WatchReport) Failed() bool { return w.failed > 0 }

// SortWatchesByName keeps reports stable for people and scripts.
func SortWatchesByName(ws []Watch) {
	sort.Slice(ws, func(i, j int) bool { return ws[i].Name < ws[j].Name })
}

// IngestManual stores, scores and alerts one listing a user entered by hand
// (guided mode) exactly as if a source had returned it.
func (p *Poller) IngestManual(ctx context.Context, w *Watch, l Listing) WatchReport {
	wr := WatchReport{Watch: w.Name, Errors: []string{}, Sources: []SourceReport{}, sources: 1}
	now := p.Now().UTC()
	comps, err := p.Store.Comps(ctx, w.ID, now.Add(-p.compsWindow()))
	if err != nil {
		p.Log.Warn("comps unavailable; scoring without market values", "error", err)
	}
	terms := ParseQuery(w.Query, w.Exclude)
	f := fetched{spec: SourceSpec{Kind: KindManual}, res: FetchResult{Listings: []Listing{l}}}
	sr := SourceReport{Source: KindManual, Status: SourceOK}
	f.prep = safePrepare(w, terms, &f.res, now)
	if err := p.ingest(ctx, w, &f, terms, comps, now, &sr.Counts); err != nil {
		sr.Status, sr.Error = SourceFailed, err.Error()
		wr.Errors = append(wr.Errors, err.Error())
	}
	wr.Counts.add(sr.Counts)
	wr.Sources = append(wr.Sources, sr)
	return wr
}

// keepKnownPrice keeps the stored price of a listing that a source now
// returns without a usable one (a field missing from an API answer, a feed
// title that lost its "$40"). Not knowing the price is not a drop to zero:
// storing it as one would erase the price, add a bogus price history entry
// and send a "price drop" alert.
func keepKnownPrice(l Listing, k Known) Listing {
	if l.PriceKnown || !k.PriceKnown {
		return l
	}
	l.PriceCents, l.Currency, l.PriceKnown = k.PriceCents, k.Currency, true
	l.Free = DetectFree(l)
	return l
}
