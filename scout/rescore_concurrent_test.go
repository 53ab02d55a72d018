package scout

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestMarketCacheForConcurrently prices listings from several goroutines at
// once, as a re-score's scorers do, and checks each market against one
// priced alone. Run with -race, it fails if For's memo is not guarded.
func TestMarketCacheForConcurrently(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	models := []string{"oak dining table", "walnut desk", "pine bookshelf", "teak bench", "maple dresser"}
	var comps []Comp
	for i := 0; i < 400; i++ {
		comps = append(comps, Comp{Key: fmt.Sprintf("c\x00%d", i), PriceCents: int64(10000 + i%40*500), Currency: "USD",
			Condition: Conditions[i%len(Conditions)], Title: fmt.Sprintf("%s model %d", models[i%len(models)], i%23),
			SeenAt: now.Add(-time.Duration(i) * time.Minute)})
	}
	var listings []Listing
	for i := 0; i < 600; i++ {
		listings = append(listings, Listing{Source: "c", SourceID: fmt.Sprint(i % 450), // some are comps themselves
			Title: fmt.Sprintf("%s model %d", models[i%len(models)], i%31), PriceCents: 9000, Currency: "USD",
			Condition: Conditions[i%len(Conditions)]})
	}
	want := make([]Market, len(listings))
	alone := NewMarketCache(comps, CompsOptions{}, now)
	for i, l := range listings {
		want[i] = alone.For(l)
	}
	shared := NewMarketCache(comps, CompsOptions{}, now)
	got := make([]Market, len(listings))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			for i := g; i < len(listings); i += 4 {
				got[i] = shared.For(listings[i])
			}
		})
	}
	wg.Wait()
	for i := range listings {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("listing %d (%q): market priced concurrently %+v, alone %+v", i, listings[i].Title, got[i], want[i])
		}
	}
}
