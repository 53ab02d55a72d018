package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/dealscout/dealscout/migrations"
)

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64     `json:"version"`
	Name      string    `json:"name"`
	Applied   bool      `json:"applied"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
}

// ErrSchemaNewer means the database was migrated by a newer dealscout.
var ErrSchemaNewer = errors.New("database schema is newer than this binary")

// goMigrations are the migrations written in Go, beside migrations.FS.
func goMigrations() []*goose.Migration {
	return []*goose.Migration{migration00007(), migration00011()}
}

func (s *Store) provider() (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, migrations.FS, goose.WithGoMigrations(goMigrations()...))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration, or up to version to when to > 0.
func (s *Store) Migrate(ctx context.Context, to int64) (applied []int64, err error) {
	if err := s.CheckSchema(ctx); err != nil && !errors.Is(err, errPending) {
		return nil, err
	}
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	var res []*goose.MigrationResult
	if to > 0 {
		res, err = p.UpTo(ctx, to)
	} else {
		res, err = p.Up(ctx)
	}
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	if err != nil {
		return applied, fmt.Errorf("store: migrate up: %w", err)
	}
	return applied, nil
}

// MigrateDown rolls back one migration, or down to version to when to >= 0.
func (s *Store) MigrateDown(ctx context.Context, to int64) (rolledBack []int64, err error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	var res []*goose.MigrationResult
	if to >= 0 {
		res, err = p.DownTo(ctx, to)
	} else {
		var r *goose.MigrationResult
		r, err = p.Down(ctx)
		if r != nil {
			res = append(res, r)
		}
	}
	for _, r := range res {
		rolledBack = append(rolledBack, r.Source.Version)
	}
	if err != nil {
		if errors.Is(err, goose.ErrNoNextVersion) {
			return rolledBack, nil
		}
		return rolledBack, fmt.Errorf("store: migrate down: %w", err)
	}
	return rolledBack, nil
}

// MigrationStatuses lists every known migration.
func (s *Store) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, m := range st {
		out = append(out, MigrationStatus{Version: m.Source.Version, Name: m.Source.Path,
			Applied: m.State == goose.StateApplied, AppliedAt: m.AppliedAt.UTC()})
	}
	return out, nil
}

// SchemaVersion returns the database's version and the newest the binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (db, binary int64, err error) {
	p, err := s.provider()
	if err != nil {
		return 0, 0, err
	}
	db, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: schema version: %w", friendly(err))
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		binary = srcs[len(srcs)-1].Version
	}
	return db, binary, nil
}

var errPending = errors.New("store: migrations pending")

// newestMigration is the newest version among migrations.FS and
// goMigrations, read from the file names as goose reads them.
func newestMigration() (int64, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return 0, err
	}
	var newest int64
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		v, err := goose.NumericComponent(e.Name())
		if err != nil {
			return 0, err
		}
		newest = max(newest, v)
	}
	for _, m := range goMigrations() {
		newest = max(newest, m.Version)
	}
	return newest, nil
}

// quickSchemaVersion is SchemaVersion without goose, for a database goose
// has migrated: every command checks the schema first and cron runs poll
// every minute, while goose's provider collects every migration and takes
// the write lock to make sure its table exists, which together cost more
// than the rest of a poll with nothing due. Anything else (no version table
// yet, an empty one, an error) is answered by SchemaVersion, that is by goose.
func (s *Store) quickSchemaVersion(ctx context.Context) (db, binary int64, err error) {
	var v sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&v); err != nil || !v.Valid {
		return s.SchemaVersion(ctx)
	}
	if binary, err = newestMigration(); err != nil {
		return s.SchemaVersion(ctx)
	}
	return v.Int64, binary, nil
}

// CheckSchema returns nil when the schema is exactly the binary's, an error
// wrapping ErrSchemaNewer when a newer dealscout migrated it, and one saying
// to run `dealscout migrate up` when migrations are pending.
func (s *Store) CheckSchema(ctx context.Context) error {
	db, bin, err := s.quickSchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case db > bin:
		return fmt.Errorf("store: %w (database at version %d, this dealscout knows up to %d); upgrade dealscout or restore a backup", ErrSchemaNewer, db, bin)
	case db < bin:
		return fmt.Errorf("%w: database at version %d, binary at %d; run `dealscout migrate up`", errPending, db, bin)
	}
	return nil
}

// IsPending reports whether err from CheckSchema means migrations are pending.
func IsPending(err error) bool { return errors.Is(err, errPending) }
