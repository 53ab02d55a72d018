package notify

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// DealInput is what an instant or digest alert says about one deal.
type DealInput struct {
	Listing    scout.Listing
	Score      scout.Score
	DistanceMi *float64
	Reason     string
	OldCents   int64
}

// DealMessage builds the instant alert for one deal.
func DealMessage(w *scout.Watch, in DealInput, sellerMessage string, now time.Time) Message {
	d := dealOf(in, w, sellerMessage)
	title := d.Title
	switch in.Reason {
	case scout.ReasonFree:
		title = "Free: " + d.Title
	case scout.ReasonPriceDrop:
		title = "Price drop: " + d.Title
	case scout.ReasonScore:
		title = fmt.Sprintf("Deal %.0f/100: %s", d.Score, d.Title)
	}
	return Message{Kind: KindDeal, Watch: w.Name, Title: title, Deals: []Deal{d}, CreatedAt: now.UTC()}
}

// DigestMessage builds a watch's digest: deals best first, and how many more.
func DigestMessage(w *scout.Watch, deals []scout.Deal, total int, sellerMessage string, now time.Time) Message {
	ds := make([]Deal, 0, len(deals))
	for _, sd := range deals {
		ds = append(ds, dealOf(DealInput{Listing: sd.Listing, Score: sd.Score, DistanceMi: sd.DistanceMi, Reason: scout.ReasonDigest}, w, sellerMessage))
	}
	slices.SortStableFunc(ds, func(a, b Deal) int { return cmp.Compare(b.Score, a.Score) })
	noun := "deals"
	if total == 1 {
		noun = "deal"
	}
	return Message{Kind: KindDigest, Watch: w.Name, Title: fmt.Sprintf("%d new %s for %s", total, noun, w.Name),
		Deals: ds, More: max(0, total-len(ds)), CreatedAt: now.UTC()}
}

// SystemMessage builds a test or source-health message.
func SystemMessage(kind, watch, title, text string, now time.Time) Message {
	return Message{Kind: kind, Watch: watch, Title: title, Text: text, CreatedAt: now.UTC()}
}

// MessageID is the stable id of an outbox row's message, the same on every
// retry (webhook-id, idempotency keys).
func MessageID(dedupeKey string) string {
	sum := sha256.Sum256([]byte(dedupeKey))
	return "msg_" + hex.EncodeToString(sum[:12])
}

func dealOf(in DealInput, w *scout.Watch, seller string) Deal {
	l := in.Listing
	d := Deal{ListingID: l.ID, Title: l.Title, PriceCents: l.PriceCents, Currency: l.Currency, Free: l.Free,
		Condition: string(l.Condition), Score: in.Score.Total, Reasons: TopReasons(in.Score, 3), DistanceMi: in.DistanceMi,
		Source: l.Source, URL: l.URL, Reason: in.Reason, ProfitCents: in.Score.ProfitCents, SellerMessage: seller}
	if in.Score.Market.MedianCents > 0 && in.Score.Market.Confidence != scout.ConfidenceNone {
		d.MarketCents = in.Score.Market.MedianCents
	}
	if in.OldCents > l.PriceCents {
		d.OldPriceCents = in.OldCents
	}
	if len(l.Images) > 0 {
		d.ImageURL = l.Images[0]
	}
	if w.Settings.SellerMessage != "" {
		d.SellerMessage = w.Settings.SellerMessage
	}
	return d
}

// TopReasons returns the reasons of the n components that added most to the score.
func TopReasons(sc scout.Score, n int) []string {
	type part struct {
		name   string
		weight float64
		reason string
	}
	var parts []part
	for name, c := range sc.Components {
		if c.Reason == "" || c.Weight == 0 {
			continue
		}
		parts = append(parts, part{name, c.Value * c.Weight, c.Reason})
	}
	slices.SortFunc(parts, func(a, b part) int {
		if c := cmp.Compare(b.weight, a.weight); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	out := make([]string, 0, n)
	for i := 0; i < len(parts) && i < n; i++ {
		out = append(out, parts[i].reason)
	}
	return out
}
