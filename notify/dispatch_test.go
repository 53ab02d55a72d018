package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// t0 is a whole second, so stored millisecond timestamps compare exactly.
var t0 = time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)

func TestFlushSendsDueAlertsOnceAndMarksThemSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone", "email")
	w := addWatch(t, st, nil, "phone", "email")
	queueAlert(t, st, w, "phone", "k1", time.Time{})
	queueAlert(t, st, w, "phone", "k2", time.Time{})
	queueAlert(t, st, w, "email", "k3", time.Time{})
	queueAlert(t, st, w, "email", "quiet", t0.Add(time.Hour)) // held by quiet hours
	d := newDispatcher(st, clk, fc)

	res := flush(t, d)
	if res.Sent != 3 || res.Retrying != 0 || res.Dead != 0 || res.Held != 0 {
		t.Fatalf("first flush = %+v, want 3 sent and nothing else", res)
	}
	if res.SentByWatch[w.ID] != 3 {
		t.Errorf("SentByWatch[%d] = %d, want 3", w.ID, res.SentByWatch[w.ID])
	}
	if n := len(fc["phone"].Sent()); n != 2 {
		t.Errorf("phone got %d messages, want 2", n)
	}
	if n := len(fc["email"].Sent()); n != 1 {
		t.Errorf("email got %d messages before the quiet hours ended, want 1", n)
	}
	for _, k := range []string{"k1", "k2", "k3"} {
		a := alertByKey(t, st, k)
		if a.Status != store.AlertSent || a.Attempts != 1 || !a.SentAt.Equal(t0) {
			t.Errorf("%s: status %s, attempts %d, sent_at %v; want sent, 1, %v", k, a.Status, a.Attempts, a.SentAt, t0)
		}
	}
	if a := alertByKey(t, st, "quiet"); a.Status != store.AlertPending || a.Attempts != 0 {
		t.Errorf("held alert: status %s, attempts %d; want pending, 0", a.Status, a.Attempts)
	}

	if res := flush(t, d); res.Sent != 0 {
		t.Errorf("second flush at the same time sent %d, want 0 (sent alerts must not go again)", res.Sent)
	}
	clk.Advance(time.Hour)
	if res := flush(t, d); res.Sent != 1 {
		t.Errorf("flush when the quiet hours end sent %d, want the 1 held alert", res.Sent)
	}
	if got := fc["email"].Sent(); len(got) != 2 || got[1].ID != MessageID("quiet") {
		t.Errorf("email messages = %d, last id %q; want 2, the held one last", len(got), lastID(got))
	}
	if ch, err := st.Channel(ctx, "email"); err != nil || !ch.LastSentAt.Equal(clk.Now()) {
		t.Errorf("email channel last_sent_at = %v (%v), want %v", ch.LastSentAt, err, clk.Now())
	}
}

func lastID(ms []Message) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[len(ms)-1].ID
}

func TestFlushTemporaryFailureBacksOffThenDies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone")
	w := addWatch(t, st, nil, "phone")
	queueAlert(t, st, w, "phone", "k", time.Time{})
	d := newDispatcher(st, clk, fc)
	d.MaxAttempts, d.BaseBackoff, d.MaxBackoff = 6, time.Second, 5*time.Second
	fc["phone"].setAlways(&SendError{Channel: "webhook", Status: 503, Reason: "service unavailable"})

	// Waits after attempts 1–5: doubling from 1s, capped at MaxBackoff.
	waits := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, wait := range waits {
		attempt := i + 1
		if res := flush(t, d); res.Retrying != 1 || res.Dead != 0 {
			t.Fatalf("attempt %d: flush = %+v, want 1 retrying", attempt, res)
		}
		a := alertByKey(t, st, "k")
		if a.Status != store.AlertPending || a.Attempts != attempt {
			t.Fatalf("attempt %d: status %s attempts %d, want pending %d", attempt, a.Status, a.Attempts, attempt)
		}
		if want := clk.Now().Add(wait); !a.NextAttemptAt.Equal(want) {
			t.Fatalf("attempt %d: next_attempt_at = now+%v, want now+%v", attempt, a.NextAttemptAt.Sub(clk.Now()), wait)
		}
		clk.Advance(wait - time.Millisecond)
		if res := flush(t, d); res.Retrying+res.Dead+res.Sent != 0 {
			t.Fatalf("attempt %d: flush before the backoff ended = %+v, want nothing attempted", attempt, res)
		}
		clk.Advance(time.Millisecond)
	}
	if res := flush(t, d); res.Dead != 1 {
		t.Fatalf("attempt %d (MaxAttempts): flush = %+v, want 1 dead", len(waits)+1, res)
	}
	a := alertByKey(t, st, "k")
	if a.Status != store.AlertDead || a.Attempts != 6 || !strings.Contains(a.LastError, "503") {
		t.Fatalf("after MaxAttempts: status %s attempts %d error %q; want dead, 6, the 503", a.Status, a.Attempts, a.LastError)
	}
	if dead, err := st.Alerts(ctx, store.AlertFilter{Status: store.AlertDead}); err != nil || len(dead) != 1 {
		t.Errorf("alerts list --failed shows %d rows (%v), want the dead one", len(dead), err)
	}
	clk.Advance(24 * time.Hour)
	if res := flush(t, d); res.Retrying+res.Dead+res.Sent != 0 {
		t.Errorf("a dead alert was attempted again: %+v", res)
	}
	if n := len(fc["phone"].Calls()); n != 6 {
		t.Errorf("provider was called %d times, want 6 (MaxAttempts)", n)
	}

	// `dealscout alerts retry ID` revives it; the provider is back.
	fc["phone"].setAlways(nil)
	if err := st.RetryAlert(ctx, a.ID); err != nil {
		t.Fatalf("RetryAlert: %v", err)
	}
	if a := alertByKey(t, st, "k"); a.Status != store.AlertPending || a.Attempts != 0 {
		t.Fatalf("after retry: status %s attempts %d, want pending 0", a.Status, a.Attempts)
	}
	if res := flush(t, d); res.Sent != 1 {
		t.Fatalf("flush after retry = %+v, want 1 sent", res)
	}
	if a := alertByKey(t, st, "k"); a.Status != store.AlertSent {
		t.Errorf("after retry and flush: status %s, want sent", a.Status)
	}
	calls := fc["phone"].Calls()
	for i, m := range calls {
		if m.ID != MessageID("k") {
			t.Errorf("attempt %d carried id %q, want %q on every attempt", i+1, m.ID, MessageID("k"))
		}
	}
	if err := st.RetryAlert(ctx, a.ID); !store.IsNotFound(err) {
		t.Errorf("RetryAlert of a sent alert = %v, want not found", err)
	}
}

func TestFlushHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		err      error
		wantWait time.Duration
	}{
		{"429 without a hint backs off from BaseBackoff", &SendError{Status: 429, Reason: "too many requests"}, time.Second},
		{"hint shorter than the backoff cap", &SendError{Status: 429, RetryAfter: 90 * time.Second}, 90 * time.Second},
		{"hint longer than the backoff cap is honoured", &SendError{Status: 503, RetryAfter: 20 * time.Minute}, 20 * time.Minute},
		{"hint beyond an hour is capped at an hour", &SendError{Status: 429, RetryAfter: 3 * time.Hour}, time.Hour},
		{"wrapped network error retries", errors.New("dial tcp: connection refused"), time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock(t0)
			st := openStore(t, clk)
			fc := addChannels(t, st, "phone")
			w := addWatch(t, st, nil, "phone")
			queueAlert(t, st, w, "phone", "k", time.Time{})
			fc["phone"].failWith(c.err)
			d := newDispatcher(st, clk, fc)
			if res := flush(t, d); res.Retrying != 1 {
				t.Fatalf("flush = %+v, want 1 retrying", res)
			}
			if a := alertByKey(t, st, "k"); !a.NextAttemptAt.Equal(t0.Add(c.wantWait)) {
				t.Errorf("next_attempt_at = now+%v, want now+%v", a.NextAttemptAt.Sub(t0), c.wantWait)
			}
			clk.Advance(c.wantWait)
			if res := flush(t, d); res.Sent != 1 {
				t.Errorf("flush when the wait is over = %+v, want 1 sent", res)
			}
		})
	}
}

func TestFlushPermanentFailureIsDeadAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone")
	w := addWatch(t, st, nil, "phone")
	queueAlert(t, st, w, "phone", "k", time.Time{})
	fc["phone"].setAlways(&SendError{Channel: "webhook", Status: 404, Permanent: true, Reason: "unknown webhook"})
	d := newDispatcher(st, clk, fc)

	if res := flush(t, d); res.Dead != 1 || res.Retrying != 0 {
		t.Fatalf("flush = %+v, want 1 dead", res)
	}
	a := alertByKey(t, st, "k")
	if a.Status != store.AlertDead || a.Attempts != 1 || !strings.Contains(a.LastError, "404 unknown webhook") {
		t.Errorf("status %s attempts %d error %q; want dead, 1, the reason", a.Status, a.Attempts, a.LastError)
	}
	ch, err := st.Channel(ctx, "phone")
	if err != nil || ch.Failures != 1 || !strings.Contains(ch.LastError, "unknown webhook") {
		t.Errorf("channel failures %d last_error %q (%v); want 1 and the reason shown", ch.Failures, ch.LastError, err)
	}
	clk.Advance(time.Hour)
	flush(t, d)
	if n := len(fc["phone"].Calls()); n != 1 {
		t.Errorf("provider called %d times, want 1: permanent failures are not retried", n)
	}
}

func TestFlushUnusableChannelIsDead(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		channel string
		wantErr string
	}{
		{"channel removed", "gone", `channel "gone": not found`},
		{"channel URL no notifier accepts", "broken", `fake: no notifier for "fake://broken"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock(t0)
			st := openStore(t, clk)
			fc := addChannels(t, st, "phone", "broken")
			delete(fc, "broken") // stored, but nothing can be built from its URL
			w := addWatch(t, st, nil, "phone")
			queueAlert(t, st, w, c.channel, "k", time.Time{})
			queueAlert(t, st, w, "phone", "ok", time.Time{})
			d := newDispatcher(st, clk, fc)
			if res := flush(t, d); res.Dead != 1 || res.Sent != 1 {
				t.Fatalf("flush = %+v, want 1 dead and the healthy channel's 1 sent", res)
			}
			a := alertByKey(t, st, "k")
			if a.Status != store.AlertDead || !strings.Contains(a.LastError, "channel unusable") || !strings.Contains(a.LastError, c.wantErr) {
				t.Errorf("status %s error %q; want dead with \"channel unusable\" and %q", a.Status, a.LastError, c.wantErr)
			}
		})
	}
}

func TestFlushRateLimitHoldsExcessForALaterFlush(t *testing.T) {
	t.Parallel()
	clk := newClock(t0)
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone", "email")
	w := addWatch(t, st, nil, "phone", "email")
	for _, k := range []string{"p1", "p2", "p3", "p4", "p5"} {
		queueAlert(t, st, w, "phone", k, time.Time{})
	}
	queueAlert(t, st, w, "email", "e1", time.Time{})
	d := newDispatcher(st, clk, fc)
	d.PerMinute = 2 // a burst of 2, then one every 30s

	steps := []struct {
		advance    time.Duration
		sent, held int
		phoneSoFar int
		why        string
	}{
		{0, 3, 3, 2, "burst of 2 on phone; email has its own limit"},
		{0, 0, 3, 2, "no time passed: still held"},
		{30 * time.Second, 1, 2, 3, "30s refill one token"},
		{time.Minute, 2, 0, 5, "a minute refills two"},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		res := flush(t, d)
		if res.Sent != s.sent || res.Held != s.held || res.Retrying+res.Dead != 0 {
			t.Fatalf("step %d (%s): flush = %+v, want sent %d held %d", i, s.why, res, s.sent, s.held)
		}
		if n := len(fc["phone"].Sent()); n != s.phoneSoFar {
			t.Fatalf("step %d (%s): phone got %d in all, want %d", i, s.why, n, s.phoneSoFar)
		}
	}
	for _, k := range []string{"p1", "p2", "p3", "p4", "p5"} {
		if a := alertByKey(t, st, k); a.Status != store.AlertSent || a.Attempts != 1 {
			t.Errorf("%s: status %s attempts %d; want sent after 1 attempt (holding is not a failure)", k, a.Status, a.Attempts)
		}
	}
}

func TestDigestDue(t *testing.T) {
	t.Parallel()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	daily8 := scout.Digest{Hour: 8}
	nyAt := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, ny) }
	utc := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, time.UTC) }
	cases := []struct {
		name     string
		dg       scout.Digest
		loc      *time.Location
		last     time.Time
		now      time.Time
		wantDue  bool
		wantSlot time.Time
	}{
		{"daily: a minute before the slot", daily8, ny, nyAt(6, 1, 8, 0), nyAt(6, 2, 7, 59), false, nyAt(6, 1, 8, 0)},
		{"daily: at the slot", daily8, ny, nyAt(6, 1, 8, 0), nyAt(6, 2, 8, 0), true, nyAt(6, 2, 8, 0)},
		{"daily: late the same day, already sent", daily8, ny, nyAt(6, 2, 8, 0), nyAt(6, 2, 23, 0), false, nyAt(6, 2, 8, 0)},
		{"daily: missed slots send once, for the latest", daily8, ny, nyAt(5, 20, 8, 0), nyAt(6, 2, 9, 0), true, nyAt(6, 2, 8, 0)},
		{"daily: watch created after today's slot", daily8, ny, nyAt(6, 2, 8, 30), nyAt(6, 2, 9, 0), false, nyAt(6, 2, 8, 0)},
		{"daily: 08:00 is the user's, not UTC's", daily8, ny, utc(6, 2, 10, 0), utc(6, 2, 12, 30), true, nyAt(6, 2, 8, 0)},
		{"daily: late evening local is the next UTC day", scout.Digest{Hour: 20}, ny, nyAt(6, 2, 19, 0), utc(6, 3, 0, 30), true, nyAt(6, 2, 20, 0)},
		{"daily: on the day clocks go forward", daily8, ny, nyAt(3, 7, 8, 0), utc(3, 8, 12, 0), true, nyAt(3, 8, 8, 0)},
		{"daily: UTC zone", scout.Digest{Hour: 8, Minute: 30}, time.UTC, utc(6, 1, 8, 30), utc(6, 2, 8, 30), true, utc(6, 2, 8, 30)},
		{"hourly: last before this hour", scout.Digest{Hourly: true}, ny, utc(6, 2, 9, 59), utc(6, 2, 10, 30), true, utc(6, 2, 10, 0)},
		{"hourly: last at this hour", scout.Digest{Hourly: true}, ny, utc(6, 2, 10, 0), utc(6, 2, 10, 30), false, utc(6, 2, 10, 0)},
		{"hourly: last within this hour", scout.Digest{Hourly: true}, ny, utc(6, 2, 10, 15), utc(6, 2, 10, 59), false, utc(6, 2, 10, 0)},
		{"off never", scout.Digest{Off: true}, ny, time.Time{}, utc(6, 2, 10, 0), false, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			slot, due := DigestDue(c.dg, c.last, c.now, c.loc)
			if due != c.wantDue {
				t.Errorf("due = %v, want %v", due, c.wantDue)
			}
			if !slot.Equal(c.wantSlot) {
				t.Errorf("slot = %v, want %v", slot.UTC(), c.wantSlot.UTC())
			}
		})
	}
}

// digestItem is a matched listing waiting for the digest, with a fixed score.
func digestItem(id string, score float64) scout.FetchItem {
	return scout.FetchItem{Listing: scout.Listing{Source: "demo", SourceID: id, Title: "chair " + id, PriceCents: 5000,
		PriceKnown: true, Currency: "USD", Condition: scout.CondGood, ShippingCents: -1}, Score: scout.Score{Total: score}, DigestPending: true}
}

func TestQueueDigests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	nyAt := func(d, h, m int) time.Time { return time.Date(2026, 6, d, h, m, 0, 0, ny) }
	clk := newClock(nyAt(2, 6, 0).UTC())
	st := openStore(t, clk)
	fc := addChannels(t, st, "phone", "email")
	w := addWatch(t, st, func(w *scout.Watch) { w.Digest = "daily@08:00" }, "phone", "email")
	var items []scout.FetchItem
	scores := []float64{41, 67, 12, 58, 73, 30, 66, 25, 70, 49, 55, 61} // 12 deals
	for i, s := range scores {
		items = append(items, digestItem(string(rune('a'+i)), s))
	}
	if _, err := st.ApplyFetch(ctx, scout.FetchBatch{Watch: &w, Spec: "demo", Items: items, Now: clk.Now()}); err != nil {
		t.Fatalf("ApplyFetch: %v", err)
	}
	d := newDispatcher(st, clk, fc)
	d.Loc, d.DigestMax = ny, 10

	if n, err := d.QueueDigests(ctx); err != nil || n != 0 {
		t.Fatalf("before 08:00: queued %d (%v), want 0", n, err)
	}
	clk.Set(nyAt(2, 8, 0).UTC())
	if n, err := d.QueueDigests(ctx); err != nil || n != 2 {
		t.Fatalf("at 08:00: queued %d (%v), want one per channel (2)", n, err)
	}
	if n, err := d.QueueDigests(ctx); err != nil || n != 0 {
		t.Fatalf("at 08:00 again: queued %d (%v), want 0", n, err)
	}
	if pend, _, err := st.PendingDigests(ctx, 10); err != nil || len(pend) != 0 {
		t.Errorf("after queueing, %d watches still have pending digest deals (%v), want 0", len(pend), err)
	}
	flush(t, d)
	for _, ch := range []string{"phone", "email"} {
		got := fc[ch].Sent()
		if len(got) != 1 {
			t.Fatalf("%s got %d messages, want 1 digest", ch, len(got))
		}
		m := got[0]
		if m.Kind != KindDigest || m.Title != "12 new deals for chairs" || m.More != 2 || len(m.Deals) != 10 {
			t.Errorf("%s digest: kind %s title %q more %d deals %d; want digest, \"12 new deals for chairs\", 2, 10",
				ch, m.Kind, m.Title, m.More, len(m.Deals))
		}
		want := []float64{73, 70, 67, 66, 61, 58, 55, 49, 41, 30}
		for i := range min(len(want), len(m.Deals)) {
			if m.Deals[i].Score != want[i] {
				t.Errorf("%s digest deal %d score %v, want %v (best first, the two worst left for \"and 2 more\")", ch, i, m.Deals[i].Score, want[i])
			}
		}
	}

	// A new deal after the digest waits for the next slot.
	clk.Set(nyAt(2, 9, 0).UTC())
	if _, err := st.ApplyFetch(ctx, scout.FetchBatch{Watch: &w, Spec: "demo", Items: []scout.FetchItem{digestItem("z", 50)}, Now: clk.Now()}); err != nil {
		t.Fatalf("ApplyFetch: %v", err)
	}
	clk.Set(nyAt(2, 23, 59).UTC())
	if n, err := d.QueueDigests(ctx); err != nil || n != 0 {
		t.Fatalf("before the next slot: queued %d (%v), want 0", n, err)
	}
	clk.Set(nyAt(3, 8, 0).UTC())
	if n, err := d.QueueDigests(ctx); err != nil || n != 2 {
		t.Fatalf("at the next slot: queued %d (%v), want 2", n, err)
	}
	flush(t, d)
	if got := fc["phone"].Sent(); len(got) != 2 || got[1].Title != "1 new deal for chairs" || got[1].More != 0 {
		t.Errorf("second digest: %d messages, last %+v; want \"1 new deal for chairs\" with no more", len(got), lastMsg(got))
	}
}

func lastMsg(ms []Message) Message {
	if len(ms) == 0 {
		return Message{}
	}
	return ms[len(ms)-1]
}

func TestMessageIDStablePerDedupeKey(t *testing.T) {
	t.Parallel()
	a, b := MessageID("w1|demo|1|phone|score"), MessageID("w1|demo|1|phone|score")
	if a != b {
		t.Errorf("MessageID gave %q and %q for the same key", a, b)
	}
	if c := MessageID("w1|demo|1|email|score"); c == a {
		t.Errorf("two keys share the message id %q", a)
	}
	if !strings.HasPrefix(a, "msg_") || len(a) != len("msg_")+24 {
		t.Errorf("MessageID = %q, want msg_ and 24 hex digits", a)
	}
}
