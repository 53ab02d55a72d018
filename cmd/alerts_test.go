package cmd

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookServer is a fake webhook channel that records every delivery.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
	ids    []string
	status int
}

func newHookServer(t *testing.T) *hookServer {
	t.Helper()
	h := &hookServer{status: http.StatusNoContent}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		h.mu.Lock()
		h.bodies = append(h.bodies, m)
		h.ids = append(h.ids, r.Header.Get("webhook-id"))
		status := h.status
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

func TestPollAlertsOncePerListingAndLinksCrossSourceDuplicates(t *testing.T) {
	t.Parallel()
	hook := newHookServer(t)
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true", "DEALSCOUT_WEBHOOK_SECRET=whsec_dGVzdHNlY3JldA==")
	a := filepath.Join(c.dir, "a.jsonl")
	b := filepath.Join(c.dir, "b.jsonl")
	one := sofas(1, 0) // free
	one[0].Title = "Free grey sofa"
	writeListings(t, a, one)
	dup := sofas(1, 0)
	dup[0].Source, dup[0].SourceID, dup[0].Title = "elsewhere", "xyz", "FREE grey sofa!"
	c.ok("channel", "add", "hook", "webhook+"+hook.URL+"/hook")
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+a, "--notify", "hook", "--zip", "94103", "--radius-mi", "30")
	c.ok("poll") // backfill: stored quietly
	if hook.count() != 0 {
		t.Fatalf("the first poll alerted %d times, want 0 (backfill)", hook.count())
	}
	// A new free listing alerts once; the same item at a second source is a duplicate.
	more := append(one, sofas(2, 0)[1])
	more[1].Title = "Free sofa, blue"
	writeListings(t, a, more)
	writeListings(t, b, dup)
	c.ok("watch", "edit", "sofas", "--source", "file:"+a, "--source", "file:"+b)
	for i := 0; i < 5; i++ {
		c.now = c.now.Add(time.Hour)
		c.ok("poll")
	}
	if got := hook.count(); got != 1 {
		t.Fatalf("five polls delivered %d alerts, want exactly 1 (the new free sofa; the cross-source duplicate never alerts)", got)
	}
	if r := hook.bodies[0]["deals"].([]any)[0].(map[string]any)["reason"]; r != "free" {
		t.Errorf("alert reason = %v, want free", r)
	}
	var deals []dealJSON
	_ = json.Unmarshal([]byte(c.ok("deals", "--json")), &deals)
	linked := false
	for _, d := range deals {
		if d.Source == "elsewhere" && d.DuplicateOf != nil {
			linked = true
		}
	}
	if !linked {
		t.Errorf("the same sofa from a second source was not linked as a duplicate: %+v", deals)
	}
	if out := c.ok("alerts", "list"); !strings.Contains(out, "sent") {
		t.Errorf("alerts list does not show the sent alert:\n%s", out)
	}
}

func TestFailingChannelAlertsGoDeadAndCanBeRetried(t *testing.T) {
	t.Parallel()
	hook := newHookServer(t)
	hook.status = http.StatusGone // permanent
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true")
	file := filepath.Join(c.dir, "a.jsonl")
	writeListings(t, file, sofas(1, 0))
	c.ok("channel", "add", "hook", "webhook+"+hook.URL+"/hook")
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+file, "--notify", "hook")
	c.ok("poll", "--alert-backfill")
	out := c.ok("alerts", "list", "--failed", "--json")
	var dead []struct {
		ID        int64  `json:"id"`
		LastError string `json:"last_error"`
	}
	if err := json.Unmarshal([]byte(out), &dead); err != nil || len(dead) != 1 || !strings.Contains(dead[0].LastError, "410") {
		t.Fatalf("alerts list --failed = %s (%v), want one dead alert saying 410", out, err)
	}
	if chs := c.ok("channel", "list"); !strings.Contains(chs, "410") {
		t.Errorf("channel list does not show the failing channel's error:\n%s", chs)
	}
	hook.mu.Lock()
	hook.status = http.StatusOK
	hook.mu.Unlock()
	c.ok("alerts", "retry", jsonNumber(dead[0].ID))
	c.ok("notify", "flush")
	if hook.count() != 2 {
		t.Errorf("after retry and flush the hook got %d requests, want 2 (the failed one and the retry)", hook.count())
	}
	if out := c.ok("alerts", "list", "--failed", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("after a successful retry, dead alerts remain: %s", out)
	}
	if code, _, _ := c.run("alerts", "retry", "abc"); code != ExitUsage {
		t.Errorf("alerts retry abc exit %d, want 2", code)
	}
}

func TestChannelTestSendsAndPrintsTheAnswer(t *testing.T) {
	t.Parallel()
	hook := newHookServer(t)
	hook.status = http.StatusAccepted
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true")
	c.ok("channel", "add", "hook", "webhook+"+hook.URL+"/hook")
	out := c.ok("channel", "test", "hook")
	if hook.count() != 1 || !strings.Contains(out, "202") {
		t.Errorf("channel test: %d requests, output %q; want 1 request and the provider's 202", hook.count(), out)
	}
	// Without the private-network allowance the guard refuses the loopback fake.
	d := newCLI(t)
	d.ok("channel", "add", "hook", "webhook+"+hook.URL+"/hook")
	if code, _, errs := d.run("channel", "test", "hook"); code == 0 || !strings.Contains(errs, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS") {
		t.Errorf("channel test to 127.0.0.1 without allowance: exit %d stderr %q, want a refusal naming DEALSCOUT_ALLOW_PRIVATE_NETWORKS", code, errs)
	}
}

func TestSchemaNewerThanBinaryIsRefused(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "w", "--query", "x")
	// Pretend a newer dealscout migrated the file.
	db, err := sql.Open("sqlite", filepath.Join(c.dir, "dealscout.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	for _, args := range [][]string{{"poll"}, {"watch", "list"}} {
		code, _, errs := c.run(args...)
		if code == 0 || !strings.Contains(errs, "newer than this binary") {
			t.Errorf("%v on a newer schema: exit %d stderr %q, want a refusal saying so", args, code, errs)
		}
	}
}

func TestAutoMigrateFalseLeavesAFreshDatabaseAlone(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "DEALSCOUT_AUTO_MIGRATE=false")
	code, _, errs := c.run("poll")
	if code == 0 || !strings.Contains(errs, "migrate up") {
		t.Fatalf("poll with auto-migrate off on a fresh database: exit %d stderr %q, want advice to run migrate up", code, errs)
	}
	c.ok("migrate", "up")
	c.ok("poll")
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
