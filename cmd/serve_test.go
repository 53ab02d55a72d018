package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web"
)

// syncBuffer is a bytes.Buffer safe to read while serve writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a `dealscout serve` running in the background.
type served struct {
	url            string
	stdout, stderr *syncBuffer
	stop           func() int // cancels serve and returns its exit code
}

var servingURL = regexp.MustCompile(`serving on (http://\S+)`)

// startServe runs serve with args until the test stops it, waiting for it
// to print its URL.
func startServe(t *testing.T, c *cli, args ...string) *served {
	t.Helper()
	return startCmd(t, c, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
}

// startCmd runs a serving command line until the test stops it, waiting
// for it to print its URL.
func startCmd(t *testing.T, c *cli, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, args, Env{Environ: c.env, WorkDir: c.dir,
			Stdin: strings.NewReader(""), Stdout: s.stdout, Stderr: s.stderr, Now: time.Now})
	}()
	var once sync.Once
	code := -1
	s.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop within 30 s of its context ending")
			}
		})
		return code
	}
	t.Cleanup(func() { s.stop() })
	// Generous: demo polls six times before serving, which takes minutes
	// under -race on a busy 2-core machine (a second without).
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		if m := servingURL.FindStringSubmatch(s.stdout.String()); m != nil {
			s.url = m[1]
			return s
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before serving\nstdout: %s\nstderr: %s", code, s.stdout, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve printed no URL in 5 minutes\nstdout: %s\nstderr: %s", s.stdout, s.stderr)
	return nil
}

func get(t *testing.T, url string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeRefusesAnOpenUIOnTheNetwork(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0"} {
		code, _, errs := c.run("serve", "--addr", addr)
		if code != ExitUsage || !strings.Contains(errs, "DEALSCOUT_ADMIN_PASSWORD") || !strings.Contains(errs, "--insecure-no-auth") {
			t.Errorf("serve --addr %s without a password: exit %d, stderr %q; want 2 naming the password and --insecure-no-auth", addr, code, errs)
		}
	}
}

func TestLoopbackAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.9.9.9:1": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "10.0.0.1:80": false, "example.com:80": false, "bad": false,
	} {
		if got := loopbackAddr(addr); got != want {
			t.Errorf("loopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestServeStartsOnTheNetworkWithAPasswordOrInsecureNoAuth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"password", []string{"DEALSCOUT_ADMIN_PASSWORD=pw"}, nil},
		{"insecure-no-auth", nil, []string{"--insecure-no-auth"}},
	} {
		c := newCLI(t, tc.env...)
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan int, 1)
		go func() {
			done <- Run(ctx, append([]string{"serve", "--no-scheduler", "--addr", "0.0.0.0:0"}, tc.args...),
				Env{Environ: c.env, WorkDir: c.dir, Stdout: out, Stderr: io.Discard})
		}()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(out.String(), "serving on") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if code := <-done; code != 0 || !strings.Contains(out.String(), "serving on http://0.0.0.0:") {
			t.Errorf("%s: serve on 0.0.0.0 exit %d, stdout %q; want it to serve", tc.name, code, out)
		}
	}
}

func TestServeServesAPIAndProbesAndStopsCleanly(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "DEALSCOUT_ADMIN_PASSWORD=pw")
	c.ok("watch", "add", "couches", "--query", "sofa", "--source", "demo", "--zip", "94105")
	tok := strings.TrimSpace(c.ok("token", "create", "ci"))
	s := startServe(t, c, "--no-scheduler")
	if !strings.Contains(s.stdout.String(), "log in with the password") {
		t.Errorf("serve with a password did not say how to log in: %q", s.stdout)
	}
	for _, tc := range []struct {
		path string
		hdr  []string
		want int
	}{
		{"/healthz", nil, 200}, {"/readyz", nil, 200}, {"/metrics", nil, 200},
		{"/api/v1/watches", nil, 401}, {"/api/v1/watches", []string{"Authorization", "Bearer " + tok}, 200},
		{"/", nil, 200}, // the login page, after the redirect
	} {
		code, body := get(t, s.url+tc.path, tc.hdr...)
		if code != tc.want {
			t.Errorf("GET %s = %d, want %d: %.200s", tc.path, code, tc.want, body)
		}
	}
	if code := s.stop(); code != 0 {
		t.Errorf("serve exit after its context ended = %d, want 0\nstderr: %s", code, s.stderr)
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("serve still answers after stopping")
	}
}

func TestServeSchedulerPollsDueWatchesAndSkipsWhileCronHoldsTheLock(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for i, kv := range c.env {
		if strings.HasPrefix(kv, "DEALSCOUT_LOG_LEVEL=") {
			c.env[i] = "DEALSCOUT_LOG_LEVEL=info"
		}
	}
	c.ok("watch", "add", "couches", "--query", "sofa", "--source", "demo", "--zip", "94105")
	db := ""
	for _, kv := range c.env {
		if v, ok := strings.CutPrefix(kv, "DEALSCOUT_DB="); ok {
			db = v
		}
	}
	lock, err := store.TryLock(db)
	if err != nil {
		t.Fatal(err)
	}
	s := startServe(t, c)
	// The first round runs at once and finds the lock held.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.stderr.String(), "holds the lock") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := strings.Count(s.stderr.String(), "holds the lock"); n != 1 {
		t.Fatalf("a held lock was logged %d times, want once\nstderr: %s", n, s.stderr)
	}
	if _, body := get(t, s.url+"/api/v1/runs"); !strings.Contains(body, `"items":[]`) {
		t.Errorf("a poll ran while the lock was held: %s", body)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(s.url+"/api/v1/poll", "application/json", strings.NewReader(`{"watch":"couches"}`))
	if err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/v1/poll = %v %v, want 202", res, err)
	}
	_ = res.Body.Close()
	var runs struct {
		Items []struct {
			Status string          `json:"status"`
			Report json.RawMessage `json:"report"`
		} `json:"items"`
	}
	deadline = time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, body := get(t, s.url+"/api/v1/runs")
		_ = json.Unmarshal([]byte(body), &runs)
		if len(runs.Items) > 0 && runs.Items[0].Status != "running" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(runs.Items) != 1 || runs.Items[0].Status != scout.StatusOK || !strings.Contains(string(runs.Items[0].Report), `"watch":"couches"`) {
		t.Fatalf("runs after POST /api/v1/poll = %+v, want one ok run of couches\nstderr: %s", runs, s.stderr)
	}
	deadline = time.Now().Add(10 * time.Second)
	for !strings.Contains(s.stderr.String(), "pruned") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(s.stderr.String(), "pruned") {
		t.Errorf("the scheduler did not run its daily prune once the lock was free\nstderr: %s", s.stderr)
	}
	if _, body := get(t, s.url+"/api/v1/deals?limit=1"); !strings.Contains(body, `"watch":"couches"`) {
		t.Errorf("no deals after the poll: %s", body)
	}
	if _, body := get(t, s.url+"/metrics"); !strings.Contains(body, `dealscout_polls_total{status="ok"} 1`) ||
		!strings.Contains(body, `dealscout_listings_fetched_total{source="demo"}`) {
		t.Errorf("/metrics does not count the poll:\n%s", grepLines(body, "dealscout_"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestJitterIsBoundedAndStable(t *testing.T) {
	t.Parallel()
	w := scout.NewWatch("couches")
	w.Every, w.LastPolledAt = 15*time.Minute, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	j := jitter(w)
	if j < 0 || j >= 90*time.Second || j != jitter(w) {
		t.Errorf("jitter = %v (again %v), want a fixed value under a tenth of 15m", j, jitter(w))
	}
	w.Every = 24 * time.Hour
	if j := jitter(w); j >= maxJitter {
		t.Errorf("jitter of a daily watch = %v, want under %v", j, maxJitter)
	}
	spread := map[time.Duration]bool{}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		w.Name = n
		spread[jitter(w)] = true
	}
	if len(spread) < 4 {
		t.Errorf("five watches got only %d distinct jitters", len(spread))
	}
}

func TestTokenCreateListRevoke(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code, out, errs := c.run("token", "create", "phone")
	tok := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(tok, store.TokenPrefix) || len(tok) < 40 || !strings.Contains(errs, "not shown again") {
		t.Fatalf("token create: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	list := c.ok("token", "list")
	if !strings.Contains(list, "phone") || strings.Contains(list, tok) {
		t.Errorf("token list = %q, want the name and never the token", list)
	}
	db, _ := os.ReadFile(c.dir + "/dealscout.db")
	wal, _ := os.ReadFile(c.dir + "/dealscout.db-wal")
	if bytes.Contains(db, []byte(tok)) || bytes.Contains(wal, []byte(tok)) {
		t.Error("the token itself is stored in the database; only its hash may be")
	}
	if code, _, errs := c.run("token", "create", "phone"); code != ExitUsage || !strings.Contains(errs, "already exists") {
		t.Errorf("duplicate token name: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := c.run("token", "create", "bad name!"); code != ExitUsage {
		t.Errorf("bad token name: exit %d, want 2", code)
	}
	c.ok("token", "revoke", "phone")
	if code, _, errs := c.run("token", "revoke", "phone"); code != ExitUsage || !strings.Contains(errs, "not found") {
		t.Errorf("revoke twice: exit %d, stderr %q", code, errs)
	}
}

func TestDueWatches(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	w := func(name string, every, ago time.Duration, paused bool) scout.Watch {
		x := scout.NewWatch(name)
		x.Every, x.Paused = every, paused
		if ago > 0 {
			x.LastPolledAt = now.Add(-ago)
		}
		return x
	}
	ws := []scout.Watch{
		w("never-polled", 15*time.Minute, 0, false),
		w("overdue", 15*time.Minute, 20*time.Minute, false),
		w("just-polled", 15*time.Minute, time.Minute, false),
		w("paused", 15*time.Minute, 0, true),
		w("within-jitter", 10*time.Minute, 10*time.Minute+time.Nanosecond, false),
	}
	got := strings.Join(dueWatches(ws, now), ",")
	// "within-jitter" is due only if its jitter is under 1ns, which the
	// hash makes all but impossible; check it against its own jitter.
	want := "never-polled,overdue"
	if jitter(ws[4]) == 0 {
		want += ",within-jitter"
	}
	if got != want {
		t.Errorf("due = %q, want %q", got, want)
	}
}

func TestSchedulerLogsAHeldLockOnce(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	s := &scheduler{log: slog.New(slog.NewTextHandler(&buf, nil)), metrics: web.NewMetrics()}
	for range 3 {
		if !s.skipped(fmt.Errorf("x: %w", store.ErrLocked)) {
			t.Fatal("a held lock was not recognised")
		}
	}
	if s.skipped(errors.New("disk full")) {
		t.Error("another error was taken for a held lock")
	}
	if n := strings.Count(buf.String(), "holds the lock"); n != 1 {
		t.Errorf("three skipped rounds logged %d times, want once", n)
	}
	s.heldLogged = false // a round that got the lock resets it
	s.skipped(store.ErrLocked)
	if n := strings.Count(buf.String(), "holds the lock"); n != 2 {
		t.Errorf("after a successful round the next skip logged %d lines in all, want 2", n)
	}
}
