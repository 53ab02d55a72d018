package store

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// The harness's (bench/) ingest measure in-process, for pprof: one poll of
// 20,000 new listings of one watch, and an unchanged re-poll of them.
//
//	go test -run '^$' -bench 'Poll20k' -benchtime 1x -cpuprofile cpu.out ./store
//	go tool pprof -top -nodecount 30 store.test cpu.out

const poll20k = 20_000

func newPoller20k(b *testing.B) (*Store, *scout.Poller, *genSource) {
	b.Helper()
	s := benchStore(b)
	w := scout.NewWatch("bench")
	w.Query, w.Sources = "table", []string{"demo"}
	if err := s.CreateWatch(context.Background(), &w); err != nil {
		b.Fatal(err)
	}
	src := &genSource{n: poll20k}
	p := &scout.Poller{Store: s, Sources: map[string]scout.Source{"demo": src}, Now: func() time.Time { return testNow },
		Log: slog.New(slog.DiscardHandler), Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
	return s, p, src
}

func poll20(b *testing.B, s *Store, p *scout.Poller, wantNew int) {
	b.Helper()
	ctx := context.Background()
	ws, err := s.Watches(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rep := p.Run(ctx, ws)
	if rep.Status != scout.StatusOK || rep.Watches[0].New != wantNew || rep.Watches[0].Fetched != poll20k {
		b.Fatalf("poll: status %s, fetched %d, new %d (want %d), errors %v", rep.Status, rep.Watches[0].Fetched, rep.Watches[0].New, wantNew, rep.Watches[0].Errors)
	}
}

// BenchmarkPoll20kNew polls 20,000 new listings per iteration.
func BenchmarkPoll20kNew(b *testing.B) {
	s, p, src := newPoller20k(b)
	i := 0
	for b.Loop() {
		src.offset = i * poll20k
		i++
		poll20(b, s, p, poll20k)
	}
	b.ReportMetric(float64(i*poll20k)/b.Elapsed().Seconds(), "listings/s")
}

// BenchmarkPoll20kUnchanged re-polls the same 20,000 listings.
func BenchmarkPoll20kUnchanged(b *testing.B) {
	s, p, _ := newPoller20k(b)
	poll20(b, s, p, poll20k)
	i := 0
	for b.Loop() {
		i++
		poll20(b, s, p, 0)
	}
	b.ReportMetric(float64(i*poll20k)/b.Elapsed().Seconds(), "listings/s")
}

// distinctSource is genSource with titles as varied as real ones: nearly
// every listing its own title (the harness's data), so the market search
// runs once per listing instead of once per 97 listings.
type distinctSource struct{ n, offset int }

func (g *distinctSource) Fetch(ctx context.Context, q scout.Query) (scout.FetchResult, error) {
	res, err := (&genSource{n: g.n, offset: g.offset}).Fetch(ctx, q)
	woods := []string{"Oak", "Walnut", "Pine", "Teak", "Maple", "Cherry", "Birch", "Glass", "Marble", "Steel"}
	kinds := []string{"dining table", "coffee table", "side table", "console table", "desk table", "kitchen table"}
	extras := []string{"", "with 4 chairs", "extendable", "mid-century", "farmhouse", "round", "6ft", "like new"}
	for i := range res.Listings {
		id := g.offset + i
		res.Listings[i].Title = fmt.Sprintf("%s %s %s T%03d", woods[id%len(woods)], kinds[id/7%len(kinds)], extras[id/3%len(extras)], id%997)
	}
	return res, err
}

// BenchmarkPoll20kNewDistinct polls 20,000 new listings with distinct titles.
func BenchmarkPoll20kNewDistinct(b *testing.B) {
	s, p, _ := newPoller20k(b)
	src := &distinctSource{n: poll20k}
	p.Sources["demo"] = src
	i := 0
	for b.Loop() {
		src.offset = i * poll20k
		i++
		poll20(b, s, p, poll20k)
	}
	b.ReportMetric(float64(i*poll20k)/b.Elapsed().Seconds(), "listings/s")
}
