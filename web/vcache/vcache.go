// Package vcache keeps what serve computed from the database (a page of
// deals, the filter menus, a token's check) for as long as the database
// stays unchanged, as store.Versions tells. Every client of a busy server
// asks for the same first page of deals again and again, and between two
// polls its answer cannot change; after any commit, by serve or by another
// process, the next request computes it afresh.
//
// It holds no SQL: the values come from the store through the fill
// functions callers pass.
package vcache

import (
	"context"
	"sync"

	"github.com/dealscout/dealscout/store"
)

// Cache maps keys to values computed at one database version. It is safe for
// concurrent use. A nil *Cache keeps nothing: every Get fills.
type Cache struct {
	versions *store.Versions
	max      int
	mu       sync.Mutex
	at       store.Version
	m        map[string]any
	// filling are the fills under way, so that the requests that all miss
	// after a commit wait for one fill instead of each running it.
	filling map[string]*fill
}

// fill is one fill under way.
type fill struct {
	at   store.Version
	done chan struct{}
	val  any
	err  error
}

// New returns a cache of at most max values read at versions from v.
func New(v *store.Versions, max int) *Cache {
	return &Cache{versions: v, max: max, m: map[string]any{}, filling: map[string]*fill{}}
}

type ctxKey struct{}

// requestVersion is the version one request reads, once, at its first lookup.
type requestVersion struct {
	once sync.Once
	v    store.Version
	err  error
}

// ForRequest returns a context whose lookups all use the version read at the
// first of them, so that a request costs at most one read of it. Use it only
// for a request that does not write: a value filled after a write would be
// kept under the version from before it. (Values filled are never older than
// the version they are kept under, since it was read before them.)
func ForRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, ctxKey{}, &requestVersion{})
}

// version is ctx's request version (ForRequest), or the database's now.
func (c *Cache) version(ctx context.Context) (store.Version, error) {
	if rv, ok := ctx.Value(ctxKey{}).(*requestVersion); ok {
		rv.once.Do(func() { rv.v, rv.err = c.versions.Current(ctx) })
		return rv.v, rv.err
	}
	return c.versions.Current(ctx)
}

// Lookup returns the value kept under key at the current version, if any,
// without filling it: for a handler that can skip its own work on a hit.
func Lookup[T any](ctx context.Context, c *Cache, key string) (T, bool) {
	var zero T
	if c == nil {
		return zero, false
	}
	v, err := c.version(ctx)
	if err != nil {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != v {
		return zero, false
	}
	got, ok := c.m[key].(T)
	return got, ok
}

// Get returns the value kept under key at the current version, or fills it
// with fill and keeps it; a request that misses while another fills the same
// key at the same version waits for that fill. fill's errors are returned and
// nothing is kept. A value of another type under key (a caller's mistake) is
// filled afresh.
func Get[T any](ctx context.Context, c *Cache, key string, fillFn func(context.Context) (T, error)) (T, error) {
	if c == nil {
		return fillFn(ctx)
	}
	v, err := c.version(ctx)
	if err != nil {
		// Without a version nothing can be trusted, but the request can
		// still be answered from the database.
		return fillFn(ctx)
	}
	c.mu.Lock()
	if c.at == v {
		if got, ok := c.m[key].(T); ok {
			c.mu.Unlock()
			return got, nil
		}
	}
	if f, ok := c.filling[key]; ok && f.at == v {
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if got, ok := f.val.(T); ok && f.err == nil {
			return got, nil
		}
		return fillFn(ctx)
	}
	f := &fill{at: v, done: make(chan struct{})}
	c.filling[key] = f
	c.mu.Unlock()

	val, err := fillFn(ctx)
	f.val, f.err = val, err

	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(f.done)
	if c.filling[key] == f {
		delete(c.filling, key)
	}
	if err != nil {
		return val, err
	}
	if c.at != v {
		// Another version: what is kept is of the old one. (Two requests on
		// either side of a commit may swap this back and forth once; each
		// keeps only values at least as new as the version it read.)
		c.at, c.m = v, map[string]any{}
	}
	if len(c.m) >= c.max {
		// Keys come from query strings: a client cannot grow this past max.
		c.m = map[string]any{}
	}
	c.m[key] = val
	return val, nil
}
