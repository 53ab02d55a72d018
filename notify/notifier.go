package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Notifier delivers a Message to one destination.
type Notifier interface {
	// Send delivers m once. It returns what the provider answered on success;
	// on failure a *SendError says whether and when to retry.
	Send(ctx context.Context, m Message) (Receipt, error)
}

// Receipt is the provider's answer to a successful send, for `channel test`.
type Receipt struct {
	Status int    // HTTP status or SMTP reply code
	Detail string // provider message id or short answer, never a secret
}

func (r Receipt) String() string {
	if r.Detail == "" {
		return fmt.Sprintf("%d", r.Status)
	}
	return fmt.Sprintf("%d %s", r.Status, r.Detail)
}

// Message kinds.
const (
	KindDeal            = "deal"             // one deal, instant
	KindDigest          = "digest"           // several deals of one watch
	KindTest            = "test"             // `channel test`
	KindSourceFailing   = "source_failing"   // a source failed N polls in a row
	KindSourceRecovered = "source_recovered" // ... and works again
)

// Message is one alert, independent of the channel that renders it.
type Message struct {
	ID        string    // stable across retries (the outbox row's dedupe key hash)
	Kind      string    // one of the Kind* constants
	Watch     string    // watch name, when about deals
	Title     string    // short headline: "Free: IKEA couch" / "3 new deals for couches"
	Text      string    // body for system and test messages
	Deals     []Deal    // one for KindDeal, best first for KindDigest
	More      int       // digests: how many more matched beyond Deals
	CreatedAt time.Time // when the alert was decided
}

// Deal is what an alert says about one deal.
type Deal struct {
	ListingID     int64
	Title         string
	PriceCents    int64
	Currency      string
	OldPriceCents int64 // > 0 on a price drop: the price before it
	Free          bool
	Condition     string
	Score         float64
	Reasons       []string // top reasons, best first
	MarketCents   int64    // 0 when unknown
	ProfitCents   *int64   // nil when unknown
	DistanceMi    *float64 // nil when unknown
	Source        string
	ImageURL      string
	URL           string
	Reason        string // why it alerted: free, score, price_drop, digest
	SellerMessage string // a ready message to send the seller
	PageURL       string // the deal's page in dealscout's web UI; "" unless DEALSCOUT_BASE_URL is set or derivable
}

// SendError is a failed delivery with what the dispatcher needs to decide.
type SendError struct {
	Channel    string        // channel kind, e.g. "discord"
	Status     int           // HTTP status or SMTP code; 0 for network errors
	Permanent  bool          // retrying will not help (bad number, unknown webhook)
	RetryAfter time.Duration // provider's hint; 0 when none
	Reason     string        // short, secret-free description
	Err        error
}

func (e *SendError) Error() string {
	s := e.Channel + ": " + e.Reason
	if e.Status != 0 {
		s = fmt.Sprintf("%s: %d %s", e.Channel, e.Status, e.Reason)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err says retrying cannot help.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// RetryAfter returns the provider's retry hint carried by err, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var se *SendError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return se.RetryAfter, true
	}
	return 0, false
}
