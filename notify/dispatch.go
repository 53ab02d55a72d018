package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// Outbox is what the dispatcher needs from the store.
type Outbox interface {
	DueAlerts(ctx context.Context, now time.Time, limit int) ([]store.Alert, error)
	MarkAlertSent(ctx context.Context, id int64, channel string, at time.Time) error
	MarkAlertFailed(ctx context.Context, id int64, channel string, next time.Time, msg string, dead bool) error
	Channel(ctx context.Context, name string) (store.Channel, error)
	PendingDigests(ctx context.Context, limit int) ([]store.DigestCandidate, []time.Time, error)
	QueueDigest(ctx context.Context, watchID int64, alerts []scout.OutboxAlert, at time.Time) (int, error)
}

// Dispatcher delivers the outbox: at least once, retrying temporary failures
// with backoff, giving up on permanent ones, and never sending faster than a
// channel's rate limit.
type Dispatcher struct {
	Outbox      Outbox
	Build       func(channelURL string) (Notifier, error) // channels.New with the configured deps
	Now         func() time.Time
	Log         *slog.Logger
	Loc         *time.Location
	MaxAttempts int           // attempts before an alert is dead; default 8
	BaseBackoff time.Duration // default 1s
	MaxBackoff  time.Duration // default 5m
	SendTimeout time.Duration // default 30s
	PerMinute   int           // per channel; default 30
	DigestMax   int           // deals listed in one digest; default 10
	Seller      string        // default ready message to the seller
	DealPages   string        // the web UI's base URL; when set, each deal links to its page there

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// FlushResult counts what a flush did.
type FlushResult struct {
	Sent, Retrying, Dead, Held int
	SentByWatch                map[int64]int
}

// Flush queues due digests, then delivers every due alert once.
func (d *Dispatcher) Flush(ctx context.Context) (FlushResult, error) {
	res := FlushResult{SentByWatch: map[int64]int{}}
	if _, err := d.QueueDigests(ctx); err != nil {
		return res, err
	}
	seen := map[int64]bool{}
	notifiers := map[string]Notifier{}
	for {
		due, err := d.Outbox.DueAlerts(ctx, d.Now(), 200)
		if err != nil {
			return res, err
		}
		progressed := false
		for _, a := range due {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			progressed = true
			if err := ctx.Err(); err != nil {
				return res, err
			}
			d.deliver(ctx, a, notifiers, &res)
		}
		if !progressed {
			return res, nil
		}
	}
}

func (d *Dispatcher) deliver(ctx context.Context, a store.Alert, notifiers map[string]Notifier, res *FlushResult) {
	log := d.Log.With("alert_id", a.ID, "channel", a.Channel, "reason", a.Reason)
	// The injected clock, not the wall clock: tokens refill as d.Now advances.
	if !d.limiter(a.Channel).AllowN(d.Now(), 1) {
		res.Held++ // stays pending; the next flush sends it
		return
	}
	n, ok := notifiers[a.Channel]
	if !ok {
		ch, err := d.Outbox.Channel(ctx, a.Channel)
		if err == nil {
			n, err = d.Build(ch.URL)
		}
		if err != nil {
			d.fail(ctx, a, &SendError{Channel: a.Channel, Permanent: true, Reason: "channel unusable", Err: err}, res, log)
			return
		}
		notifiers[a.Channel] = n
	}
	var m Message
	if err := json.Unmarshal(a.Payload, &m); err != nil {
		d.fail(ctx, a, &SendError{Channel: a.Channel, Permanent: true, Reason: "stored alert is corrupt", Err: err}, res, log)
		return
	}
	m.ID = MessageID(a.DedupeKey)
	// A poll renders an instant alert before its listing has a row, so the
	// payload says listing 0; the outbox row knows the id.
	if m.Kind == KindDeal && len(m.Deals) == 1 && m.Deals[0].ListingID == 0 {
		m.Deals[0].ListingID = a.ListingID
	}
	linkDealPages(&m, d.DealPages)
	sctx, cancel := context.WithTimeout(ctx, d.sendTimeout())
	receipt, err := n.Send(sctx, m)
	cancel()
	if err != nil {
		d.fail(ctx, a, err, res, log)
		return
	}
	if err := d.Outbox.MarkAlertSent(ctx, a.ID, a.Channel, d.Now()); err != nil {
		// Sent but not marked: the next flush sends it again (at-least-once).
		log.Error("alert sent but not recorded; it may be sent again", "error", err)
		return
	}
	res.Sent++
	res.SentByWatch[a.WatchID]++
	log.Info("alert sent", "provider_answer", receipt.String())
}

func (d *Dispatcher) fail(ctx context.Context, a store.Alert, err error, res *FlushResult, log *slog.Logger) {
	attempts := a.Attempts + 1
	dead := IsPermanent(err) || attempts >= d.maxAttempts()
	wait := backoff(d.base(), d.maxBackoff(), attempts-1)
	if ra, ok := RetryAfter(err); ok {
		wait = min(ra, time.Hour)
	}
	next := d.Now().Add(wait)
	if merr := d.Outbox.MarkAlertFailed(ctx, a.ID, a.Channel, next, err.Error(), dead); merr != nil {
		log.Error("recording a failed alert failed", "error", merr)
	}
	if dead {
		res.Dead++
		log.Warn("alert dead; retry it with `dealscout alerts retry`", "attempts", attempts, "error", err)
		return
	}
	res.Retrying++
	log.Warn("alert failed; will retry", "attempts", attempts, "next_attempt_at", next, "error", err)
}

func (d *Dispatcher) limiter(channel string) *rate.Limiter {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.limiters == nil {
		d.limiters = map[string]*rate.Limiter{}
	}
	l, ok := d.limiters[channel]
	if !ok {
		per := d.PerMinute
		if per <= 0 {
			per = 30
		}
		l = rate.NewLimiter(rate.Limit(float64(per)/60), per)
		d.limiters[channel] = l
	}
	return l
}

// QueueDigests writes a digest alert for every watch whose digest is due and
// has deals waiting.
func (d *Dispatcher) QueueDigests(ctx context.Context) (int, error) {
	cands, last, err := d.Outbox.PendingDigests(ctx, d.digestMax())
	if err != nil {
		return 0, err
	}
	now := d.Now()
	queued := 0
	for i, c := range cands {
		dg, err := scout.ParseDigest(c.Watch.Digest)
		if err != nil || dg.Off || len(c.Watch.Notify) == 0 {
			continue
		}
		since := last[i]
		if since.IsZero() {
			since = c.Watch.CreatedAt
		}
		slot, due := DigestDue(dg, since, now, d.loc())
		if !due {
			continue
		}
		msg := DigestMessage(&c.Watch, c.Deals, c.Total, d.Seller, now)
		payload, err := json.Marshal(msg)
		if err != nil {
			return queued, err
		}
		var alerts []scout.OutboxAlert
		for _, ch := range c.Watch.Notify {
			alerts = append(alerts, scout.OutboxAlert{DedupeKey: fmt.Sprintf("w%d|digest|%s|%s", c.Watch.ID, ch, slot.UTC().Format(time.RFC3339)),
				Channel: ch, Reason: scout.ReasonDigest, Payload: payload})
		}
		n, err := d.Outbox.QueueDigest(ctx, c.Watch.ID, alerts, now)
		if err != nil {
			return queued, err
		}
		queued += n
	}
	return queued, nil
}

// DigestDue reports whether a digest is due at now, given the last one (or
// the watch's creation), and the schedule slot it belongs to.
func DigestDue(dg scout.Digest, last, now time.Time, loc *time.Location) (time.Time, bool) {
	if dg.Off {
		return time.Time{}, false
	}
	if dg.Hourly {
		slot := now.Truncate(time.Hour)
		return slot, last.Before(slot)
	}
	local := now.In(loc)
	slot := time.Date(local.Year(), local.Month(), local.Day(), dg.Hour, dg.Minute, 0, 0, loc)
	if slot.After(local) {
		slot = slot.AddDate(0, 0, -1)
	}
	return slot, last.Before(slot)
}

func backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

func (d *Dispatcher) maxAttempts() int {
	if d.MaxAttempts > 0 {
		return d.MaxAttempts
	}
	return 8
}

func (d *Dispatcher) base() time.Duration {
	if d.BaseBackoff > 0 {
		return d.BaseBackoff
	}
	return time.Second
}

func (d *Dispatcher) maxBackoff() time.Duration {
	if d.MaxBackoff > 0 {
		return d.MaxBackoff
	}
	return 5 * time.Minute
}

func (d *Dispatcher) sendTimeout() time.Duration {
	if d.SendTimeout > 0 {
		return d.SendTimeout
	}
	return 30 * time.Second
}

func (d *Dispatcher) digestMax() int {
	if d.DigestMax > 0 {
		return d.DigestMax
	}
	return 10
}

func (d *Dispatcher) loc() *time.Location {
	if d.Loc != nil {
		return d.Loc
	}
	return time.UTC
}

var _ = errors.New
