package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// testNow is the fixed clock every test server runs on.
var testNow = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

// newTestStore opens a migrated SQLite database in a temporary directory.
func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx, 0); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return st
}

// newTestServer builds a server over a fresh database; change opts in mod.
func newTestServer(t *testing.T, mod func(*Options)) (*Server, *store.Store) {
	t.Helper()
	st := newTestStore(t)
	o := Options{Store: st, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return testNow }, Version: "test"}
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return s, st
}

// do sends one request to h and returns the recorded response.
func do(t *testing.T, h http.Handler, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// seedWatch stores a valid demo watch named name.
func seedWatch(t *testing.T, st *store.Store, name string) scout.Watch {
	t.Helper()
	w := scout.NewWatch(name)
	w.Query, w.Sources = "sofa", []string{scout.KindDemo}
	if err := w.Validate(scout.LegalAPIOnly); err != nil {
		t.Fatalf("seed watch %s: %v", name, err)
	}
	if err := st.CreateWatch(context.Background(), &w); err != nil {
		t.Fatalf("seed watch %s: %v", name, err)
	}
	return w
}

// seedDeal stores one demo listing matched to w with the given title and
// score, plus a pending alert to channel "phone", and returns the listing id.
func seedDeal(t *testing.T, st *store.Store, w *scout.Watch, sourceID, title string, score float64) int64 {
	t.Helper()
	ctx := context.Background()
	l := scout.Listing{Source: scout.KindDemo, SourceID: sourceID, Title: title, PriceCents: 12500, Currency: "USD",
		PriceKnown: true, Condition: "good", URL: "https://example.com/" + sourceID, ShippingCents: -1}
	sc := scout.Score{Total: score, Components: map[string]scout.Component{
		scout.CompPrice: {Value: score / 100, Weight: 3, Reason: "price $125"}}}
	_, err := st.ApplyFetch(ctx, scout.FetchBatch{Watch: w, Spec: scout.KindDemo, Now: testNow,
		Items: []scout.FetchItem{{Listing: l, Score: sc, PriceChanged: true,
			Alerts: []scout.OutboxAlert{{DedupeKey: w.Name + "|" + sourceID, Channel: "phone", Reason: "score", Payload: []byte(`{}`)}}}}})
	if err != nil {
		t.Fatalf("seed deal %s: %v", sourceID, err)
	}
	d, err := st.DealsAfter(ctx, store.DealFilter{Watch: w.Name}, store.DealCursor{}, 1000)
	if err != nil {
		t.Fatalf("seed deal %s: %v", sourceID, err)
	}
	for _, x := range d {
		if x.Listing.SourceID == sourceID {
			return x.Listing.ID
		}
	}
	t.Fatalf("seed deal %s: not stored", sourceID)
	return 0
}

// decode reads a JSON response body into v.
func decode(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, w.Body.String())
	}
}

// errorOf returns the API error in a response.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) apiError {
	t.Helper()
	var e struct{ Error apiError }
	decode(t, w, &e)
	if e.Error.Code == "" {
		t.Fatalf("response has no error code: %s", w.Body.String())
	}
	return e.Error
}
