package store

import (
	"context"
	"testing"
)

// A Version stays the same while nothing is written, and changes after a
// commit by this store's writer, by another store on the same file (another
// process: cron's poll, the CLI), and never equals one read on an earlier
// connection.
func TestVersionsChangeOnEveryCommit(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	seedDeals(t, s, "tables", 3, testNow)
	v := s.Versions()
	t.Cleanup(func() { _ = v.Close() })
	cur := func(what string) Version {
		t.Helper()
		got, err := v.Current(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return got
	}
	v0 := cur("first")
	if _, err := s.Deals(ctx, DealFilter{}); err != nil {
		t.Fatal(err)
	}
	if v1 := cur("after a read"); v1 != v0 {
		t.Errorf("a read changed the version: %v -> %v", v0, v1)
	}

	if _, err := s.db.Exec(`UPDATE deals SET score = 60 WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	v2 := cur("after this store's write")
	if v2 == v0 {
		t.Errorf("a commit by this store's writer left the version at %v", v0)
	}

	other, err := Open(ctx, s.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Close() }()
	if _, err := other.db.Exec(`UPDATE deals SET score = 70 WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	v3 := cur("after another store's write")
	if v3 == v2 {
		t.Errorf("a commit by another connection left the version at %v", v2)
	}

	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if v4 := cur("on a new connection"); v4 == v3 {
		t.Errorf("a new connection's version %v equals the old one's", v4)
	}
}
