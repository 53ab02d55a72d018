package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// testClock is the one clock a test's store, poller and dispatcher share.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *testClock { return &testClock{t: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// openStore opens a migrated database in t.TempDir() on the test's clock.
func openStore(t *testing.T, clk *testClock) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dealscout.db"), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx, 0); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return st
}

// fakeNotifier records every Send and answers from its script: the n-th Send
// returns script[n], and success once the script runs out.
type fakeNotifier struct {
	mu     sync.Mutex
	script []error
	always error // when set, every Send past the script fails with it
	calls  []Message
	sent   []Message
}

func (f *fakeNotifier) Send(_ context.Context, m Message) (Receipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, m)
	var err error
	switch {
	case len(f.script) > 0:
		err, f.script = f.script[0], f.script[1:]
	case f.always != nil:
		err = f.always
	}
	if err != nil {
		return Receipt{}, err
	}
	f.sent = append(f.sent, m)
	return Receipt{Status: 200, Detail: "ok"}, nil
}

func (f *fakeNotifier) failWith(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, errs...)
}

func (f *fakeNotifier) setAlways(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.always = err
}

func (f *fakeNotifier) Calls() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeNotifier) Sent() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// fakeChannels are the test's channels by name; each is stored with the URL
// "fake://NAME", which build turns back into its fake.
type fakeChannels map[string]*fakeNotifier

func (fc fakeChannels) build(u string) (Notifier, error) {
	for name, n := range fc {
		if u == "fake://"+name {
			return n, nil
		}
	}
	return nil, fmt.Errorf("fake: no notifier for %q", u)
}

// addChannels stores a channel per name and returns their fakes.
func addChannels(t *testing.T, st *store.Store, names ...string) fakeChannels {
	t.Helper()
	fc := fakeChannels{}
	for _, n := range names {
		if err := st.CreateChannel(context.Background(), &store.Channel{Name: n, URL: "fake://" + n, Kind: "webhook"}); err != nil {
			t.Fatalf("CreateChannel %q: %v", n, err)
		}
		fc[n] = &fakeNotifier{}
	}
	return fc
}

// addWatch stores a "chairs" watch notifying the given channels.
func addWatch(t *testing.T, st *store.Store, edit func(w *scout.Watch), channels ...string) scout.Watch {
	t.Helper()
	w := scout.NewWatch("chairs")
	w.Query = "chair"
	w.Notify = channels
	if edit != nil {
		edit(&w)
	}
	if err := w.Validate(scout.LegalOff); err != nil {
		t.Fatalf("watch does not validate: %v", err)
	}
	if err := st.CreateWatch(context.Background(), &w); err != nil {
		t.Fatalf("CreateWatch: %v", err)
	}
	return w
}

func newDispatcher(ob Outbox, clk *testClock, fc fakeChannels) *Dispatcher {
	return &Dispatcher{Outbox: ob, Build: fc.build, Now: clk.Now, Log: slog.New(slog.DiscardHandler), Loc: time.UTC}
}

// queueAlert writes one instant alert for watch w to channel ch.
func queueAlert(t *testing.T, st *store.Store, w scout.Watch, ch, key string, notBefore time.Time) {
	t.Helper()
	payload, err := json.Marshal(SystemMessage(KindDeal, w.Name, key, "", time.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	ok, err := st.QueueAlert(context.Background(), w.ID, 0, scout.OutboxAlert{DedupeKey: key, Channel: ch,
		Reason: scout.ReasonScore, NotBefore: notBefore, Payload: payload})
	if err != nil || !ok {
		t.Fatalf("QueueAlert %q: queued %v, %v", key, ok, err)
	}
}

// alertByKey reads one outbox row.
func alertByKey(t *testing.T, st *store.Store, key string) store.Alert {
	t.Helper()
	as, err := st.Alerts(context.Background(), store.AlertFilter{Limit: 1000})
	if err != nil {
		t.Fatalf("Alerts: %v", err)
	}
	for _, a := range as {
		if a.DedupeKey == key {
			return a
		}
	}
	t.Fatalf("no outbox row with key %q", key)
	return store.Alert{}
}

func flush(t *testing.T, d *Dispatcher) FlushResult {
	t.Helper()
	res, err := d.Flush(context.Background())
	if err != nil {
		t.Fatalf("Flush: %v", err)
	}
	return res
}

// renderAlert is cmd's renderAlert without the configuration.
func renderAlert(in scout.RenderInput) ([]byte, error) {
	var m Message
	switch in.Kind {
	case "deal":
		m = DealMessage(in.Watch, DealInput{Listing: in.Item.Listing, Score: in.Item.Score,
			DistanceMi: in.Item.DistanceMi, Reason: in.Reason, OldCents: in.OldCents}, "", in.Now)
	case KindSourceFailing:
		m = SystemMessage(in.Kind, in.Watch.Name, "Source failing: "+in.Spec, in.Text, in.Now)
	case KindSourceRecovered:
		m = SystemMessage(in.Kind, in.Watch.Name, "Source recovered: "+in.Spec, in.Text, in.Now)
	default:
		return nil, fmt.Errorf("unknown alert kind %q", in.Kind)
	}
	return json.Marshal(m)
}

// fakeSource answers every fetch with the listings or the error it was last given.
type fakeSource struct {
	mu       sync.Mutex
	listings []scout.Listing
	err      error
}

func (s *fakeSource) Fetch(context.Context, scout.Query) (scout.FetchResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return scout.FetchResult{}, s.err
	}
	return scout.FetchResult{Listings: slices.Clone(s.listings), Complete: true}, nil
}

func (s *fakeSource) set(ls []scout.Listing, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listings, s.err = ls, err
}

// priceOnly makes a deal's score the original price factor alone
// (100 × (1 − price/$300), 100 when free), so a test chooses scores by price.
var priceOnly = scout.Weights{scout.CompCondition: 0, scout.CompRecency: 0, scout.CompDistance: 0,
	scout.CompPhotos: 0, scout.CompKeyword: 0}

func newPoller(st *store.Store, clk *testClock, src scout.Source) *scout.Poller {
	return &scout.Poller{Store: st, Sources: map[string]scout.Source{scout.KindDemo: src}, Now: clk.Now,
		Log: slog.New(slog.DiscardHandler), Loc: time.UTC, Weights: priceOnly, Render: renderAlert}
}

// pollOnce polls the stored watch as `dealscout poll` does: fresh from the store.
func pollOnce(t *testing.T, st *store.Store, p *scout.Poller, name string) scout.RunReport {
	t.Helper()
	w, err := st.Watch(context.Background(), name)
	if err != nil {
		t.Fatalf("Watch %q: %v", name, err)
	}
	return p.Run(context.Background(), []scout.Watch{w})
}
