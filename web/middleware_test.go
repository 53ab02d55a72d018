package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "pw"; o.HSTS = true })
	for _, tc := range []struct{ method, path string }{
		{"GET", "/healthz"}, {"GET", "/login"}, {"GET", "/"}, {"GET", "/api/v1/deals"}, {"GET", "/nope"},
		{"POST", "/login"}, {"GET", "/metrics"},
	} {
		w := do(t, s.Handler(), tc.method, tc.path, "")
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s %s: CSP %q lacks %q", tc.method, tc.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s %s: CSP allows unsafe-inline: %q", tc.method, tc.path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: X-Content-Type-Options = %q", tc.method, tc.path, h.Get("X-Content-Type-Options"))
		}
		if h.Get("Referrer-Policy") == "" {
			t.Errorf("%s %s: no Referrer-Policy", tc.method, tc.path)
		}
		if !strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s %s: HSTS configured but header is %q", tc.method, tc.path, h.Get("Strict-Transport-Security"))
		}
	}
}

func TestNoHSTSUnlessConfigured(t *testing.T) {
	s, _ := newTestServer(t, nil)
	if got := do(t, s.Handler(), "GET", "/healthz", "").Header().Get("Strict-Transport-Security"); got != "" {
		t.Fatalf("HSTS sent without DEALSCOUT_HSTS: %q", got)
	}
}

func TestHealthz(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "pw" })
	if w := do(t, s.Handler(), "GET", "/healthz", ""); w.Code != http.StatusOK {
		t.Fatalf("GET /healthz = %d, want 200 without login", w.Code)
	}
}
