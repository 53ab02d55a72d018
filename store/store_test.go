package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// newTestStore opens a migrated database in t.TempDir() with a fixed clock.
func newTestStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"), Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx, 0); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

func TestOpenAppliesPragmasOnEveryConnection(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	checks := []struct {
		pragma string
		want   string
	}{{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"busy_timeout", "10000"}, {"synchronous", "1"}, {"mmap_size", "268435456"}}
	for _, c := range checks {
		var got string
		if err := s.db.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("write pool PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("write pool PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
		if err := s.rdb.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("read pool PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("read pool PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
	}
	var qo string
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil || qo != "1" {
		t.Errorf("read pool query_only = %q (%v), want 1", qo, err)
	}
}

func TestOpenCreatesFileWithMode0600(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestOpenRejectsNonDatabase(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(p, []byte("this is not sqlite, just some words in a file that is long enough"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), p, Options{})
	if err == nil {
		_, err = s.Migrate(context.Background(), 0)
		_ = s.Close()
	}
	if err == nil {
		t.Fatal("opening and migrating a text file succeeded, want an error")
	}
	b, _ := os.ReadFile(p)
	if string(b) != "this is not sqlite, just some words in a file that is long enough" {
		t.Error("the text file was changed")
	}
}

func TestMigrationsUpDownUp(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	st, err := s.MigrationStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range st {
		if !m.Applied {
			t.Errorf("migration %d not applied after Migrate", m.Version)
		}
	}
	// Each migration's down must work, one at a time, and up again.
	for i := len(st) - 1; i >= 0; i-- {
		if _, err := s.MigrateDown(ctx, -1); err != nil {
			t.Fatalf("down from %d: %v", st[i].Version, err)
		}
		db, _, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if i > 0 {
			want = st[i-1].Version
		}
		if db != want {
			t.Fatalf("after down, version = %d, want %d", db, want)
		}
	}
	if _, err := s.Migrate(ctx, 0); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema after up = %v, want nil", err)
	}
}

func TestCheckSchemaNewerThanBinary(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`); err != nil {
		t.Fatal(err)
	}
	err := s.CheckSchema(ctx)
	if !errors.Is(err, ErrSchemaNewer) {
		t.Fatalf("CheckSchema = %v, want ErrSchemaNewer", err)
	}
	if _, err := s.Migrate(ctx, 0); !errors.Is(err, ErrSchemaNewer) {
		t.Errorf("Migrate on a newer schema = %v, want ErrSchemaNewer", err)
	}
}

func TestWatchRoundTrip(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	minP, maxP := int64(5000), int64(30000)
	w := scout.NewWatch("couches")
	w.Query, w.Exclude, w.MinPriceCents, w.MaxPriceCents = `"sectional sofa" leather`, []string{"broken"}, &minP, &maxP
	w.Conditions, w.ZIP, w.RadiusMi, w.Notify = []scout.Condition{scout.CondGood}, "94105", 25, []string{}
	if err := w.Validate(scout.LegalAPIOnly); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWatch(ctx, &w); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWatch(ctx, &w); !errors.Is(err, ErrConflict) {
		t.Errorf("second CreateWatch = %v, want ErrConflict", err)
	}
	got, err := s.Watch(ctx, "couches")
	if err != nil {
		t.Fatal(err)
	}
	if got.Query != w.Query || *got.MinPriceCents != minP || *got.MaxPriceCents != maxP || !got.HasCoords ||
		got.Lat != w.Lat || got.RadiusMi != 25 || len(got.Conditions) != 1 || got.Every != w.Every ||
		got.Settings.PriceDropPct != w.Settings.PriceDropPct || got.Exclude[0] != "broken" {
		t.Errorf("stored watch differs:\n got %+v\nwant %+v", got, w)
	}
	if err := s.SetWatchPaused(ctx, "couches", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Watch(ctx, "couches"); !got.Paused {
		t.Error("watch not paused after SetWatchPaused")
	}
	if err := s.DeleteWatch(ctx, "couches"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Watch(ctx, "couches"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Watch after delete = %v, want ErrNotFound", err)
	}
}

func TestDeleteChannelInUse(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	if err := s.CreateChannel(ctx, &Channel{Name: "phone", URL: "sms:+14155550123", Kind: "sms"}); err != nil {
		t.Fatal(err)
	}
	w := scout.NewWatch("bikes")
	w.Query, w.Notify = "bike", []string{"phone"}
	if err := s.CreateWatch(ctx, &w); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteChannel(ctx, "phone"); !errors.Is(err, ErrInUse) {
		t.Fatalf("DeleteChannel in use = %v, want ErrInUse", err)
	}
	w.Notify = nil
	if _, _, err := s.UpdateWatch(ctx, &w, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteChannel(ctx, "phone"); err != nil {
		t.Fatalf("DeleteChannel after unlinking = %v", err)
	}
}
