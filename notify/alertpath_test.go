package notify

import (
	"context"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// Item 5 of issue 12: an instant alert names the listing it is about. The
// payload is rendered before the listing row exists, so the id comes from
// the outbox row at delivery; a webhook used to receive "listing_id": 0.
func TestInstantAlertCarriesTheStoredListingID(t *testing.T) {
	t.Parallel()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "hook")
	addWatch(t, st, nil, "hook")
	src := &fakeSource{}
	p := newPoller(st, clk, src)
	pollOnce(t, st, p, "chairs") // backfill
	src.set([]scout.Listing{chair(3000)}, nil)
	clk.Advance(time.Minute)
	pollOnce(t, st, p, "chairs")
	flush(t, newDispatcher(st, clk, fc))

	sent := fc["hook"].Sent()
	if len(sent) != 1 || len(sent[0].Deals) != 1 {
		t.Fatalf("sent %+v, want one instant alert about one deal", sent)
	}
	as, err := st.Alerts(context.Background(), store.AlertFilter{})
	if err != nil || len(as) != 1 || as[0].ListingID == 0 {
		t.Fatalf("outbox rows %+v (%v), want one naming its listing", as, err)
	}
	if got := sent[0].Deals[0].ListingID; got != as[0].ListingID {
		t.Errorf("instant alert carries listing_id %d, want the stored listing's id %d", got, as[0].ListingID)
	}
}

// Item 32 of issue 12: quiet hours are read in the configured time zone and
// the hold reaches the outbox. 14:30 UTC is 09:30 in New York in December:
// inside "09:00-12:00" there, outside it in UTC. Dropping the zone, or the
// NotBefore on its way to the outbox, sends the alert at once.
func TestQuietHoursHoldAnInstantAlertThroughThePoller(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	start := time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC)
	clk := newClock(start.Add(-time.Hour))
	st := openStore(t, clk)
	fc := addChannels(t, st, "hook")
	addWatch(t, st, func(w *scout.Watch) { w.Quiet = "09:00-12:00" }, "hook")
	src := &fakeSource{}
	p := newPoller(st, clk, src)
	p.Loc = ny
	d := newDispatcher(st, clk, fc)
	pollOnce(t, st, p, "chairs") // backfill
	clk.Set(start)
	src.set([]scout.Listing{chair(3000)}, nil) // score 90: alerts, under the break-through level
	if rep := pollOnce(t, st, p, "chairs"); rep.Watches[0].AlertsQueued != 1 {
		t.Fatalf("poll queued %d alerts, want 1", rep.Watches[0].AlertsQueued)
	}
	flush(t, d)
	if n := len(fc["hook"].Sent()); n != 0 {
		t.Fatalf("sent %d alerts at 09:30 New York time, inside quiet hours 09:00-12:00", n)
	}
	as, err := st.Alerts(context.Background(), store.AlertFilter{})
	if err != nil || len(as) != 1 {
		t.Fatalf("outbox %+v (%v), want one row", as, err)
	}
	if want := time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC); !as[0].NextAttemptAt.Equal(want) {
		t.Errorf("held until %s, want %s (12:00 New York)", as[0].NextAttemptAt, want)
	}
	clk.Set(time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC))
	flush(t, d)
	if n := len(fc["hook"].Sent()); n != 1 {
		t.Errorf("sent %d alerts when quiet hours ended, want 1", n)
	}
}
