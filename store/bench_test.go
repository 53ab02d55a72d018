package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// BenchmarkRawUpsert is the ceiling: one prepared upsert statement in one
// transaction, nothing else. Compare BenchmarkPollIngest against it.
func BenchmarkRawUpsert(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	err := s.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO listings (source, source_id, title, price_cents, currency, first_seen, last_seen)
			VALUES (?,?,?,?,?,?,?) ON CONFLICT(source, source_id) DO UPDATE SET price_cents = excluded.price_cents, last_seen = excluded.last_seen`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := ts(testNow)
		for i := 0; i < b.N; i++ {
			if _, err := stmt.ExecContext(ctx, "bench", fmt.Sprint(i), "Oak dining table", 10000+i%500, "USD", now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPollIngest measures the whole poll pipeline from a local source
// into the database: normalise, filter, comps, score, alert rules, and the
// one-transaction write of listings, price history and deals.
func BenchmarkPollIngest(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	w := scout.NewWatch("bench")
	w.Query, w.Sources = "table", []string{"demo"}
	if err := s.CreateWatch(ctx, &w); err != nil {
		b.Fatal(err)
	}
	const perPoll = 1000
	src := &genSource{n: perPoll}
	p := &scout.Poller{Store: s, Sources: map[string]scout.Source{"demo": src}, Now: func() time.Time { return testNow },
		Log: slog.New(slog.DiscardHandler), Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src.offset = i * perPoll // every poll brings perPoll new listings
		ws, _ := s.Watches(ctx)
		rep := p.Run(ctx, ws)
		if rep.Status != scout.StatusOK || rep.Watches[0].New != perPoll {
			b.Fatalf("poll %d: status %s, new %d, errors %v", i, rep.Status, rep.Watches[0].New, rep.Watches[0].Errors)
		}
	}
	b.ReportMetric(float64(b.N*perPoll)/b.Elapsed().Seconds(), "listings/s")
}

type genSource struct{ n, offset int }

func (g *genSource) Fetch(_ context.Context, _ scout.Query) (scout.FetchResult, error) {
	ls := make([]scout.Listing, g.n)
	for i := range ls {
		id := g.offset + i
		ls[i] = scout.Listing{Source: "demo", SourceID: fmt.Sprint(id), Title: fmt.Sprintf("Oak dining table %d", id%97),
			PriceCents: int64(10000 + id%300*100), PriceKnown: true, Currency: "USD", Condition: scout.CondGood,
			PostedAt: testNow.Add(-time.Duration(id%72) * time.Hour), Images: []string{"https://example.com/a.jpg"}, ShippingCents: -1}
	}
	return scout.FetchResult{Listings: ls, Complete: false}, nil
}

func benchStore(b testing.TB) *Store {
	b.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"), Options{Now: func() time.Time { return testNow }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx, 0); err != nil {
		b.Fatal(err)
	}
	return s
}
