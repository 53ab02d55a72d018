package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/file"
)

// The harness's (bench/) file: polls in-process, with its data: titles from
// a few hundred products in ~32,000 spellings, descriptions, photos,
// coordinates, one watch for "table". For pprof:
//
//	go test -run '^$' -bench 'PollFile' -benchtime 1x -cpuprofile cpu.out ./store
//	go test -run '^$' -bench 'PollFile100k' -benchtime 1x -memprofile mem.out ./store

// writeHarnessJSONL writes n listings from id first on as bench/gen.go
// does; with every > 0 the price of one in every `every` is down 15 %.
func writeHarnessJSONL(tb testing.TB, path string, first, n, every int) {
	tb.Helper()
	woods := []string{"oak", "walnut", "pine", "teak", "maple", "cherry", "birch", "glass", "marble", "steel"}
	kinds := []string{"dining table", "coffee table", "side table", "console table", "desk table", "kitchen table", "patio table", "drafting table"}
	extras := []string{"", "with 4 chairs", "extendable", "mid-century", "farmhouse", "round", "6ft", "like new", "IKEA", "solid wood"}
	conds := []string{"new", "excellent", "great", "good", "good", "fair", "poor"}
	basePrice := []int64{9000, 12000, 15000, 20000, 25000, 30000, 40000, 60000}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	for i := range n {
		id := first + i
		r := rand.New(rand.NewPCG(uint64(id), 13)) // #nosec G115 G404 -- benchmark data, deterministic on purpose
		kind := r.IntN(len(kinds))
		model := r.IntN(40)
		wood := woods[r.IntN(len(woods))]
		title := strings.TrimSpace(fmt.Sprintf("%s %s %s", strings.ToUpper(wood[:1])+wood[1:], kinds[kind], extras[r.IntN(len(extras))])) +
			fmt.Sprintf(" T%02d", model)
		cents := basePrice[kind] * int64(40+r.IntN(90)) / 100 / 100 * 100
		if every > 0 && i%every == 0 {
			cents = max(100, cents*85/100/100*100)
		}
		cond := conds[r.IntN(len(conds))]
		posted := testNow.Add(-time.Duration(r.IntN(72*60)) * time.Minute)
		lat, lng := 37.70+r.Float64()*0.12, -122.50+r.Float64()*0.12
		imgs := make([]string, 1+r.IntN(3))
		for k := range imgs {
			imgs[k] = fmt.Sprintf("https://img.example.com/bench/%d/%d.jpg", id, k)
		}
		rec := map[string]any{"source": "bench", "source_id": "b" + strconv.Itoa(id), "title": title,
			"description": "Solid and sturdy, a few marks from use. Pick up in the Mission or Noe Valley; cash or Venmo.",
			"price_cents": cents, "currency": "USD", "condition": cond, "category": "furniture",
			"posted_at": posted.Format(time.RFC3339), "lat": lat, "lng": lng, "location_text": "San Francisco, CA",
			"url": fmt.Sprintf("https://example.com/listing/%d", id), "images": imgs}
		if err := enc.Encode(rec); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// newFilePoller is a store with one watch for "table" polling path.
func newFilePoller(b *testing.B, path string) (*Store, *scout.Poller) {
	return newFilePollerT(b, path)
}

func newFilePollerT(b testing.TB, path string) (*Store, *scout.Poller) {
	b.Helper()
	s := benchStore(b)
	w := scout.NewWatch("bench")
	w.Query, w.Sources = "table", []string{"file:" + path}
	if err := s.CreateWatch(context.Background(), &w); err != nil {
		b.Fatal(err)
	}
	p := &scout.Poller{Store: s, Sources: map[string]scout.Source{scout.KindFile: file.New(file.Config{})},
		Now: func() time.Time { return testNow }, Log: slog.New(slog.DiscardHandler), Weights: scout.DefaultWeights(),
		Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
	return s, p
}

func pollFile(b *testing.B, s *Store, p *scout.Poller, n, wantNew int) {
	pollFileT(b, s, p, n, wantNew)
}

func pollFileT(b testing.TB, s *Store, p *scout.Poller, n, wantNew int) {
	b.Helper()
	ctx := context.Background()
	ws, err := s.Watches(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rep := p.Run(ctx, ws)
	if rep.Status != scout.StatusOK || rep.Watches[0].New != wantNew || rep.Watches[0].Fetched != n {
		b.Fatalf("poll: status %s, fetched %d, new %d (want %d), errors %v", rep.Status, rep.Watches[0].Fetched, rep.Watches[0].New, wantNew, rep.Watches[0].Errors)
	}
}

// BenchmarkPollFile20k is the harness's ingest group for file: in one
// process: a first poll of 20,000 new listings, an unchanged re-poll and a
// re-poll with one price in ten changed, each one's CPU time, and the
// ratios issue 13 sets targets for (the raw upsert of the same rows is
// BenchmarkIngestRatios's raw-cpu-ms).
func BenchmarkPollFile20k(b *testing.B) {
	const n = 20_000
	dir := b.TempDir()
	same, tenth := filepath.Join(dir, "same.jsonl"), filepath.Join(dir, "tenth.jsonl")
	writeHarnessJSONL(b, same, 0, n, 0)
	writeHarnessJSONL(b, tenth, 0, n, 10)
	data := filepath.Join(dir, "listings.jsonl")
	for b.Loop() {
		link := func(src string) {
			_ = os.Remove(data)
			if err := os.Link(src, data); err != nil {
				b.Fatal(err)
			}
		}
		link(same)
		s, p := newFilePoller(b, data)
		var first time.Duration
		peak := peakHeap(func() { first = cpuOf(b, func() { pollFile(b, s, p, n, n) }) })
		again := cpuOf(b, func() { pollFile(b, s, p, n, 0) })
		link(tenth)
		changed := cpuOf(b, func() { pollFile(b, s, p, n, 0) })
		b.ReportMetric(first.Seconds()*1000, "poll-cpu-ms")
		b.ReportMetric(again.Seconds()*1000, "repoll-cpu-ms")
		b.ReportMetric(changed.Seconds()*1000, "tenth-cpu-ms")
		b.ReportMetric(first.Seconds()/again.Seconds(), "first/repoll")
		b.ReportMetric(float64(peak)/(1<<20), "poll-peak-heap-MB")
	}
}

// BenchmarkPollFile100k is the harness's memory group in one process: a
// first poll of 100,000 new listings, and a re-poll with every price
// changed, with the peak heap of each.
func BenchmarkPollFile100k(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	first, all := filepath.Join(dir, "first.jsonl"), filepath.Join(dir, "all.jsonl")
	writeHarnessJSONL(b, first, 0, n, 0)
	writeHarnessJSONL(b, all, 0, n, 1)
	data := filepath.Join(dir, "listings.jsonl")
	for b.Loop() {
		_ = os.Remove(data)
		if err := os.Link(first, data); err != nil {
			b.Fatal(err)
		}
		s, p := newFilePoller(b, data)
		var t1, t2 time.Duration
		peak1 := peakHeap(func() { t1 = cpuOf(b, func() { pollFile(b, s, p, n, n) }) })
		_ = os.Remove(data)
		if err := os.Link(all, data); err != nil {
			b.Fatal(err)
		}
		peak2 := peakHeap(func() { t2 = cpuOf(b, func() { pollFile(b, s, p, n, 0) }) })
		b.ReportMetric(t1.Seconds()*1000, "poll-cpu-ms")
		b.ReportMetric(t2.Seconds()*1000, "repriced-cpu-ms")
		b.ReportMetric(float64(peak1)/(1<<20), "poll-peak-heap-MB")
		b.ReportMetric(float64(peak2)/(1<<20), "repriced-peak-heap-MB")
	}
}

// pollFileN is one first poll of n new harness listings, for the growth
// ratio (BenchmarkPollFileGrowth).
func pollFileN(b *testing.B, n int) (time.Duration, uint64) {
	b.Helper()
	dir := b.TempDir()
	data := filepath.Join(dir, "listings.jsonl")
	writeHarnessJSONL(b, data, 0, n, 0)
	s, p := newFilePoller(b, data)
	var t time.Duration
	peak := peakHeap(func() { t = cpuOf(b, func() { pollFile(b, s, p, n, n) }) })
	return t, peak
}

// BenchmarkPollFileGrowth reports what 10× the listings costs in CPU time
// and in peak heap (targets ≤ 11× and ≤ 2×).
func BenchmarkPollFileGrowth(b *testing.B) {
	for b.Loop() {
		t1, m1 := pollFileN(b, 10_000)
		t2, m2 := pollFileN(b, 100_000)
		b.ReportMetric(t2.Seconds()/t1.Seconds(), "time-x")
		b.ReportMetric(float64(m2)/float64(m1), "heap-x")
		b.ReportMetric(float64(m1)/(1<<20), "10k-peak-heap-MB")
		b.ReportMetric(float64(m2)/(1<<20), "100k-peak-heap-MB")
	}
}
