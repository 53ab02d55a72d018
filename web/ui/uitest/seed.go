// Package uitest fills a real test database with demo-like deals for the web
// UI's handler and browser tests: two watches, scored deals with a market,
// a price drop, a free item, the same item on a second source, a "verify"
// warning, and a listing titled like an XSS attack.
package uitest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// XSSTitle is the title of a listing that must render as text.
const XSSTitle = `<img src=x onerror=alert(1)>`

// Fixture names what Seed stored.
type Fixture struct {
	Now        time.Time
	Bikes      scout.Watch
	Couches    scout.Watch
	BestID     int64 // listing id of the best bike deal (has a price drop and a duplicate)
	DupID      int64 // the same bike at another source
	XSSID      int64 // the listing titled XSSTitle
	FreeID     int64 // a free couch
	VerifyID   int64 // a deal whose score carries a "verify" warning
	JSURLID    int64 // a listing whose URL and image are javascript:
	DealsTotal int   // open deals in all
}

// OpenStore opens and migrates a fresh database in a test directory, with
// the store's clock fixed at now.
func OpenStore(t testing.TB, now time.Time) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "ui.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx, 0); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st
}

type item struct {
	source, id, title, cond string
	cents                   int64
	free                    bool
	ageMin                  int
	dist                    float64
	url                     string
	images                  []string
	verify                  bool
}

// Seed stores the fixture. imageBase, when not "", is an http(s) URL prefix
// that serves thumbnails named 1.png, 2.png, … (browser tests serve them
// locally so no test reaches the internet).
func Seed(t testing.TB, st *store.Store, now time.Time, imageBase string) Fixture {
	t.Helper()
	ctx := context.Background()
	f := Fixture{Now: now}
	img := func(n int) []string {
		if imageBase == "" {
			return nil
		}
		return []string{fmt.Sprintf("%s/%d.png", imageBase, n)}
	}
	bikes := scout.NewWatch("bikes")
	bikes.Query, bikes.ZIP, bikes.RadiusMi = "bike", "94105", 50
	couches := scout.NewWatch("couches")
	couches.Query, couches.ZIP, couches.RadiusMi = "sofa", "94105", 25
	for _, w := range []*scout.Watch{&bikes, &couches} {
		if err := w.Validate(scout.LegalMode("api_only")); err != nil {
			t.Fatalf("validate watch %s: %v", w.Name, err)
		}
		if err := st.CreateWatch(ctx, w); err != nil {
			t.Fatalf("create watch %s: %v", w.Name, err)
		}
	}
	f.Bikes, f.Couches = bikes, couches
	bikeMarket := scout.Market{MedianCents: 60500, Samples: 24, Confidence: scout.ConfidenceHigh, IQRCents: 12000,
		P25Cents: 54000, P75Cents: 66000, WindowDays: 30, Condition: "all"}
	couchMarket := scout.Market{MedianCents: 45000, Samples: 9, Confidence: scout.ConfidenceMedium, IQRCents: 20000,
		P25Cents: 35000, P75Cents: 55000, WindowDays: 30, Condition: "all"}
	bikeItems := []item{
		{"ebay", "b1", "Trek FX 3 commuter bike, 54 cm", "good", 37500, false, 40, 3.2, "https://www.ebay.com/itm/1", img(1), false},
		{"demo", "b2", "Specialized Sirrus hybrid bike, medium", "great", 42000, false, 180, 8.5, "https://example.com/b2", img(2), false},
		{"demo", "b3", "Giant Escape 3 bike, large, barely ridden", "excellent", 52000, false, 600, 12, "https://example.com/b3", img(3), false},
		{"demo", "b4", "Road bike Cannondale CAAD, 56cm", "fair", 61000, false, 1500, 22, "https://example.com/b4", img(4), false},
		{"demo", "b5", XSSTitle, "good", 40000, false, 90, 4, "https://example.com/xss", nil, false},
		{"demo", "b6", "Brand new e-bike, sealed box, wire payment only", "new", 9900, false, 30, 40, "https://example.com/scam", img(5), true},
		{"demo", "b7", "Kids bike 20 inch", "good", 8000, false, 3000, 6, "javascript:alert(2)", []string{"javascript:alert(3)"}, false},
		{"demo", "b8", "Bike rack for two bikes", "good", 7000, false, 4000, 15, "https://example.com/b8", nil, false},
	}
	couchItems := []item{
		{"demo", "c1", "Free IKEA sofa, grey, must pick up", "fair", 0, true, 20, 2.1, "https://example.com/c1", img(6), false},
		{"demo", "c2", "Mid-century sofa, walnut legs", "great", 32000, false, 300, 9, "https://example.com/c2", img(7), false},
		{"demo", "c3", "Leather sectional couch", "good", 61000, false, 2000, 18, "https://example.com/c3", img(8), false},
	}
	ids := map[string]int64{}
	apply := func(w *scout.Watch, m scout.Market, items []item, at time.Time, priceOverride map[string]int64) {
		t.Helper()
		b := scout.FetchBatch{Watch: w, Spec: "demo", Now: at}
		terms := scout.ParseQuery(w.Query, w.Exclude)
		for _, it := range items {
			cents := it.cents
			if p, ok := priceOverride[it.id]; ok {
				cents = p
			}
			l := scout.Listing{Source: it.source, SourceID: it.id, Title: it.title, PriceCents: cents, Currency: "USD",
				PriceKnown: true, Free: it.free, Condition: scout.Condition(it.cond), PostedAt: now.Add(-time.Duration(it.ageMin) * time.Minute),
				URL: it.url, Images: it.images, ShippingCents: -1, LocationText: "San Francisco, CA",
				Description: "Pick up in SoMa. Cash or app.\nSecond line <b>not bold</b>."}
			dist := it.dist
			s := scout.ScoreDeal(scout.ScoreInput{Listing: l, Watch: w, Terms: terms, DistanceMi: &dist, Market: m, Now: now}, scout.DefaultWeights())
			if it.verify {
				s.Components["risk"] = scout.Component{Value: 0, Weight: 1, Reason: "verify: 84% under market and asks for a wire payment"}
				s.Total = min(s.Total, 70)
			}
			fi := scout.FetchItem{Listing: l, Score: s, DistanceMi: &dist, PriceChanged: true}
			if it.id == "b1dup" {
				fi.DuplicateOf = ptr(ids["b1"])
			}
			b.Items = append(b.Items, fi)
		}
		if _, err := st.ApplyFetch(ctx, b); err != nil {
			t.Fatalf("seed fetch for %s: %v", w.Name, err)
		}
	}
	// The best bike is seen three times, its price falling: a price history.
	first := now.Add(-6 * 24 * time.Hour)
	apply(&bikes, bikeMarket, bikeItems[:1], first, map[string]int64{"b1": 45000})
	apply(&bikes, bikeMarket, bikeItems[:1], now.Add(-3*24*time.Hour), map[string]int64{"b1": 41500})
	apply(&bikes, bikeMarket, bikeItems, now.Add(-30*time.Minute), nil)
	apply(&couches, couchMarket, couchItems, now.Add(-20*time.Minute), nil)
	deals, err := st.Deals(ctx, store.DealFilter{})
	if err != nil {
		t.Fatalf("seed: list deals: %v", err)
	}
	for _, d := range deals {
		ids[d.Listing.SourceID] = d.Listing.ID
	}
	// The same bike at a second source, found a day later.
	dup := []item{{"craigslist", "b1dup", "Trek FX 3 commuter bike, 54 cm", "good", 39000, false, 60, 3.5, "https://sfbay.craigslist.org/b1", nil, false}}
	apply(&bikes, bikeMarket, dup, now.Add(-10*time.Minute), nil)
	deals, err = st.Deals(ctx, store.DealFilter{})
	if err != nil {
		t.Fatalf("seed: list deals: %v", err)
	}
	for _, d := range deals {
		ids[d.Listing.SourceID] = d.Listing.ID
	}
	f.BestID, f.DupID, f.XSSID, f.FreeID, f.VerifyID, f.JSURLID = ids["b1"], ids["b1dup"], ids["b5"], ids["c1"], ids["b6"], ids["b7"]
	f.DealsTotal = len(deals)
	seedOps(t, st, &f)
	return f
}

// seedOps adds what the alerts and health pages show: a channel, a sent, a
// pending and a failed alert, a finished poll run and a failing source.
func seedOps(t testing.TB, st *store.Store, f *Fixture) {
	t.Helper()
	ctx := context.Background()
	ch := store.Channel{Name: "phone", URL: "ntfy+https://ntfy.example.test/secret-topic-123", Kind: "ntfy"}
	if err := st.CreateChannel(ctx, &ch); err != nil {
		t.Fatalf("seed channel: %v", err)
	}
	var alertIDs []int64
	for i, reason := range []string{"score", "free", "price_drop"} {
		lid := []int64{f.BestID, f.FreeID, f.BestID}[i]
		wid := []int64{f.Bikes.ID, f.Couches.ID, f.Bikes.ID}[i]
		_, err := st.QueueAlert(ctx, wid, lid, scout.OutboxAlert{DedupeKey: fmt.Sprintf("seed-%d", i), Channel: "phone",
			Reason: reason, NotBefore: f.Now.Add(-time.Hour), Payload: []byte(`{}`)})
		if err != nil {
			t.Fatalf("seed alert: %v", err)
		}
	}
	as, err := st.Alerts(ctx, store.AlertFilter{})
	if err != nil {
		t.Fatalf("seed: list alerts: %v", err)
	}
	for _, a := range as {
		alertIDs = append(alertIDs, a.ID)
	}
	if len(alertIDs) != 3 {
		t.Fatalf("seed: %d alerts queued, want 3", len(alertIDs))
	}
	if err := st.MarkAlertSent(ctx, alertIDs[2], "phone", f.Now.Add(-50*time.Minute)); err != nil {
		t.Fatalf("seed: mark sent: %v", err)
	}
	if err := st.MarkAlertFailed(ctx, alertIDs[1], "phone", f.Now, "ntfy: 503 Service Unavailable", true); err != nil {
		t.Fatalf("seed: mark failed: %v", err)
	}
	runID, err := st.StartRun(ctx, f.Now.Add(-31*time.Minute))
	if err != nil {
		t.Fatalf("seed run: %v", err)
	}
	rep := scout.RunReport{RunID: runID, StartedAt: f.Now.Add(-31 * time.Minute), FinishedAt: f.Now.Add(-30 * time.Minute), Status: "partial",
		Watches: []scout.WatchReport{{Watch: "bikes", Counts: scout.Counts{Fetched: 8, New: 8, Matched: 8, AlertsQueued: 2}}}}
	if err := st.FinishRun(ctx, rep); err != nil {
		t.Fatalf("seed run: %v", err)
	}
	_, _, err = st.RecordSourceFailure(ctx, scout.SourceFailure{WatchID: f.Couches.ID, Spec: "ebay", Error: "ebay: search \"sofa\": 500 Internal Server Error", At: f.Now.Add(-5 * time.Minute)})
	if err != nil {
		t.Fatalf("seed source failure: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
