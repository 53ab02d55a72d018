package scout

import (
	"fmt"
	"time"
)

// Alert reasons. An instant alert has one of the first three; everything else
// that matches waits for the digest.
const (
	ReasonFree      = "free"
	ReasonScore     = "score"
	ReasonPriceDrop = "price_drop"
	ReasonDigest    = "digest"
)

// AlertInput is what the alert rules look at for one matched listing.
type AlertInput struct {
	Watch      *Watch
	Listing    Listing
	Score      Score
	IsNew      bool  // first time this listing matched this watch
	OldCents   int64 // previous price, when the price changed; 0 otherwise
	Alerted    int64 // price at the last instant alert; 0 when never alerted
	Backfill   bool  // the watch's first poll: store quietly
	Duplicate  bool  // the same item already matched from another source
	Now        time.Time
	Loc        *time.Location // the user's time zone for quiet hours
	Acceptable func(Condition) bool
}

// AlertDecision says what to do about a matched listing.
type AlertDecision struct {
	Reason    string    // ReasonFree, ReasonScore, ReasonPriceDrop; "" when not instant
	NotBefore time.Time // quiet hours hold the alert until then; zero = now
	Digest    bool      // include in the watch's next digest
	DropPct   float64   // for price drops
}

// DecideAlert applies the watch's rules (DESIGN.md §7): free, score at or
// above the threshold, or a price drop of at least N% alert at once; other
// new matches go to the digest; quiet hours hold instant alerts unless the
// score breaks through; a listing already alerted only alerts again when its
// price drops below the alerted price.
func DecideAlert(in AlertInput) AlertDecision {
	w := in.Watch
	if in.Backfill || in.Duplicate {
		return AlertDecision{}
	}
	var d AlertDecision
	switch {
	case !in.IsNew && in.OldCents > 0 && in.Listing.PriceCents < in.OldCents:
		pct := float64(in.OldCents-in.Listing.PriceCents) / float64(in.OldCents) * 100
		further := in.Alerted == 0 || in.Listing.PriceCents < in.Alerted
		if pct >= w.Settings.PriceDropPct && further {
			d.Reason, d.DropPct = ReasonPriceDrop, pct
		}
	case !in.IsNew:
		return AlertDecision{}
	case in.Listing.Free && w.Settings.AlertFree && (in.Acceptable == nil || in.Acceptable(in.Listing.Condition)):
		d.Reason = ReasonFree
	case in.Score.Total >= w.MinScore:
		d.Reason = ReasonScore
	default:
		d.Digest = true
		return d
	}
	if d.Reason == "" {
		return d
	}
	q, err := ParseQuiet(w.Quiet)
	if err == nil && q.Set && in.Score.Total < w.Settings.BreakThrough {
		loc := in.Loc
		if loc == nil {
			loc = time.UTC
		}
		local := in.Now.In(loc)
		if q.Contains(local) {
			d.NotBefore = q.EndAfter(local).UTC()
		}
	}
	return d
}

// AcceptableForFree is the default "acceptable condition" for free alerts:
// anything but poor, and any condition the watch explicitly asks for.
func AcceptableForFree(w *Watch) func(Condition) bool {
	return func(c Condition) bool {
		for _, want := range w.Conditions {
			if want == c {
				return true
			}
		}
		return c != CondPoor
	}
}

// DedupeKey identifies one alert of one listing to one channel for one
// reason; price drops include the new price so a further drop alerts again.
func DedupeKey(watchID int64, l Listing, channel, reason string) string {
	k := fmt.Sprintf("w%d|%s|%s|%s|%s", watchID, l.Source, l.SourceID, channel, reason)
	if reason == ReasonPriceDrop {
		k += fmt.Sprintf("@%d", l.PriceCents)
	}
	return k
}
