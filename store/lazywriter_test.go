package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOpenDefersTheWriterOfAWALDatabase: opening a connection applies every
// pragma and parses the schema, so Open of a database already in WAL mode
// leaves the writer connection to the first write; a process that only
// reads (a cron poll with nothing due) never opens it. A new file is still
// put in WAL mode by Open itself, and a file that is not a database is still
// refused by Open.
func TestOpenDefersTheWriterOfAWALDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dealscout.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !inWALMode(path) {
		t.Fatal("after Open of a new file, its header does not say WAL mode")
	}
	if _, err := s.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema: %v", err)
	}
	if _, err := s.Watches(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.db.Stats().OpenConnections; n != 0 {
		t.Errorf("after Open, CheckSchema and a read of a WAL database, %d writer connection(s) open, want 0", n)
	}
	if _, err := s.StartRun(ctx, time.Now()); err != nil {
		t.Fatalf("the first write, on a writer opened late: %v", err)
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("writer opened late: journal_mode = %q (%v), want wal", mode, err)
	}
}

func TestInWALMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	header := func(b18, b19 byte) []byte {
		h := append([]byte("SQLite format 3\x00"), 0x10, 0x00, b18, b19)
		return append(h, make([]byte, 80)...)
	}
	tests := []struct {
		name string
		data []byte
		want bool
	}{
		{"wal", header(2, 2), true},
		{"rollback journal", header(1, 1), false},
		{"empty file", nil, false},
		{"short file", []byte("SQLite format 3"), false},
		{"not a database", []byte("this is not a database, it is a note, long enough to have twenty bytes"), false},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, tt.name)
		if err := os.WriteFile(p, tt.data, 0o600); err != nil {
			t.Fatal(err)
		}
		if got := inWALMode(p); got != tt.want {
			t.Errorf("inWALMode(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if inWALMode(filepath.Join(dir, "missing")) {
		t.Error("inWALMode(a missing file) = true, want false")
	}
}
