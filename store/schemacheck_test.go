package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestNewestMigrationIsGoosesNewest: CheckSchema's quick path reads the
// binary's newest migration from the file names and goMigrations; it must be
// the version goose itself would migrate to.
func TestNewestMigrationIsGoosesNewest(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	got, err := newestMigration()
	if err != nil {
		t.Fatalf("newestMigration: %v", err)
	}
	_, want, err := s.SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want || got == 0 {
		t.Errorf("newestMigration = %d, goose's newest = %d", got, want)
	}
}

// TestCheckSchemaAnswersAsGooseDoes: CheckSchema answers without goose for a
// migrated database, and must give goose's answer in every state: up to
// date, pending (older, never migrated), newer.
func TestCheckSchemaAnswersAsGooseDoes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	open := func(t *testing.T) *Store {
		t.Helper()
		s, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, s *Store)
		want    func(error) bool
		wantIs  string
	}{
		{"up to date", func(t *testing.T, s *Store) { mustMigrate(t, s, 0) },
			func(err error) bool { return err == nil }, "nil"},
		{"never migrated", func(*testing.T, *Store) {},
			IsPending, "pending"},
		{"one migration behind", func(t *testing.T, s *Store) {
			mustMigrate(t, s, 0)
			if _, err := s.MigrateDown(ctx, -1); err != nil {
				t.Fatal(err)
			}
		}, IsPending, "pending"},
		{"newer than the binary", func(t *testing.T, s *Store) {
			mustMigrate(t, s, 0)
			if _, err := s.db.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`); err != nil {
				t.Fatal(err)
			}
		}, func(err error) bool { return errors.Is(err, ErrSchemaNewer) }, "ErrSchemaNewer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			tt.prepare(t, s)
			err := s.CheckSchema(ctx)
			if !tt.want(err) {
				t.Fatalf("CheckSchema = %v, want %s", err, tt.wantIs)
			}
			// goose's own answer, for the same state, agrees.
			db, bin, gerr := s.SchemaVersion(ctx)
			switch {
			case gerr != nil:
				if err == nil {
					t.Errorf("CheckSchema = nil, but goose's SchemaVersion fails: %v", gerr)
				}
			case db == bin && err != nil, db < bin && !IsPending(err), db > bin && !errors.Is(err, ErrSchemaNewer):
				t.Errorf("CheckSchema = %v, goose says database %d, binary %d", err, db, bin)
			}
		})
	}
}

func mustMigrate(t *testing.T, s *Store, to int64) {
	t.Helper()
	if _, err := s.Migrate(context.Background(), to); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
}
