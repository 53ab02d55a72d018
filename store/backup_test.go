package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dealscout/dealscout/scout"
)

// TestBackupWhileWriting takes backups while another goroutine keeps adding
// watches, and checks each copy: private, sound, and a snapshot holding a
// prefix of the writes.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t)
	dir := t.TempDir()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			w := scout.NewWatch("w" + strconv.Itoa(i))
			w.Query = "chair"
			if err := s.CreateWatch(ctx, &w); err != nil {
				writeErr = err
				return
			}
		}
	}()
	prev := -1
	for i := range 5 {
		path := filepath.Join(dir, "backup-"+strconv.Itoa(i)+".db")
		if err := s.Backup(ctx, path); err != nil {
			t.Fatalf("backup %d during writes: %v", i, err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("backup %d has mode %o, want 600", i, fi.Mode().Perm())
		}
		if err := CheckIntegrity(ctx, path); err != nil {
			t.Errorf("backup %d fails its integrity check: %v", i, err)
		}
		b, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.CheckSchema(ctx); err != nil {
			t.Errorf("backup %d schema: %v", i, err)
		}
		ws, err := b.Watches(ctx)
		_ = b.Close()
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		if len(ws) < prev {
			t.Errorf("backup %d holds %d watches, fewer than the %d of the backup before it", i, len(ws), prev)
		}
		prev = len(ws)
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("a write failed while backups ran: %v", writeErr)
	}
	if prev <= 0 {
		t.Errorf("the last backup holds %d watches; the writer made no progress", prev)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("backups left temporary files: %v", left)
	}
}

func TestBackupRefusesTheDatabaseItselfAndLeavesNoFileOnFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t)
	if err := s.Backup(ctx, s.Path()); err == nil || !strings.Contains(err.Error(), "database itself") {
		t.Errorf("backup onto the database: %v, want a refusal", err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-dir", "b.db")
	if err := s.Backup(ctx, missing); err == nil {
		t.Error("backup into a missing directory succeeded")
	} else if _, statErr := os.Stat(missing); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("a failed backup left %s behind (%v)", missing, statErr)
	}
}
