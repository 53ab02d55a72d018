package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes fails when a route is mounted that the document
// does not describe, or the document describes one that is not mounted.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	var inDoc, mounted []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
			var o struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil || len(o.Responses) == 0 {
				t.Errorf("%s %s: no responses described", method, path)
			}
		}
	}
	s, _ := newTestServer(t, nil)
	for _, r := range apiRoutes(s) {
		mounted = append(mounted, r.method+" "+r.pattern)
	}
	slices.Sort(inDoc)
	slices.Sort(mounted)
	for _, m := range mounted {
		if !slices.Contains(inDoc, m) {
			t.Errorf("route %s is mounted but not in openapi.json", m)
		}
	}
	for _, d := range inDoc {
		if !slices.Contains(mounted, d) {
			t.Errorf("openapi.json describes %s, which is not mounted", d)
		}
	}
	// Every route in the table really is reachable through the mux, under
	// the pattern the table says.
	for _, r := range apiRoutes(s) {
		path := strings.NewReplacer("{id}", "1", "{name}", "x").Replace(r.pattern)
		req, _ := http.NewRequest(r.method, path, nil)
		if _, pat := s.mux.Handler(req); pat != r.method+" "+r.pattern {
			t.Errorf("%s %s reaches pattern %q", r.method, path, pat)
		}
	}
	// Nothing under /api/ is mounted outside the table.
	for _, probe := range []string{"GET /api/v1/other", "POST /api/v1/deals"} {
		m, p, _ := strings.Cut(probe, " ")
		req, _ := http.NewRequest(m, p, nil)
		if _, pat := s.mux.Handler(req); strings.Contains(pat, "/api/") {
			t.Errorf("%s is served by %q, which the table does not list", probe, pat)
		}
	}
}

func TestOpenAPIServedWithoutToken(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "pw" })
	w := do(t, s.Handler(), "GET", "/api/v1/openapi.json", "")
	if w.Code != http.StatusOK || !json.Valid(w.Body.Bytes()) {
		t.Fatalf("GET /api/v1/openapi.json = %d, want 200 and JSON", w.Code)
	}
}
