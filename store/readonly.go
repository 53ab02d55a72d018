package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// access(2) modes; the syscall package does not name them.
const (
	accessW = 0x2
	accessX = 0x1
)

// Writable reports whether this process may write the database at path: the
// file itself, and its directory, where SQLite creates the -wal and -shm
// files. A file that does not exist yet counts as writable (Open creates it).
// It asks the kernel (access(2)), so it is right for root, for a read-only
// mount (EROFS even for root) and for ACLs alike.
func Writable(path string) bool {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return true
	}
	if syscall.Access(path, accessW) != nil {
		return false
	}
	dir := filepath.Dir(path)
	return syscall.Access(dir, accessW|accessX) == nil
}

// OpenReadOnly opens an existing database for reading only, for commands
// that only read (watch list, deals, backup) when the file or its directory
// cannot be written: a read-only mount, a 0444 file, another user's file.
// Writes through it fail with SQLite's "attempt to write a readonly
// database". It never creates the file.
//
// SQLite can read a WAL database without write access only if its -wal and
// -shm files exist (or can be created); when they cannot, the file is opened
// immutable, which is safe because nothing here can write it, but it does
// not see a writer that does (such as root's poll) until reopened.
func OpenReadOnly(ctx context.Context, path string, o Options) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: open %s read-only: %w", path, err)
	}
	esc := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := "&_pragma=busy_timeout(10000)&_pragma=mmap_size(268435456)"
	var lastErr error
	for _, mode := range []string{"?mode=ro", "?mode=ro&immutable=1"} {
		s, err := openRO(ctx, path, esc+mode+common, o)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("store: open %s read-only: %w", path, friendly(lastErr))
}

// openRO opens both pools on dsn; the read pool adds query_only, and dsn is
// kept without it for Backup's VACUUM INTO, which writes only the copy.
func openRO(ctx context.Context, path, dsn string, o Options) (*Store, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	rdb, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(4)
	s := &Store{path: path, dsn: dsn, db: db, rdb: rdb, now: o.Now, scoreLockBudget: ScoreLockBudget}
	if s.now == nil {
		s.now = time.Now
	}
	// Reading the schema proves the file can actually be read this way.
	var n int
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&n); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}
