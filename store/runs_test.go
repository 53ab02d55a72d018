package store

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Item 25 of issue 12: a run left "running" by a killed poll is marked
// aborted by the next poll to start (callers hold the poll lock, so no other
// run can still be going); finished runs keep their status.
func TestStartRunAbortsRunsLeftRunning(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	killed, err := s.StartRun(ctx, testNow)
	if err != nil {
		t.Fatal(err)
	}
	done, err := s.StartRun(ctx, testNow.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, scout.RunReport{RunID: done, StartedAt: testNow.Add(time.Minute), FinishedAt: testNow.Add(2 * time.Minute), Status: scout.StatusOK}); err != nil {
		t.Fatal(err)
	}
	next, err := s.StartRun(ctx, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	status := func(id int64) (string, bool) {
		var st string
		var fin *string
		if err := s.db.QueryRowContext(ctx, `SELECT status, finished_at FROM poll_runs WHERE id = ?`, id).Scan(&st, &fin); err != nil {
			t.Fatal(err)
		}
		return st, fin != nil
	}
	for _, c := range []struct {
		id       int64
		want     string
		finished bool
	}{{killed, "aborted", true}, {done, "ok", true}, {next, "running", false}} {
		if st, fin := status(c.id); st != c.want || fin != c.finished {
			t.Errorf("run %d: status %q finished %v, want %q finished %v", c.id, st, fin, c.want, c.finished)
		}
	}
}

// Item 23: migration 00007 replaces stored feed specs and URLs carrying
// credentials or a query by their masked ids, keeps listings, deals and
// source state joined up, and its down restores the keys from the watches.
func TestMigration00007MasksStoredFeedSpecs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"), Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx, 6); err != nil {
		t.Fatal(err)
	}
	const feedURL = "https://u:PASSWORD@feeds.example.com/rss?apikey=SECRETKEY&q=couch"
	raw := "feed:" + feedURL
	spec, _ := scout.ParseSourceSpec(raw)
	old := url2Redacted(feedURL)
	for _, q := range []string{
		`INSERT INTO watches (id, name, query, sources, created_at, updated_at) VALUES (1, 'couches', 'couch', '["` + raw + `"]', '2026-01-01', '2026-01-01')`,
		`INSERT INTO listings (id, source, source_id, title, price_cents, currency, first_seen, last_seen) VALUES (1, '` + raw + `', 'a', 'Couch', 100, 'USD', '2026-01-01', '2026-01-01')`,
		`INSERT INTO deals (watch_id, listing_id, source_spec, score, components, first_seen, updated_at) VALUES (1, 1, '` + raw + `', 50, '{}', '2026-01-01', '2026-01-01')`,
		`INSERT INTO source_state (watch_id, spec, last_error) VALUES (1, '` + raw + `', '` + raw + `: feed: fetch ` + old + `: Get "` + feedURL + `": EOF')`,
		`INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload, next_attempt_at, created_at)
			VALUES ('w1|` + raw + `|a|hook|score', 1, 1, 'hook', 'score', '{"Deals":[{"Source":"` + strings.ReplaceAll(raw, "&", `\u0026`) + `"}]}', '2026-01-01', '2026-01-01')`,
		`INSERT INTO poll_runs (started_at, status, report) VALUES ('2026-01-01', 'failed', '{"errors":["` + strings.ReplaceAll(raw, "&", `\u0026`) + `: boom"]}')`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
	if _, err := s.Migrate(ctx, 7); err != nil {
		t.Fatalf("migrate to 7: %v", err)
	}
	dump := func() string {
		var b strings.Builder
		for _, q := range []string{`SELECT source FROM listings`, `SELECT source_spec FROM deals`, `SELECT spec || ' ' || last_error FROM source_state`,
			`SELECT dedupe_key || ' ' || payload FROM notifications`, `SELECT report FROM poll_runs`} {
			var v string
			if err := s.db.QueryRowContext(ctx, q).Scan(&v); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			b.WriteString(v + "\n")
		}
		return b.String()
	}
	after := dump()
	for _, secret := range []string{"PASSWORD", "SECRETKEY", "couch\"", "q=couch"} {
		if strings.Contains(after, secret) {
			t.Errorf("after 00007 %q is still stored:\n%s", secret, after)
		}
	}
	if n := queryInt(t, s, `SELECT count(*) FROM listings WHERE source = ?`, spec.ID()); n != 1 {
		t.Errorf("listings keyed by the id %q: %d, want 1\n%s", spec.ID(), n, after)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM source_state WHERE spec = ?`, spec.ID()); n != 1 {
		t.Errorf("source_state keyed by the id: %d, want 1", n)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE poll_runs SET status = 'aborted'`); err != nil {
		t.Errorf("status 'aborted' refused after 00007: %v", err)
	}
	if _, err := s.MigrateDown(ctx, 6); err != nil {
		t.Fatalf("down to 6: %v", err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM listings WHERE source = ?`, raw); n != 1 {
		t.Errorf("after down, listings keyed by the watch's spec: %d, want 1", n)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM poll_runs WHERE status = 'failed'`); n != 1 {
		t.Errorf("after down, the aborted run is not 'failed'")
	}
}

func url2Redacted(raw string) string {
	u, _ := url.Parse(raw)
	return u.Redacted()
}

// TestStartRunAbortsOnlyTheRunsLeftRunning: after many finished runs (cron
// adds one a minute), the runs a killed poll left running, the newest rows,
// are aborted, however many there are; finished and aborted runs keep their
// status, and the new run is running.
func TestStartRunAbortsOnlyTheRunsLeftRunning(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
		INSERT INTO poll_runs (started_at, finished_at, status) SELECT ?, ?, 'ok' FROM n`, ts(testNow), ts(testNow)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO poll_runs (started_at, finished_at, status) VALUES (?, ?, 'aborted'), (?, NULL, 'running'), (?, NULL, 'running')`,
		ts(testNow), ts(testNow), ts(testNow), ts(testNow)); err != nil {
		t.Fatal(err)
	}
	next, err := s.StartRun(ctx, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	rows, err := s.db.QueryContext(ctx, `SELECT status, count(*) FROM poll_runs WHERE id != ? GROUP BY status`, next)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		counts[st] = n
	}
	if want := map[string]int{"ok": 500, "aborted": 3}; counts["ok"] != want["ok"] || counts["aborted"] != want["aborted"] || len(counts) != 2 {
		t.Errorf("runs before the new one by status = %v, want %v", counts, want)
	}
	var st string
	if err := s.db.QueryRowContext(ctx, `SELECT status FROM poll_runs WHERE id = ?`, next).Scan(&st); err != nil || st != "running" {
		t.Errorf("the new run: status %q (%v), want running", st, err)
	}
}

// BenchmarkStartRunAfter130kRuns: a poll's StartRun with 90 days of
// per-minute runs stored; it must not read them all.
func BenchmarkStartRunAfter130kRuns(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "runs.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx, 0); err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 130000)
		INSERT INTO poll_runs (started_at, finished_at, status, report) SELECT ?, ?, 'ok', '{"status":"ok","watches":[]}' FROM n`,
		ts(testNow), ts(testNow)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		id, err := s.StartRun(ctx, testNow)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.FinishRun(ctx, scout.RunReport{RunID: id, StartedAt: testNow, FinishedAt: testNow, Status: scout.StatusOK}); err != nil {
			b.Fatal(err)
		}
	}
}
