package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// BenchmarkIngestRatios runs, in one process and one iteration, the ceiling
// (a raw prepared upsert of the same 20,000 rows into a fresh database), a
// first poll of them and an unchanged re-poll, and reports each one's CPU
// time (user+system, which a shared machine's load disturbs less than wall
// time) and the ratios issue 13 sets targets for.
//
//	go test -run '^$' -bench IngestRatios -benchtime 1x -count 3 ./store
func BenchmarkIngestRatios(b *testing.B) {
	for b.Loop() {
		rs := benchStore(b)
		raw := cpuOf(b, func() { rawUpsertGen(b, rs, poll20k) })
		s, p, _ := newPoller20k(b)
		var first time.Duration
		peak := peakHeap(func() { first = cpuOf(b, func() { poll20(b, s, p, poll20k) }) })
		again := cpuOf(b, func() { poll20(b, s, p, 0) })
		b.ReportMetric(raw.Seconds()*1000, "raw-cpu-ms")
		b.ReportMetric(first.Seconds()*1000, "poll-cpu-ms")
		b.ReportMetric(again.Seconds()*1000, "repoll-cpu-ms")
		b.ReportMetric(raw.Seconds()/first.Seconds(), "ingest/raw")
		b.ReportMetric(float64(peak)/(1<<20), "poll-peak-heap-MB")
		b.ReportMetric(first.Seconds()/again.Seconds(), "first/repoll")
	}
}

func cpuOf(b *testing.B, fn func()) time.Duration {
	b.Helper()
	var before, after syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &before); err != nil {
		b.Fatal(err)
	}
	fn()
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &after); err != nil {
		b.Fatal(err)
	}
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(after.Utime) - tv(before.Utime) + tv(after.Stime) - tv(before.Stime)
}

// peakHeap runs fn and returns the largest heap object bytes sampled every
// 5 ms while it ran: a stand-in for peak RSS that a benchmark can report.
// runtime/metrics, unlike ReadMemStats, does not stop the world, so the
// sampling does not add to the CPU time measured.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	return <-result
}

// rawUpsertGen is the harness's control-upsert on the rows genSource makes.
func rawUpsertGen(b *testing.B, s *Store, n int) {
	b.Helper()
	ctx := context.Background()
	src := &genSource{n: n}
	res, err := src.Fetch(ctx, scout.Query{})
	if err != nil {
		b.Fatal(err)
	}
	now := ts(testNow)
	err = s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO listings (source, source_id, title, description, price_cents, currency,
			price_known, free, condition, category, posted_at, lat, lng, location_text, url, images, norm_title, first_seen, last_seen)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(source, source_id) DO UPDATE SET title = excluded.title, price_cents = excluded.price_cents, last_seen = excluded.last_seen`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, l := range res.Listings {
			images, _ := json.Marshal(l.Images)
			if _, err := stmt.ExecContext(ctx, l.Source, l.SourceID, l.Title, l.Description, l.PriceCents, l.Currency, 1,
				l.PriceCents == 0, string(l.Condition), l.Category, nullTS(l.PostedAt), nil, nil, l.LocationText, l.URL,
				string(images), normTitle(l.Title), now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
