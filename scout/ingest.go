package scout

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unique"
)

// prepared is what a poll reads from a source's answer, held whole, before
// storing any of it: where each listing first appears (a listing repeated in
// one answer is stored once, as first seen), and the newest listings the
// watch wants, as comps. An answer read a batch at a time (FetchResult.Each)
// is read once, as it is stored.
type prepared struct {
	fetched int                // listings the source returned
	first   map[string]firstAt // by Listing.Key()
	comps   compRing           // the last MaxComps priced, matched listings
}

// firstAt is where a listing first appears in an answer, and whether it is
// among its comps' candidates (matched, with a price).
type firstAt struct {
	pos    int32
	priced bool
}

// compRing keeps the last MaxComps comps added: the newest, as the store's
// comps query orders a fetch's listings (by id, in the order they came).
type compRing struct {
	items []Comp
	next  int
}

func (r *compRing) add(c Comp) {
	if len(r.items) < MaxComps {
		r.items = append(r.items, c)
		return
	}
	r.items[r.next] = c
	r.next = (r.next + 1) % MaxComps
}

// safePrepare reads through the listings of an answer held whole once,
// normalising them in place. A nil result stands for an answer read a batch
// at a time.
func safePrepare(w *Watch, terms Terms, res *FetchResult, now time.Time) *prepared {
	if res.Each != nil {
		return nil
	}
	pr := &prepared{first: make(map[string]firstAt, len(res.Listings))}
	for i := range res.Listings {
		pos := int32(pr.fetched) // #nosec G115 -- sources return at most a few hundred thousand listings (record and body limits)
		pr.fetched++
		l := normalized(res.Listings[i], now)
		res.Listings[i] = l
		if l.SourceID == "" {
			continue
		}
		key := l.Key()
		if _, dup := pr.first[key]; dup {
			continue
		}
		at := firstAt{pos: pos}
		if ok, _, _ := FilterListing(w, terms, l); ok && l.PriceKnown {
			at.priced = true
			pr.comps.add(CompOf(l, now))
		}
		pr.first[key] = at
	}
	return pr
}

// normalized is Normalize with the fields that take a handful of values
// (source, currency, category, condition) shared by every listing that has
// them: a fetch then holds one copy of each, and the market search compares
// them by pointer.
func normalized(l Listing, now time.Time) Listing {
	l = Normalize(l, now)
	l.Source = unique.Make(l.Source).Value()
	l.Currency = unique.Make(l.Currency).Value()
	l.Category = unique.Make(l.Category).Value()
	l.Condition = Condition(unique.Make(string(l.Condition)).Value())
	return l
}

// withBatch is what a fetch is priced against: its own newest matched
// listings, then the stored comps it did not price itself, MaxComps in all —
// the comps a re-score right after the poll reads, the newest first, so
// that it changes nothing.
func withBatch(stored, batch []Comp, priced func(key string) bool) []Comp {
	out := make([]Comp, 0, min(MaxComps, len(batch)+len(stored)))
	out = append(out, batch[:min(len(batch), MaxComps)]...)
	for _, c := range stored {
		if len(out) >= MaxComps {
			break
		}
		if priced(c.Key) {
			continue // priced by the fetch itself
		}
		out = append(out, c)
	}
	return out
}

// readError is a source's own error while its answer was read a batch at a
// time: the source failed, as when Fetch fails.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// ingest stores one source's answer: a batch of BatchSize listings at a
// time, each normalised, looked up, filtered, scored and written before the
// next is read, all in one transaction. An answer read a batch at a time is
// priced against the listings read so far (its newest MaxComps, with the
// batch in hand) and the stored comps; one held whole, against its newest
// MaxComps. Either way a listing is one of its own comps only to be left
// out of them.
func (p *Poller) ingest(ctx context.Context, w *Watch, f *fetched, terms Terms, comps []Comp, now time.Time, wr *Counts) error {
	if f.res.NotModified {
		return nil
	}
	b := FetchBatch{Watch: w, Spec: f.spec.ID(), Complete: f.res.Complete, GoneAfter: p.GoneAfter, State: f.res.State,
		Now: now, DryRun: p.DryRun}
	if f.status.FailingAlerted {
		b.Recovered = p.systemAlerts(w, "source_recovered", f.spec.ID(),
			fmt.Sprintf("Source %s of watch %q works again.", f.spec.ID(), w.Name), now)
	}
	in := &batchIngest{p: p, w: w, terms: terms, weights: p.Weights.Merge(w.Settings.Weights), now: now, stored: comps,
		backfill: !w.Backfilled && !p.AlertBackfill}
	key, err := WeightsKey(ResolveWeights(in.weights, w))
	if err != nil {
		return fmt.Errorf("watch %q: %w", w.Name, err)
	}
	in.weightsKey = key
	if pr := f.prep; pr != nil {
		in.first = pr.first
		in.markets = NewMarketCache(withBatch(comps, pr.comps.items, func(k string) bool { return pr.first[k].priced }), p.Comps, now)
		pr.comps = compRing{}
	}
	counts, err := p.Store.Ingest(ctx, b, func(fw FetchWriter) error {
		// A transaction retried on a busy database starts over.
		in.reset()
		if f.res.Each == nil {
			ls := f.res.Listings
			for start := 0; start < len(ls); start += BatchSize {
				if err := in.batch(ctx, fw, ls[start:min(start+BatchSize, len(ls))]); err != nil {
					return err
				}
			}
			return nil
		}
		var batchErr error
		err := f.res.Each(ctx, func(ls []Listing) error {
			batchErr = in.batch(ctx, fw, ls)
			return batchErr
		})
		if err != nil && (batchErr == nil || !errors.Is(err, batchErr)) {
			return &readError{err}
		}
		return err
	})
	if err != nil {
		return err
	}
	wr.Fetched += in.pos
	wr.Matched += in.counts.Matched
	wr.New += counts.New + in.counts.New // in.counts.New: a dry run's count
	wr.Updated += counts.Updated
	wr.PriceDrops += counts.PriceDrops
	wr.Gone += counts.Gone
	wr.AlertsQueued += counts.AlertsQueued + in.counts.AlertsQueued
	return nil
}

// batchIngest is one fetch's ingest state, and the scratch space its
// batches reuse.
type batchIngest struct {
	p       *Poller
	w       *Watch
	terms   Terms
	weights Weights
	// weightsKey names the resolved weights, stored with each deal's factors.
	weightsKey string
	now        time.Time
	markets    *MarketCache
	first      map[string]firstAt // an answer held whole: its listings, normalised and where first
	backfill   bool
	pos        int // the position of the next listing in the answer
	counts     Counts

	// An answer read a batch at a time: the listings read so far, those of
	// them that are comps, and the stored comps.
	seen, priced map[string]struct{}
	ring         compRing
	stored       []Comp

	all, matched, unmatched, fresh []Listing
	dists                          []*float64
	items                          []FetchItem
}

// reset forgets what an earlier try of the transaction read.
func (in *batchIngest) reset() {
	in.pos, in.counts = 0, Counts{}
	if in.first == nil {
		in.seen, in.priced, in.ring = map[string]struct{}{}, map[string]struct{}{}, compRing{}
	}
}

// batch normalises, looks up, filters, scores and writes one batch.
func (in *batchIngest) batch(ctx context.Context, fw FetchWriter, ls []Listing) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, w, now := in.p, in.w, in.now
	all := in.all[:0]
	for i := range ls {
		pos := in.pos
		in.pos++
		l := ls[i]
		if in.first == nil {
			l = normalized(l, now)
		}
		if l.SourceID == "" {
			continue
		}
		key := l.Key()
		if in.first == nil {
			if _, dup := in.seen[key]; dup {
				continue // repeated in the answer: stored as first seen
			}
			in.seen[key] = struct{}{}
		} else if at, ok := in.first[key]; !ok || int(at.pos) != pos {
			continue // repeated in the answer: stored as first seen
		}
		all = append(all, l)
	}
	in.all = all
	known, err := fw.Known(ctx, all)
	if err != nil {
		return err
	}
	matched, unmatched, dists := in.matched[:0], in.unmatched[:0], in.dists[:0]
	for _, l := range all {
		if k, ok := known[l.Key()]; ok {
			l = keepKnownPrice(l, k)
		}
		ok, dist, _ := FilterListing(w, in.terms, l)
		if !ok {
			unmatched = append(unmatched, l)
			continue
		}
		matched = append(matched, l)
		dists = append(dists, dist)
	}
	in.matched, in.unmatched, in.dists = matched, unmatched, dists
	in.counts.Matched += len(matched)
	if in.first == nil {
		// Read a batch at a time: the market grows with the answer.
		for _, l := range matched {
			if l.PriceKnown {
				in.ring.add(CompOf(l, now))
				in.priced[l.Key()] = struct{}{}
			}
		}
		in.markets = NewMarketCache(withBatch(in.stored, in.ring.items, func(k string) bool {
			_, ok := in.priced[k]
			return ok
		}), p.Comps, now)
	}
	fresh := in.fresh[:0]
	for _, l := range matched {
		if _, ok := known[l.Key()]; !ok {
			fresh = append(fresh, l)
		}
	}
	in.fresh = fresh
	dups, err := fw.Duplicates(ctx, fresh)
	if err != nil {
		return err
	}
	items := in.items[:0]
	for i, l := range matched {
		k, existed := known[l.Key()]
		if existed && k.Unchanged && sameDistance(k.DistanceMi, dists[i]) {
			// Seen again as it was: its stored score stands (no alert can
			// follow from a listing that did not change).
			items = append(items, FetchItem{Listing: l, Keep: true, DistanceMi: dists[i], DuplicateOf: k.DuplicateOf})
			continue
		}
		f := ComputeFactors(ScoreInput{Listing: l, Watch: w, Terms: in.terms, DistanceMi: dists[i], Market: in.markets.For(l), Now: now}, in.weights)
		sc, _ := f.Apply(in.weights, w) // the weights that chose the mode: never refused
		item := FetchItem{Listing: l, Score: sc, Factors: &f, WeightsKey: in.weightsKey, DistanceMi: dists[i]}
		if existed {
			item.DuplicateOf = k.DuplicateOf
			item.PriceChanged = k.PriceCents != l.PriceCents || k.Currency != l.Currency
			item.PriceDrop = item.PriceChanged && k.Currency == l.Currency && l.PriceCents < k.PriceCents
		} else if id, ok := dups[l.Key()]; ok {
			item.DuplicateOf = &id
		}
		old := int64(0)
		if item.PriceDrop {
			old = k.PriceCents
		}
		d := DecideAlert(AlertInput{Watch: w, Listing: l, Score: sc, IsNew: !k.HasDeal, OldCents: old, Alerted: k.AlertedCents,
			Backfill: in.backfill, Duplicate: item.DuplicateOf != nil && !k.HasDeal, Now: now, Loc: p.Loc, Acceptable: AcceptableForFree(w)})
		item.DigestPending = d.Digest
		if d.Reason != "" {
			item.AlertedCents = l.PriceCents
			for _, ch := range w.Notify {
				payload, err := p.Render(RenderInput{Kind: "deal", Watch: w, Item: &item, Reason: d.Reason, OldCents: old, Now: now})
				if err != nil {
					return fmt.Errorf("render alert: %w", err)
				}
				item.Alerts = append(item.Alerts, OutboxAlert{DedupeKey: DedupeKey(w.ID, l, ch, d.Reason), Channel: ch,
					Reason: d.Reason, NotBefore: d.NotBefore, Payload: payload})
			}
		}
		items = append(items, item)
	}
	in.items = items
	// A title's market is asked for within its batch: keeping every
	// title's neighbours until the end of a 100,000-listing fetch cost
	// more memory than the listings.
	in.markets.ForgetTitles()
	if p.DryRun {
		for _, it := range items {
			if _, ok := known[it.Listing.Key()]; !ok {
				in.counts.New++
			}
			in.counts.AlertsQueued += len(it.Alerts)
		}
		return nil
	}
	return fw.Write(ctx, items, unmatched)
}

func sameDistance(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
