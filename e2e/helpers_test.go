package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the test reads the database file the binary wrote
)

// Exit codes the binary documents (README "Exit codes").
const (
	exitOK     = 0
	exitLocked = 75
)

// webhookSecret signs webhook channel bodies in every test.
const webhookSecret = "whsec_ZTJlLXRlc3Qtc2VjcmV0"

// env is one database file and the environment every dealscout process of
// a test runs with.
type env struct {
	t    *testing.T
	dir  string
	db   string
	vars []string
}

// newEnv makes a temporary directory holding the database and returns the
// environment processes run with: the inherited one without any DEALSCOUT_*
// variable of the developer's, plus what every test needs (loopback fakes
// allowed, JSON logs, no rate limit in the way) and extra.
func newEnv(t *testing.T, extra ...string) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, db: filepath.Join(dir, "dealscout.db")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DEALSCOUT_") {
			e.vars = append(e.vars, kv)
		}
	}
	e.vars = append(e.vars,
		"DEALSCOUT_DB="+e.db,
		"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true",
		"DEALSCOUT_WEBHOOK_SECRET="+webhookSecret,
		"DEALSCOUT_LOG_FORMAT=json",
		"DEALSCOUT_NOTIFY_RATE_PER_MINUTE=10000",
	)
	e.vars = append(e.vars, extra...)
	return e
}

// result is one finished dealscout process.
type result struct {
	args           []string
	code           int  // -1 when killed by a signal
	signaled       bool // ended by a signal (our SIGKILL)
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("dealscout %s: exit %d after %s\nstdout: %s\nstderr: %s",
		strings.Join(r.args, " "), r.code, r.took.Round(time.Millisecond), clip(r.stdout, 2000), clip(r.stderr, 4000))
}

// proc is a started dealscout process.
type proc struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr *lockedBuffer
	started        time.Time
	done           chan struct{}
	res            result
	timedOut       atomic.Bool
}

// processTimeout bounds every dealscout process a test starts.
const processTimeout = 2 * time.Minute

// start runs dealscout with args in the background. It is safe to call
// from any goroutine: a process that cannot start ends at once with exit -1.
func (e *env) start(args ...string) *proc {
	p := &proc{args: args, stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binPath, args...)
	p.cmd.Dir = e.dir // no .env of the developer's is read
	p.cmd.Env = e.vars
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		p.res = result{args: args, code: -1, stderr: "start: " + err.Error()}
		close(p.done)
		return p
	}
	// A process that hangs is a failure, not a reason to hang the suite.
	timer := time.AfterFunc(processTimeout, func() {
		p.timedOut.Store(true)
		_ = p.cmd.Process.Kill()
	})
	go func() {
		err := p.cmd.Wait()
		timer.Stop()
		p.res = result{args: args, code: p.cmd.ProcessState.ExitCode(), took: time.Since(p.started),
			stdout: p.stdout.String(), stderr: p.stderr.String()}
		if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			p.res.signaled = true
		}
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			p.res.stderr += "\n(wait: " + err.Error() + ")"
		}
		if p.timedOut.Load() {
			p.res.signaled = false // not our kill: report it as a failure
			p.res.stderr += fmt.Sprintf("\n(killed by the test after %s)", processTimeout)
		}
		close(p.done)
	}()
	return p
}

// wait waits for the process to end and returns what it did.
func (p *proc) wait() result {
	<-p.done
	return p.res
}

// kill sends SIGKILL and waits. landed says whether the process was still
// running when the signal came.
func (p *proc) kill() (res result, landed bool) {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	res = p.wait()
	return res, res.signaled
}

// run runs dealscout with args to completion.
func (e *env) run(args ...string) result {
	return e.start(args...).wait()
}

// ok runs dealscout and fails the test unless it exits 0.
func (e *env) ok(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	if r.code != exitOK {
		e.t.Fatalf("want exit 0:\n%s", r)
	}
	return r.stdout
}

// lockedBuffer is a bytes.Buffer safe for the exec copier goroutine and the
// test reading it at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// busyMarkers are how SQLite lock contention reaches a user: any of them in
// a process's output means a write failed (or nearly failed) on the lock.
var busyMarkers = []string{"SQLITE_BUSY", "database is locked", "SQLITE_LOCKED", "database table is locked"}

func busyText(s string) (string, bool) {
	for _, m := range busyMarkers {
		if strings.Contains(s, m) {
			return m, true
		}
	}
	return "", false
}

// openRO opens a database file read-only from the test process, after the
// binary's processes are done with it.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("open %s read-only: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// integrity runs PRAGMA integrity_check and returns its rows joined; "ok"
// when the file is sound.
func integrity(ctx context.Context, db *sql.DB) (string, error) {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		out = append(out, s)
	}
	return strings.Join(out, "; "), rows.Err()
}

// foreignKeyProblems counts rows PRAGMA foreign_key_check reports.
func foreignKeyProblems(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// latencies collects durations from several goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// addWriteTimes adds the write-transaction times a dealscout process logged
// at debug level ("write transactions", "ms": [...]) on its stderr.
func (l *latencies) addWriteTimes(stderr string) {
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.Contains(line, `"write transactions"`) {
			continue
		}
		var rec struct {
			Msg string    `json:"msg"`
			MS  []float64 `json:"ms"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Msg != "write transactions" {
			continue
		}
		for _, v := range rec.MS {
			l.add(time.Duration(v * float64(time.Millisecond)))
		}
	}
}

// summary returns the count and the p50, p99 and max, nearest-rank.
func (l *latencies) summary() (n int, p50, p99, worst time.Duration) {
	l.mu.Lock()
	d := slices.Clone(l.d)
	l.mu.Unlock()
	if len(d) == 0 {
		return 0, 0, 0, 0
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(d)))) - 1
		return d[max0(i)]
	}
	return len(d), rank(0.50), rank(0.99), d[len(d)-1]
}

func max0(i int) int {
	if i < 0 {
		return 0
	}
	return i
}

func ms(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }

// watchNames reads `watch list --json`.
func watchNames(t *testing.T, out string) []string {
	t.Helper()
	var ws []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(out), &ws); err != nil {
		t.Fatalf("watch list --json: %v\n%s", err, out)
	}
	names := make([]string, 0, len(ws))
	for _, w := range ws {
		names = append(names, w.Name)
	}
	slices.Sort(names)
	return names
}

// durationEnv reads a duration knob such as DEALSCOUT_E2E_CONTENTION.
func durationEnv(t *testing.T, key string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive duration such as 10s", key, v)
	}
	return d
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n/2] + "\n…\n" + s[len(s)-n/2:]
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
