package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// seedBulk fills a database with n listings, each matched by one watch with
// three price records; every other listing went gone 100 days ago, and one in
// ten is a duplicate of the listing before it. It is a large, realistic
// database for measuring prune and vacuum, written in one transaction.
func seedBulk(tb testing.TB, s *Store, n int) {
	tb.Helper()
	stmts := []string{
		`INSERT INTO watches (id, name, query, created_at, updated_at) VALUES (1, 'bulk', 'chair', ?1, ?1)`,
		`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2)
		 INSERT INTO listings (id, source, source_id, title, description, price_cents, currency, norm_title, url, first_seen, last_seen, gone_at)
		 SELECT i, 'demo', 'id' || i, 'oak dining chair number ' || i, printf('%.400c', 'x'), 1000 + i, 'USD', 'oak dining chair ' || (i % 5000),
		        'https://example.com/' || i, ?3, ?3, CASE WHEN i % 2 = 0 THEN ?3 END FROM k`,
		`UPDATE listings SET duplicate_of = id - 1 WHERE id % 10 = 1 AND id > 1`,
		`INSERT INTO deals (watch_id, listing_id, source_spec, score, components, first_seen, updated_at)
		 SELECT 1, id, 'demo', id % 100, '{}', ?3, ?3 FROM listings`,
		`INSERT INTO price_history (listing_id, price_cents, currency, seen_at)
		 SELECT id, price_cents + j, 'USD', strftime('%Y-%m-%dT%H:%M:%fZ', ?3, '-' || j || ' days')
		 FROM listings, (SELECT 10 AS j UNION ALL SELECT 5 UNION ALL SELECT 0)`,
		`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?2 / 10)
		 INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload, status, next_attempt_at, created_at)
		 SELECT 'k' || i, 1, i * 10, 'phone', 'score', '{}', 'sent', ?3, ?3 FROM k`,
	}
	err := s.write(context.Background(), func(tx *sql.Tx) error {
		for i, q := range stmts {
			start := time.Now()
			if _, err := tx.Exec(q, ts(testNow), n, ago(100*day)); err != nil {
				return err
			}
			tb.Logf("seed step %d: %s", i, time.Since(start).Round(time.Millisecond))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// benchListings is the size of the measured database.
const benchListings = 100_000

var pollerEvery = 20 * time.Millisecond

// BenchmarkPrune prunes 100,000 listings (half gone) with their deals, price
// history and alerts, while a second connection, standing in for a poll,
// writes a row every 20 ms; it reports how long that writer waited at most.
//
//	go test -run '^$' -bench BenchmarkPrune -benchtime 1x ./store/
func BenchmarkPrune(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "bulk.db")
		s, err := Open(ctx, path, Options{Now: func() time.Time { return testNow }})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Migrate(ctx, 0); err != nil {
			b.Fatal(err)
		}
		seedBulk(b, s, benchListings)
		poller, err := Open(ctx, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		var waits []time.Duration
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(pollerEvery):
				}
				start := time.Now()
				err := poller.write(ctx, func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO api_usage (source, day, calls) VALUES ('bench', ?, 1)
						ON CONFLICT (source, day) DO UPDATE SET calls = calls + 1`, ts(time.Now()))
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
				waits = append(waits, time.Since(start))
			}
		})
		_, before, _ := s.fileSpace(ctx)
		b.StartTimer()
		start := time.Now()
		rep, err := s.Prune(ctx, 90*day, false)
		elapsed := time.Since(start)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Listings != benchListings/2 {
			b.Fatalf("pruned %d listings, want %d", rep.Listings, benchListings/2)
		}
		slices.Sort(waits)
		if len(waits) > 0 {
			b.ReportMetric(float64(waits[len(waits)-1].Microseconds())/1000, "max_writer_wait_ms")
			b.ReportMetric(float64(waits[len(waits)*99/100].Microseconds())/1000, "p99_writer_wait_ms")
		}
		b.ReportMetric(float64(elapsed.Milliseconds()), "prune_ms")
		b.ReportMetric(float64(rep.Batches), "batches")
		b.ReportMetric(rep.LongestBatchMillis, "longest_batch_ms")
		file, free, _ := s.fileSpace(ctx)
		vstart := time.Now()
		_, after, err := s.Vacuum(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(vstart).Milliseconds()), "vacuum_ms")
		b.ReportMetric(float64(before)/1e6, "free_MB_before")
		b.ReportMetric(float64(file)/1e6, "file_MB")
		b.ReportMetric(float64(free)/1e6, "free_MB_after_prune")
		b.ReportMetric(float64(after)/1e6, "file_MB_after_vacuum")
		_ = poller.Close()
		_ = s.Close()
	}
}

// BenchmarkDeleteWithForeignKeysOn is what Prune avoids: deleting 100 of
// 100,000 listings on a connection that enforces foreign keys, where SQLite
// scans listings (duplicate_of) and notifications (listing_id) once per
// deleted listing.
func BenchmarkDeleteWithForeignKeysOn(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "bulk.db"), Options{Now: func() time.Time { return testNow }})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Migrate(ctx, 0); err != nil {
			b.Fatal(err)
		}
		seedBulk(b, s, benchListings)
		b.StartTimer()
		start := time.Now()
		err = s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`DELETE FROM listings WHERE id IN (SELECT id FROM listings WHERE gone_at IS NOT NULL ORDER BY id LIMIT 100)`)
			return err
		})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms_per_100_listings")
		_ = s.Close()
	}
}
