package cmd

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// rescoreStore opens a migrated database in a temporary directory, with its
// clock standing at now; it is closed when the test ends.
func rescoreStore(tb testing.TB, now time.Time) *store.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "rescore.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx, 0); err != nil {
		tb.Fatal(err)
	}
	return st
}

// addWatch stores a watch of that name and query.
func addWatch(tb testing.TB, st *store.Store, name, query string) scout.Watch {
	tb.Helper()
	w := scout.NewWatch(name)
	w.Query = query
	if err := st.CreateWatch(context.Background(), &w); err != nil {
		tb.Fatal(err)
	}
	return w
}
