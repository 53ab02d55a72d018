package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// quickWrite is how long a CLI write may take while a poll waits on the
// network: far below busy_timeout, so a write lock held across a fetch or a
// delivery shows.
const quickWrite = 2 * time.Second

// TestContention runs polls, CLI writes and backups as separate processes on
// one database at once for 30 s (DEALSCOUT_E2E_CONTENTION) and requires that
// none of them ever fails on the SQLite lock; then, with a poll stuck on a
// stalled feed and another stuck on a stalled webhook, that other processes'
// writes still finish at once — no network inside a transaction.
func TestContention(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for 30 s; skipped with -short")
	}
	dur := durationEnv(t, "DEALSCOUT_E2E_CONTENTION", 30*time.Second)
	// Debug logs carry each process's write-transaction times.
	e := newEnv(t, "DEALSCOUT_LOG_LEVEL=debug")
	m, _ := newMarket(t, 7)
	m.addShelf("feed", "desks", "desk", "D", 400)
	m.addShelf("file", "sofas", "sofa", "S", 600)
	m.addShelf("file", "lamps", "lamp", "L", 600)
	m.writeFiles(t)
	hk := newHook(t)
	e.ok("channel", "add", "a", "webhook+"+hk.URL+"/a")
	for _, w := range [][2]string{{"desks", "desk"}, {"sofas", "sofa"}, {"lamps", "lamp"}} {
		e.ok("watch", "add", w[0], "--query", w[1], "--source", m.source(w[0]), "--notify", "a", "--digest", "off")
	}
	e.ok("poll", "--all") // the backfill, alone

	var (
		mu       sync.Mutex
		failures []string
		counts   = map[string]int{}
	)
	var txs latencies // write transactions, as the processes timed them
	check := func(kind string, r result, allowed ...int) {
		txs.addWriteTimes(r.stderr)
		mu.Lock()
		defer mu.Unlock()
		counts[kind]++
		if r.code == exitLocked {
			counts[kind+" exit 75"]++
		}
		if mk, busy := busyText(r.stderr + r.stdout); busy {
			failures = append(failures, fmt.Sprintf("%s said %q:\n%s", kind, mk, r))
			return
		}
		for _, c := range allowed {
			if r.code == c {
				return
			}
		}
		failures = append(failures, fmt.Sprintf("%s failed:\n%s", kind, r))
	}
	var writes, backups, polls latencies
	ctx, cancel := context.WithTimeout(t.Context(), dur)
	defer cancel()
	var wg sync.WaitGroup
	// Two poll loops: one moves the market on before each poll so every poll
	// writes; the other races it for the poll lock (exit 75 is documented).
	for loop := 0; loop < 2; loop++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if loop == 0 {
					m.advance(5)
					if err := m.write(); err != nil {
						check("market", result{code: -1, stderr: err.Error()})
						return
					}
				}
				r := e.run("poll", "--all")
				check("poll", r, exitOK, exitLocked)
				if r.code == exitLocked {
					time.Sleep(50 * time.Millisecond) // as cron would, rather than spin
					continue
				}
				polls.add(r.took)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			ch := fmt.Sprintf("tmp%d", i)
			for _, args := range [][]string{
				{"watch", "edit", "sofas", "--min-score", fmt.Sprint(60 + i%30)},
				{"channel", "add", ch, "webhook+" + hk.URL + "/" + ch},
				{"watch", "edit", "desks", "--min-score", fmt.Sprint(70 + i%20)},
				{"channel", "rm", ch},
			} {
				r := e.run(args...)
				writes.add(r.took)
				check(args[0]+" "+args[1], r, exitOK)
			}
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			r := e.run("backup", filepath.Join(e.dir, fmt.Sprintf("backup-%d.db", i%3)))
			backups.add(r.took)
			check("backup", r, exitOK)
		}
	}()
	wg.Wait()
	for _, f := range first(failures, 5) {
		t.Error(f)
	}
	if len(failures) > 5 {
		t.Errorf("… and %d more failures", len(failures)-5)
	}
	n, p50, p99, worst := txs.summary()
	t.Logf("%s of contention: %d write transactions in all processes p50 %s p99 %s max %s", dur, n, ms(p50), ms(p99), ms(worst))
	if n == 0 {
		t.Error("no process reported its write transactions (the debug log \"write transactions\")")
	}
	n, p50, p99, worst = writes.summary()
	t.Logf("  %d CLI write commands (whole processes) p50 %s p99 %s max %s", n, ms(p50), ms(p99), ms(worst))
	n, p50, p99, worst = backups.summary()
	t.Logf("  %d backups p50 %s p99 %s max %s", n, ms(p50), ms(p99), ms(worst))
	n, p50, p99, worst = polls.summary()
	t.Logf("  %d polls ran (%d more exited 75 at once, the other poll holding the lock) p50 %s p99 %s max %s", n, counts["poll exit 75"], ms(p50), ms(p99), ms(worst))
	if counts["poll"]-counts["poll exit 75"] < 2 || counts["backup"] < 2 || counts["watch edit"] < 4 {
		t.Fatalf("too little ran to say anything: %v", counts)
	}

	t.Run("stalled feed", func(t *testing.T) {
		// The feed answers when released, or after the contention time but
		// never sooner than 12 s: longer than busy_timeout (10 s), so a
		// write lock held across the fetch makes writes fail or crawl.
		stall := newStallServer(t, max(dur, 12*time.Second))
		e.ok("watch", "add", "stalled", "--query", "desk", "--source", "feed:"+stall.URL+"/stalled.rss", "--digest", "off")
		writesDuringStall(t, e, stall.arrived, stall.release, []string{"poll", "--watch", "stalled"})
	})
	t.Run("stalled webhook", func(t *testing.T) {
		slow := newHook(t)
		release := slow.stallAll()
		t.Cleanup(release) // first: Close waits for the stalled handler
		file := filepath.Join(e.dir, "free.jsonl")
		writeFile(t, file, `{"source":"fake-free","source_id":"f1","title":"FREE lamp, curb alert","price_cents":0,"currency":"USD","condition":"good","url":"https://example.com/free/1"}`+"\n")
		e.ok("channel", "add", "slow", "webhook+"+slow.URL+"/slow")
		e.ok("watch", "add", "stallhook", "--query", "lamp", "--source", "file:"+file, "--notify", "slow", "--digest", "off")
		writesDuringStall(t, e, slow.arrived, release, []string{"poll", "--watch", "stallhook", "--alert-backfill"})
		if slow.count() != 1 {
			t.Errorf("the stalled webhook got %d alerts once released, want 1", slow.count())
		}
	})
}

// writesDuringStall starts a poll that gets stuck on the network, and while
// it is stuck requires CLI writes and a backup to finish within quickWrite
// and a second poll to exit 75 at once. Then it releases the stall and the
// poll must finish with 0.
func writesDuringStall(t *testing.T, e *env, arrived <-chan struct{}, release func(), pollArgs []string) {
	t.Helper()
	p := e.start(pollArgs...)
	select {
	case <-arrived:
	case <-p.done:
		t.Fatalf("the poll ended before it reached the stalled server:\n%s", p.res)
	case <-time.After(15 * time.Second):
		release()
		t.Fatalf("the poll never reached the stalled server:\n%s", p.wait())
	}
	for _, args := range [][]string{
		{"watch", "edit", "sofas", "--min-score", "66"},
		{"watch", "edit", pollArgs[2], "--min-score", "67"},
		{"channel", "add", "during-stall", "webhook+https://example.com/x"},
		{"channel", "rm", "during-stall"},
		{"backup", filepath.Join(e.dir, "during-stall.db")},
		{"poll", "--all"},
	} {
		r := e.run(args...)
		want := exitOK
		if args[0] == "poll" {
			want = exitLocked
		}
		switch {
		case r.code != want:
			t.Errorf("while a poll is stuck on the network, want exit %d:\n%s", want, r)
		case r.took > quickWrite:
			t.Errorf("while a poll is stuck on the network, %q took %s, want < %s: something holds the write lock across network I/O",
				strings.Join(args, " "), ms(r.took), quickWrite)
		default:
			t.Logf("while a poll is stuck on the network, %q took %s", strings.Join(args, " "), ms(r.took))
		}
	}
	select {
	case <-p.done:
		t.Fatalf("the stalled poll ended before it was released, so the writes above did not overlap it:\n%s", p.res)
	default:
	}
	release()
	if r := p.wait(); r.code != exitOK {
		t.Errorf("the stalled poll, once released:\n%s", r)
	}
}

// stallServer is a feed that answers only when released (or after max).
type stallServer struct {
	*httptest.Server
	arrived chan struct{}
	release func()
}

func newStallServer(t *testing.T, most time.Duration) *stallServer {
	t.Helper()
	gate := make(chan struct{})
	s := &stallServer{arrived: make(chan struct{}, 1), release: sync.OnceFunc(func() { close(gate) })}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.arrived <- struct{}{}:
		default:
		}
		select {
		case <-gate:
		case <-time.After(most):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>s</title><link>https://example.com/</link><description>d</description>` +
			`<item><title>Slow desk - $40</title><link>https://example.com/slow/1</link><guid>slow-1</guid></item></channel></rss>`))
	}))
	t.Cleanup(s.Close)
	t.Cleanup(s.release) // first: Close waits for the stalled handler
	return s
}
