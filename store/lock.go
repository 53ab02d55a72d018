package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked means another process holds the poll lock.
var ErrLocked = errors.New("another dealscout poll is running on this database")

// Lock is an exclusive advisory lock on DBPATH.lock. The kernel releases it
// when the holder exits, so a killed poll never blocks the next one.
type Lock struct{ f *os.File }

// TryLock takes the poll lock for the database at dbPath without waiting.
func TryLock(dbPath string) (*Lock, error) {
	path := dbPath + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) // #nosec G304 -- next to the user's database
	if err != nil {
		return nil, fmt.Errorf("store: lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (lock %s)", ErrLocked, path)
		}
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
	return &Lock{f: f}, nil
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return errors.Join(err, l.f.Close())
}
