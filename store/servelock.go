package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// ErrServing means a `dealscout serve` (or a serving demo) has the database
// open, so it must not be replaced or reshaped under it.
var ErrServing = errors.New("dealscout serve is using this database")

// ErrReshaping means a restore or a migrate down is replacing or reshaping the
// database, so serve must not open it now.
var ErrReshaping = errors.New("a dealscout restore or migrate down is changing this database")

// serveLockPath is the lock serve holds for its whole life, beside the
// database. It is separate from the poll lock (DB.lock), which serve's
// scheduler takes and drops each round: holding that one would stop cron
// polls and the scheduler's own rounds.
func serveLockPath(dbPath string) string { return dbPath + ".serve.lock" }

// HoldServe takes the serve lock shared, for as long as serve runs: several
// servers may share a database, but restore and migrate down (ExcludeServe)
// are refused while any holds it. The kernel drops the lock when the process
// exits, so a killed serve never blocks a restore. The file holds the pid of
// the newest server, for the refusal message.
func HoldServe(dbPath string) (*Lock, error) {
	path := serveLockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- next to the user's database
	if err != nil {
		return nil, fmt.Errorf("store: serve lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (lock %s); start serve again when it has finished", ErrReshaping, path)
		}
		return nil, fmt.Errorf("store: serve lock %s: %w", path, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

// ExcludeServe takes the serve lock exclusively without waiting, for a
// command that replaces or reshapes the database (restore, migrate down and
// redo): it fails with ErrServing, naming serve's pid when the lock file
// records it, while a serve runs, and keeps a serve from starting until
// Release.
func ExcludeServe(dbPath string) (*Lock, error) {
	path := serveLockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- next to the user's database
	if err != nil {
		return nil, fmt.Errorf("store: serve lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := servePID(f)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if pid > 0 {
				return nil, fmt.Errorf("%w; stop dealscout serve first (pid %d)", ErrServing, pid)
			}
			return nil, fmt.Errorf("%w; stop dealscout serve first", ErrServing)
		}
		return nil, fmt.Errorf("store: serve lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// servePID reads the pid a serve wrote into the lock file, or 0.
func servePID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
