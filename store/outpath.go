package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// DatabaseFileError means a command was asked to write over the database or
// one of the files kept beside it.
type DatabaseFileError struct {
	Out  string // the path as the user gave it
	What string // which of the database's files it is
	Path string // that file's own path
}

func (e *DatabaseFileError) Error() string {
	if filepath.Clean(e.Out) == filepath.Clean(e.Path) {
		return fmt.Sprintf("%s is %s; choose another file", e.Out, e.What)
	}
	return fmt.Sprintf("%s is %s, %s; choose another file", e.Out, e.What, e.Path)
}

// IsDatabaseFile reports whether err is a DatabaseFileError.
func IsDatabaseFile(err error) bool {
	var e *DatabaseFileError
	return errors.As(err, &e)
}

// databaseFiles are the files that belong to the database at dbPath, with what
// each one is: SQLite's own, the poll lock (lock.go) and the serve lock
// (servelock.go).
func databaseFiles(dbPath string) [][2]string {
	return [][2]string{
		{dbPath, "the database itself"},
		{dbPath + "-wal", "the database's write-ahead log (-wal)"},
		{dbPath + "-shm", "the database's shared-memory index (-shm)"},
		{dbPath + "-journal", "the database's rollback journal (-journal)"},
		{dbPath + ".lock", "the database's poll lock file (.lock)"},
		{dbPath + ".serve.lock", "the database's serve lock file (.serve.lock)"},
	}
}

// CheckOutputPath refuses a path a command is about to write (an export, a
// backup, a CSV) when it names the database at dbPath or one of its -wal,
// -shm, -journal, .lock or .serve.lock files, however it is spelled:
// relative, with ./ or .., through a symlink (even one whose target does not
// exist yet) or a hard link. Every command that writes a file the user named calls it first.
func CheckOutputPath(dbPath, out string) error {
	if dbPath == "" || out == "" {
		return nil
	}
	outCanon := canonicalPath(out)
	outInfo, outErr := os.Stat(out)
	// The database may itself be reached through a symlink; SQLite keeps the
	// -wal beside the file it resolves to, so both spellings are checked.
	for _, base := range []string{dbPath, canonicalPath(dbPath)} {
		for _, f := range databaseFiles(base) {
			if canonicalPath(f[0]) == outCanon {
				return refuseOutput(out, f[1], f[0])
			}
			if outErr != nil {
				continue
			}
			if fi, err := os.Stat(f[0]); err == nil && os.SameFile(fi, outInfo) {
				return refuseOutput(out, f[1], f[0])
			}
		}
	}
	return nil
}

func refuseOutput(out, what, path string) error {
	return &DatabaseFileError{Out: out, What: what, Path: path}
}

// canonicalPath is p made absolute with every symlink resolved. Unlike
// filepath.EvalSymlinks it also works for a file that does not exist yet:
// its directory is resolved, and a dangling symlink is followed to where it
// points, because writing through it would create that file.
func canonicalPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	for range 40 { // the kernel's own limit on links followed
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			return r
		}
		dir, base := filepath.Split(abs)
		target, err := os.Readlink(abs)
		if err != nil { // not a link: it does not exist yet, so resolve its directory
			if dir == abs || dir == "" {
				return abs
			}
			return filepath.Join(canonicalPath(filepath.Clean(dir)), base)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		abs = filepath.Clean(target)
	}
	return abs
}
