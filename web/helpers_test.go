package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
