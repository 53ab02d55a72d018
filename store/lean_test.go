package store

import (
	"context"
	"path/filepath"
	"testing"
)

// A lean store (serve's, poll's) maps no part of the file and keeps a 500 kB
// page cache on every reader and 2 MB on the writer; the default keeps the
// 256 MiB map that makes a re-score fast.
func TestLeanStoreMapsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		name              string
		lean              bool
		mmap, writerCache string
	}{
		{"default", false, "268435456", "-32000"},
		{"lean", true, "0", "-2000"},
	} {
		s, err := Open(ctx, filepath.Join(t.TempDir(), "lean.db"), Options{Lean: c.lean})
		if err != nil {
			t.Fatal(err)
		}
		for pool, want := range map[string]map[string]string{
			"write": {"mmap_size": c.mmap, "cache_size": c.writerCache},
			"read":  {"mmap_size": c.mmap},
		} {
			db := s.db
			if pool == "read" {
				db = s.rdb
			}
			for pragma, w := range want {
				var got string
				if err := db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatalf("%s: %s pool PRAGMA %s: %v", c.name, pool, pragma, err)
				}
				if got != w {
					t.Errorf("%s store: %s pool PRAGMA %s = %s, want %s", c.name, pool, pragma, got, w)
				}
			}
		}
		var rc string
		if err := s.rdb.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&rc); err != nil || (c.lean && rc != "-500") {
			t.Errorf("%s store: read pool cache_size = %s (%v), want 500 kB (-500)", c.name, rc, err)
		}
		_ = s.Close()
	}
}
