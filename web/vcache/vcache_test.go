package vcache

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dealscout/dealscout/store"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "cache.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	return st
}

func newCache(t *testing.T, st *store.Store, max int) *Cache {
	t.Helper()
	v := st.Versions()
	t.Cleanup(func() { _ = v.Close() })
	return New(v, max)
}

// counter is a fill that counts its calls and returns the count.
type counter struct{ n atomic.Int64 }

func (c *counter) fill(context.Context) (int64, error) { return c.n.Add(1), nil }

func get(t *testing.T, ctx context.Context, c *Cache, key string, fill func(context.Context) (int64, error)) int64 {
	t.Helper()
	got, err := Get(ctx, c, key, fill)
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	return got
}

// A value is filled once and kept while the database is unchanged; any
// commit makes the next lookup fill it again.
func TestGetKeepsUntilACommit(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	c := newCache(t, st, 10)
	ctx := context.Background()
	var n counter
	if a, b := get(t, ctx, c, "k", n.fill), get(t, ctx, c, "k", n.fill); a != 1 || b != 1 {
		t.Errorf("two lookups at one version filled %d times (got %d then %d), want once", n.n.Load(), a, b)
	}
	if _, _, err := st.CreateToken(ctx, "after"); err != nil {
		t.Fatal(err)
	}
	if got := get(t, ctx, c, "k", n.fill); got != 2 {
		t.Errorf("after a commit the lookup returned fill %d, want a fresh fill (2)", got)
	}
	if got := get(t, ctx, c, "other", n.fill); got != 3 {
		t.Errorf("another key returned fill %d, want its own fill (3)", got)
	}
}

// A failed fill is returned and not kept; a nil cache fills every time.
func TestGetKeepsNoErrorAndNilCacheKeepsNothing(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	c := newCache(t, st, 10)
	ctx := context.Background()
	boom := errors.New("boom")
	if _, err := Get(ctx, c, "k", func(context.Context) (int64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("failed fill returned %v, want its error", err)
	}
	var n counter
	if got := get(t, ctx, c, "k", n.fill); got != 1 {
		t.Errorf("after a failed fill the lookup returned %d, want a fresh fill (1)", got)
	}
	var none *Cache
	get(t, ctx, none, "k", n.fill)
	if got := get(t, ctx, none, "k", n.fill); got != 3 {
		t.Errorf("nil cache returned fill %d, want every lookup to fill (3)", got)
	}
}

// Past max values the cache starts afresh, so query strings cannot grow it.
func TestGetIsBounded(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	c := newCache(t, st, 2)
	ctx := context.Background()
	var n counter
	get(t, ctx, c, "a", n.fill)
	get(t, ctx, c, "b", n.fill)
	get(t, ctx, c, "c", n.fill)
	if len(c.m) > 2 {
		t.Errorf("cache holds %d values, want at most 2", len(c.m))
	}
	if got := get(t, ctx, c, "a", n.fill); got != 4 {
		t.Errorf("a dropped value returned fill %d, want a fresh fill (4)", got)
	}
}

// Within one request (ForRequest) every lookup uses the version of its first
// one; a new request sees a commit made meanwhile.
func TestForRequestReadsTheVersionOnce(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	c := newCache(t, st, 10)
	req := ForRequest(context.Background())
	var n counter
	get(t, req, c, "k", n.fill)
	if _, _, err := st.CreateToken(context.Background(), "meanwhile"); err != nil {
		t.Fatal(err)
	}
	if got := get(t, req, c, "k", n.fill); got != 1 {
		t.Errorf("the same request refilled (%d) after a commit it did not see, want its first value", got)
	}
	if got := get(t, ForRequest(context.Background()), c, "k", n.fill); got != 2 {
		t.Errorf("a new request returned fill %d, want a fresh fill (2)", got)
	}
}

// Requests that miss the same key at once wait for one fill.
func TestConcurrentMissesShareOneFill(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	c := newCache(t, st, 10)
	ctx := context.Background()
	release := make(chan struct{})
	var fills atomic.Int64
	slow := func(context.Context) (int64, error) {
		fills.Add(1)
		<-release
		return 7, nil
	}
	var wg sync.WaitGroup
	results := make([]int64, 8)
	for i := range results {
		wg.Go(func() { results[i], _ = Get(ctx, c, "k", slow) })
	}
	// Let them all reach the cache before the first fill returns.
	deadline := time.Now().Add(5 * time.Second)
	for fills.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if f := fills.Load(); f != 1 {
		t.Errorf("%d concurrent misses ran %d fills, want 1", len(results), f)
	}
	for i, r := range results {
		if r != 7 {
			t.Errorf("request %d got %d, want the shared fill's 7", i, r)
		}
	}
}

// Lookup finds only what Get kept at the current version, and fills nothing.
func TestLookupFindsOnlyTheCurrentVersion(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	c := newCache(t, st, 10)
	ctx := context.Background()
	if _, ok := Lookup[int64](ctx, c, "k"); ok {
		t.Fatal("Lookup found a value nothing kept")
	}
	var n counter
	get(t, ctx, c, "k", n.fill)
	if got, ok := Lookup[int64](ctx, c, "k"); !ok || got != 1 {
		t.Errorf("Lookup after Get = %d, %v; want the kept 1", got, ok)
	}
	if _, ok := Lookup[string](ctx, c, "k"); ok {
		t.Error("Lookup of another type found the int64")
	}
	if _, _, err := st.CreateToken(ctx, "after"); err != nil {
		t.Fatal(err)
	}
	if _, ok := Lookup[int64](ctx, c, "k"); ok {
		t.Error("Lookup after a commit found the value of the version before it")
	}
	if n.n.Load() != 1 {
		t.Errorf("Lookup filled: %d fills, want 1", n.n.Load())
	}
}
