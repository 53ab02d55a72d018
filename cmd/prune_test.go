package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPruneRemovesGoneListingsAfterTheWindow drives prune through the CLI:
// listings a file source stops returning go gone, and once the clock passes
// the window a dry run counts them, changes nothing, and a real run removes them.
func TestPruneRemovesGoneListingsAfterTheWindow(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "DEALSCOUT_GONE_AFTER=1")
	feed := filepath.Join(c.dir, "items.jsonl")
	var lines []string
	for i := range 3 {
		lines = append(lines, fmt.Sprintf(`{"source":"shop","source_id":"%d","title":"oak chair %d","price_cents":%d,"currency":"USD","condition":"good","url":"https://shop.example/%d"}`, i, i, 2000+i, i))
	}
	if err := os.WriteFile(feed, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("watch", "add", "chairs", "--query", "chair", "--source", "file:"+feed)
	c.ok("poll", "--all", "--no-notify")
	if err := os.WriteFile(feed, []byte(lines[0]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.now = c.now.Add(time.Hour)
	c.ok("poll", "--all", "--no-notify")

	c.now = c.now.Add(30 * 24 * time.Hour)
	var rep map[string]any
	if err := json.Unmarshal([]byte(c.ok("prune", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep["listings"] != 0.0 {
		t.Errorf("within the default 90-day window prune removed %v listings", rep["listings"])
	}

	c.now = c.now.Add(61 * 24 * time.Hour)
	if err := json.Unmarshal([]byte(c.ok("prune", "--dry-run", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep["listings"] != 2.0 || rep["deals"] != 2.0 || rep["dry_run"] != true {
		t.Errorf("dry run after the window: %v, want 2 listings and 2 deals", rep)
	}
	var deals []map[string]any
	_ = json.Unmarshal([]byte(c.ok("deals", "--json")), &deals)
	if len(deals) != 3 {
		t.Errorf("%d deals after a dry run, want all 3", len(deals))
	}
	out := c.ok("prune")
	if !strings.Contains(out, "listings       2 (with 2 deals)") {
		t.Errorf("prune printed:\n%s\nwant 2 listings with 2 deals", out)
	}
	deals = nil
	_ = json.Unmarshal([]byte(c.ok("deals", "--json")), &deals)
	if len(deals) != 1 || deals[0]["source_id"] != "0" {
		t.Errorf("deals after prune: %v, want only the listing still offered", deals)
	}
}

func TestPruneFlagErrorsExit2(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"prune", "--older-than", "soon"}, "", "--older-than"},
		{[]string{"prune", "--older-than", "12h"}, "", "at least 1d"},
		{[]string{"prune", "--vacuum", "--dry-run"}, "", "--vacuum"},
		{[]string{"prune"}, "DEALSCOUT_RETENTION=forever", "DEALSCOUT_RETENTION"},
	} {
		c := newCLI(t, tc.env)
		code, _, errs := c.run(tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", tc.args, code, errs, tc.want)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")

	c := newCLI(t, "DEALSCOUT_ADDR="+addr)
	if out := c.ok("healthcheck"); !strings.Contains(out, "200") {
		t.Errorf("healthcheck printed %q", out)
	}
	c.ok("healthcheck", "--url", srv.URL+"/healthz")
	if code, _, _ := c.run("healthcheck", "--url", srv.URL+"/elsewhere"); code != ExitError {
		t.Errorf("a 404 gave exit %d, want 1", code)
	}
	status = http.StatusServiceUnavailable
	if code, _, errs := c.run("healthcheck"); code != ExitError || !strings.Contains(errs, "503") {
		t.Errorf("a 503 gave exit %d, %q; want 1 naming the status", code, errs)
	}
	if code, _, _ := c.run("healthcheck", "--url", "ftp://x"); code != ExitUsage {
		t.Errorf("--url ftp://x gave exit %d, want 2", code)
	}
}

func TestHealthzURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/healthz",
		"0.0.0.0:80":     "http://127.0.0.1:80/healthz",
		":9000":          "http://127.0.0.1:9000/healthz",
		"[::]:8080":      "http://[::1]:8080/healthz",
		"web.local:8080": "http://web.local:8080/healthz",
	} {
		if got, err := healthzURL(addr); err != nil || got != want {
			t.Errorf("healthzURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}

func TestVersionFlagMatchesVersionCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if a, b := c.ok("--version"), c.ok("version"); a != b || !strings.HasPrefix(a, "dealscout ") {
		t.Errorf("--version printed %q, version printed %q; want the same line", a, b)
	}
}
