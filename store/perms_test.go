package store

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Item 28 of issue 12: a database another tool created 0644 (and a -wal
// left 0644) is made 0600 on open, with one warning; the -wal and -shm
// SQLite creates afterwards copy the private mode; the next open is quiet.
func TestOpenTightensALooseDatabaseOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if err := os.WriteFile(path+"-wal", nil, 0o644); err != nil { // an empty -wal, as a crash can leave
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	s, err = Open(ctx, path, Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO oauth_tokens (key, token, expires_at) VALUES ('k', 't', 'x')`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("stat %s: %v", filepath.Base(p), err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %04o after open, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "0644") || !strings.Contains(logs.String(), "0600") {
		t.Errorf("want one warning naming the old and new modes, got:\n%s", logs.String())
	}
	_ = s.Close()
	logs.Reset()
	s, err = Open(ctx, path, Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if logs.Len() != 0 {
		t.Errorf("reopening a private database logged:\n%s", logs.String())
	}
}
