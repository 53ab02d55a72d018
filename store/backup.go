package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// Backup writes a consistent snapshot of the database to path: VACUUM INTO a
// temporary file beside it, an integrity check of the copy, fsync, mode
// 0600, then an atomic rename. A failed backup leaves no file at path.
func (s *Store) Backup(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := CheckOutputPath(s.path, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp")
	_ = os.Remove(tmp)
	defer os.Remove(tmp)
	// VACUUM INTO fills an empty file that already exists, so the copy is
	// never readable by others, not even before the chmod below.
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// VACUUM INTO reads one snapshot, so writers carry on meanwhile. It gets
	// a connection of its own: the read pool is query_only, which forbids
	// writing the copy, and the write pool's one connection must stay free
	// for this process's writes while a large copy runs.
	conn, err := sql.Open("sqlite", s.dsn)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	_ = conn.Close()
	if err != nil {
		return fmt.Errorf("backup: snapshot to %s: %w", tmp, friendly(err))
	}
	if err := CheckIntegrity(ctx, tmp); err != nil {
		return fmt.Errorf("backup: the snapshot failed its check: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(abs))
}

// CheckIntegrity runs PRAGMA integrity_check on a database file.
func CheckIntegrity(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return friendly(err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check: %s", res)
	}
	return nil
}

// ErrNotBackup marks a file restore refuses: missing, empty, not SQLite, not
// a dealscout database, damaged, or migrated by a newer dealscout.
var ErrNotBackup = errors.New("not a usable backup")

// CheckBackup says whether the file at path can be restored by this binary: a
// sound SQLite file (integrity_check ok) holding dealscout's schema table and
// tables at a schema version this binary knows. The error wraps ErrNotBackup.
func CheckBackup(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotBackup, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%w: %s is not a regular file", ErrNotBackup, path)
	case fi.Size() == 0:
		return fmt.Errorf("%w: %s is empty", ErrNotBackup, path)
	}
	if err := CheckIntegrity(ctx, path); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotBackup, path, err)
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotBackup, path, err)
	}
	defer db.Close()
	var tables int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('goose_db_version', 'watches', 'listings')`).Scan(&tables)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotBackup, path, friendly(err))
	}
	if tables < 3 {
		return fmt.Errorf("%w: %s is a SQLite file but not a dealscout database (it has no dealscout tables)", ErrNotBackup, path)
	}
	var version int64
	err = db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&version)
	if err != nil {
		return fmt.Errorf("%w: %s: reading its schema version: %w", ErrNotBackup, path, err)
	}
	// Go migrations count too: the newest may be one.
	bin, err := newestMigration()
	if err != nil {
		return err
	}
	if version > bin {
		return fmt.Errorf("%w: %s has schema version %d, and this dealscout knows up to %d; upgrade dealscout first, then restore",
			ErrNotBackup, path, version, bin)
	}
	return nil
}

// Restore replaces the database at dbPath with the backup at from, after
// CheckBackup. The database it replaces is kept beside it as
// DB.pre-restore-<UTC time> (mode 0600, with its -wal if it had one, so
// SQLite replays it on open) and kept names that file ("" when there was no
// database). The caller holds the poll lock and no other process may have
// the database open.
func Restore(ctx context.Context, from, dbPath string, now time.Time) (kept string, err error) {
	if CheckOutputPath(dbPath, from) != nil {
		return "", fmt.Errorf("restore: %w: %s is the database itself or one of its files; name a backup made with `dealscout backup FILE`", ErrNotBackup, from)
	}
	if err := CheckBackup(ctx, from); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	src, err := os.Open(from) // #nosec G304 -- the user's own backup file
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer src.Close()
	tmp := dbPath + ".restore.tmp"
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) // #nosec G304 -- beside the user's database
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp)
	if _, err := io.Copy(dst, src); err != nil {
		_ = dst.Close()
		return "", fmt.Errorf("restore: copy: %w", err)
	}
	if err := errors.Join(dst.Sync(), dst.Close()); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if kept, err = keepReplaced(ctx, dbPath, now); err != nil {
		return "", fmt.Errorf("restore: keeping the current database: %w", err)
	}
	// The old WAL belongs to the old database (keepReplaced moved it beside
	// the kept copy): it must not be replayed onto the restored one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !os.IsNotExist(err) {
			return kept, fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return kept, fmt.Errorf("restore: %w", err)
	}
	return kept, syncDir(filepath.Dir(dbPath))
}

// keepReplaced keeps the database about to be replaced as
// DB.pre-restore-<time>: a hard link to the same file (a copy where links are
// not possible), plus its WAL moved beside it as that name's -wal. Nothing
// of the old database is lost, even what was only in the WAL.
func keepReplaced(ctx context.Context, dbPath string, now time.Time) (string, error) {
	if _, err := os.Stat(dbPath); os.IsNotExist(err) {
		return "", nil
	}
	// Fold the WAL into the file first when the database opens; a damaged
	// one (a reason to restore) is kept as it is, WAL and all.
	if db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: dbPath}).EscapedPath()+"?_pragma=busy_timeout(5000)"); err == nil {
		_, _ = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		_ = db.Close()
	}
	base := dbPath + ".pre-restore-" + now.UTC().Format("20060102T150405Z")
	kept := base
	for i := 2; ; i++ {
		err := os.Link(dbPath, kept)
		if err == nil {
			break
		}
		if os.IsExist(err) {
			kept = fmt.Sprintf("%s-%d", base, i)
			continue
		}
		if err := copyFile(dbPath, kept); err != nil {
			return "", err
		}
		break
	}
	if err := os.Chmod(kept, 0o600); err != nil {
		return "", err
	}
	if fi, err := os.Stat(dbPath + "-wal"); err == nil && fi.Size() > 0 {
		if err := os.Rename(dbPath+"-wal", kept+"-wal"); err != nil {
			return "", err
		}
		if err := os.Chmod(kept+"-wal", 0o600); err != nil {
			return "", err
		}
	}
	return kept, nil
}

// copyFile copies src to a new file dst (mode 0600); it refuses to overwrite.
func copyFile(src, dst string) error {
	in, err := os.Open(src) // #nosec G304 -- the user's database
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- beside the user's database
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		_ = os.Remove(dst)
		return err
	}
	return errors.Join(out.Sync(), out.Close())
}

func syncFile(path string) error {
	f, err := os.Open(path) // #nosec G304 -- our own temporary file
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir) // #nosec G304 -- the backup's directory
	if err != nil {
		return err
	}
	err = d.Sync()
	_ = d.Close()
	return err
}
