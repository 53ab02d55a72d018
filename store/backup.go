package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// Restore replaces the database at dbPath with the backup at from, after
// checking the backup. The caller holds the poll lock and no other process
// may have the database open.
func Restore(ctx context.Context, from, dbPath string) error {
	if err := CheckIntegrity(ctx, from); err != nil {
		return fmt.Errorf("restore: %s is not a usable backup: %w", from, err)
	}
	src, err := os.Open(from) // #nosec G304 -- the user's own backup file
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer src.Close()
	tmp := dbPath + ".restore.tmp"
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) // #nosec G304 -- beside the user's database
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp)
	if _, err := io.Copy(dst, src); err != nil {
		_ = dst.Close()
		return fmt.Errorf("restore: copy: %w", err)
	}
	if err := errors.Join(dst.Sync(), dst.Close()); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The old WAL belongs to the old database: it must not be replayed onto the restored one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return syncDir(filepath.Dir(dbPath))
}

func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
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
