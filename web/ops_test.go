package web

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/store"
)

func TestReadyz(t *testing.T) {
	s, _ := newTestServer(t, nil)
	if w := do(t, s.Handler(), "GET", "/readyz", ""); w.Code != http.StatusOK {
		t.Errorf("readyz on a current schema = %d, want 200", w.Code)
	}
	// A database that was never migrated is not ready.
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "old.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	s2, err := New(Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if w := do(t, s2.Handler(), "GET", "/readyz", ""); w.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with pending migrations = %d, want 503", w.Code)
	}
	if w := do(t, s2.Handler(), "GET", "/healthz", ""); w.Code != http.StatusOK {
		t.Errorf("healthz with pending migrations = %d, want 200", w.Code)
	}
}

func TestMetrics(t *testing.T) {
	s, st := newTestServer(t, nil)
	h := s.Handler()
	do(t, h, "GET", "/api/v1/watches", "")
	wa := seedWatch(t, st, "couches")
	seedDeal(t, st, &wa, "m1", "Sofa", 80)
	s.Metrics().SourceFetched("demo", 5, 2, true)
	s.Metrics().PollFinished("ok")
	s.Metrics().DealScored(85)
	w := do(t, h, "GET", "/metrics", "")
	body := w.Body.String()
	for _, want := range []string{
		`dealscout_http_request_duration_seconds_count{code="200",method="GET",route="GET /api/v1/watches"} 1`,
		`dealscout_alerts{channel="phone",status="pending"} 1`, "dealscout_ebay_calls_today 0",
		`dealscout_listings_fetched_total{source="demo"} 5`,
		`dealscout_listings_new_total{source="demo"} 2`,
		`dealscout_source_errors_total{source="demo"} 1`,
		`dealscout_deal_score_bucket{le="90"} 1`, `dealscout_polls_total{status="ok"} 1`, "go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Unmatched paths share one label value, so clients cannot mint series.
	do(t, h, "GET", "/random-1", "")
	do(t, h, "GET", "/random-2", "")
	if body := do(t, h, "GET", "/metrics", "").Body.String(); strings.Contains(body, "random-") {
		t.Error("raw request paths leak into metric labels")
	}
}

func TestMetricsToken(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.MetricsToken = "m-secret" })
	h := s.Handler()
	if w := do(t, h, "GET", "/metrics", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("metrics without the token = %d, want 401", w.Code)
	}
	if w := do(t, h, "GET", "/metrics", "", "Authorization", "Bearer wrong"); w.Code != http.StatusUnauthorized {
		t.Errorf("metrics with a wrong token = %d, want 401", w.Code)
	}
	if w := do(t, h, "GET", "/metrics", "", "Authorization", "Bearer m-secret"); w.Code != http.StatusOK {
		t.Errorf("metrics with the token = %d, want 200", w.Code)
	}
}
