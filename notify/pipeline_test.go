package notify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// chair is a listing the "chairs" watch matches; at $30 its price-only score
// is 90, above the default threshold of 75.
func chair(cents int64) scout.Listing {
	return scout.Listing{Source: scout.KindDemo, SourceID: "chair-1", Title: "Oak chair", PriceCents: cents,
		Currency: "USD", PriceKnown: true, Condition: scout.CondGood, URL: "https://example.com/chair-1",
		ShippingCents: -1}
}

// TestHundredPollsOneAlertPerChannel is issue 5's bar: the same listing seen
// in 100 polls alerts exactly once per channel, and only a further price drop
// alerts again.
func TestHundredPollsOneAlertPerChannel(t *testing.T) {
	t.Parallel()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone", "email")
	addWatch(t, st, nil, "phone", "email")
	src := &fakeSource{}
	p := newPoller(st, clk, src)
	d := newDispatcher(st, clk, fc)

	// The watch's first poll is a backfill: whatever is there already is
	// stored quietly, so start with nothing there.
	if rep := pollOnce(t, st, p, "chairs"); rep.Status != "ok" {
		t.Fatalf("backfill poll failed: %+v", rep)
	}
	src.set([]scout.Listing{chair(3000)}, nil)
	for i := range 100 {
		clk.Advance(15 * time.Minute)
		if rep := pollOnce(t, st, p, "chairs"); rep.Status != "ok" {
			t.Fatalf("poll %d failed: %+v", i+1, rep)
		}
		flush(t, d)
	}
	for _, ch := range []string{"phone", "email"} {
		if n := len(fc[ch].Sent()); n != 1 {
			t.Fatalf("%s got %d alerts from 100 polls of one listing, want exactly 1", ch, n)
		}
	}

	// A 5% drop is under the default 10% threshold: no alert.
	src.set([]scout.Listing{chair(2850)}, nil)
	clk.Advance(15 * time.Minute)
	pollOnce(t, st, p, "chairs")
	flush(t, d)
	if n := len(fc["phone"].Sent()); n != 1 {
		t.Fatalf("a 5%% drop sent an alert (phone has %d), want none", n)
	}
	// A 20% drop from the last price alerts once more on each channel, and
	// seeing that price again does not repeat it.
	src.set([]scout.Listing{chair(2280)}, nil)
	for range 10 {
		clk.Advance(15 * time.Minute)
		pollOnce(t, st, p, "chairs")
		flush(t, d)
	}
	for _, ch := range []string{"phone", "email"} {
		sent := fc[ch].Sent()
		if len(sent) != 2 {
			t.Fatalf("%s got %d alerts after a 20%% drop seen 10 times, want 2", ch, len(sent))
		}
		if sent[0].ID == sent[1].ID {
			t.Errorf("%s: the price-drop alert reuses the first alert's id %q", ch, sent[0].ID)
		}
	}
	// The price going back up and down to the alerted price is not a further drop.
	for _, cents := range []int64{3000, 2280} {
		src.set([]scout.Listing{chair(cents)}, nil)
		clk.Advance(15 * time.Minute)
		pollOnce(t, st, p, "chairs")
		flush(t, d)
	}
	if n := len(fc["phone"].Sent()); n != 2 {
		t.Errorf("returning to the alerted price sent again: phone has %d alerts, want 2", n)
	}
}

// crashOutbox stands for a process killed after the provider accepted a
// message and before the "sent" mark reached the database.
type crashOutbox struct {
	*store.Store
}

func (crashOutbox) MarkAlertSent(context.Context, int64, string, time.Time) error {
	return errors.New("killed before the mark")
}

// TestCrashBetweenSendAndMarkSendsAtMostOneDuplicate: the alert is never lost
// (it stays in the outbox), the restarted process sends it once more with the
// same message id so receivers can drop it, and nothing is sent a third time.
func TestCrashBetweenSendAndMarkSendsAtMostOneDuplicate(t *testing.T) {
	t.Parallel()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone")
	w := addWatch(t, st, nil, "phone")
	queueAlert(t, st, w, "phone", "k1", time.Time{})

	crashed := newDispatcher(crashOutbox{st}, clk, fc)
	if res := flush(t, crashed); res.Sent != 0 {
		t.Fatalf("crashed flush counted %d sent, want 0 (the mark never happened)", res.Sent)
	}
	if a := alertByKey(t, st, "k1"); a.Status != store.AlertPending {
		t.Fatalf("after the crash the alert is %s, want still pending (never lost)", a.Status)
	}

	clk.Advance(time.Minute)
	restarted := newDispatcher(st, clk, fc)
	if res := flush(t, restarted); res.Sent != 1 {
		t.Fatalf("restarted flush sent %d, want the 1 unmarked alert", res.Sent)
	}
	for range 3 {
		clk.Advance(time.Minute)
		flush(t, restarted)
	}
	sent := fc["phone"].Sent()
	if len(sent) != 2 {
		t.Fatalf("provider received %d copies, want 2 (the original and at most one duplicate)", len(sent))
	}
	if sent[0].ID != sent[1].ID || sent[0].ID != MessageID("k1") {
		t.Errorf("the duplicate's id %q differs from the original's %q; receivers cannot drop it", sent[1].ID, sent[0].ID)
	}
	if a := alertByKey(t, st, "k1"); a.Status != store.AlertSent {
		t.Errorf("alert status %s after the restart, want sent", a.Status)
	}
}

// TestFailingSourceAlertsOnceAndRecoveryOnce: a source failing three polls
// in a row sends one "source failing" alert per channel, however long it
// keeps failing, and one "recovered" alert when it works again.
func TestFailingSourceAlertsOnceAndRecoveryOnce(t *testing.T) {
	t.Parallel()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone", "email")
	addWatch(t, st, nil, "phone", "email")
	src := &fakeSource{}
	p := newPoller(st, clk, src)
	p.FailAlertAt = 3
	d := newDispatcher(st, clk, fc)
	pollOnce(t, st, p, "chairs") // backfill

	kinds := func(ch string) (failing, recovered int) {
		for _, m := range fc[ch].Sent() {
			switch m.Kind {
			case KindSourceFailing:
				failing++
			case KindSourceRecovered:
				recovered++
			}
		}
		return
	}
	src.set(nil, errors.New("HTTP 503 from the fake"))
	for i := range 10 {
		clk.Advance(15 * time.Minute)
		rep := pollOnce(t, st, p, "chairs")
		if rep.Status == "ok" {
			t.Fatalf("poll %d with a failing source reported ok", i+1)
		}
		flush(t, d)
		failing, _ := kinds("phone")
		if want := min(1, (i+1)/3); failing != want {
			t.Fatalf("after %d failed polls phone has %d failing alerts, want %d", i+1, failing, want)
		}
	}
	src.set([]scout.Listing{chair(3000)}, nil)
	for range 3 {
		clk.Advance(15 * time.Minute)
		pollOnce(t, st, p, "chairs")
		flush(t, d)
	}
	for _, ch := range []string{"phone", "email"} {
		if failing, recovered := kinds(ch); failing != 1 || recovered != 1 {
			t.Errorf("%s: %d failing and %d recovered alerts, want one of each", ch, failing, recovered)
		}
	}
	// Failing again after recovering is news again.
	src.set(nil, errors.New("HTTP 503 again"))
	for range 3 {
		clk.Advance(15 * time.Minute)
		pollOnce(t, st, p, "chairs")
		flush(t, d)
	}
	if failing, _ := kinds("phone"); failing != 2 {
		t.Errorf("a second failing streak sent %d failing alerts in all, want 2", failing)
	}
}
