package cmd

import (
	"errors"

	"github.com/dealscout/dealscout/store"
)

// lockPoll takes the poll lock or says another poll holds it (exit 75).
func lockPoll(a *app) (*store.Lock, error) {
	lock, err := store.TryLock(a.cfg.DBPath)
	if errors.Is(err, store.ErrLocked) {
		return nil, withCode(ExitLocked, err)
	}
	return lock, err
}

// excludeServe refuses, with exit 75, a command that replaces or reshapes the
// database (restore, migrate down, migrate redo) while dealscout serve has it
// open, and keeps serve from starting until the lock is released: a server
// would go on writing through its open handle into a file that is no longer
// the database, or into tables that are gone.
func excludeServe(a *app) (*store.Lock, error) {
	lock, err := store.ExcludeServe(a.userPath(a.cfg.DBPath))
	if errors.Is(err, store.ErrServing) {
		return nil, withCode(ExitLocked, err)
	}
	return lock, err
}

// holdServe takes the serve lock for serve's lifetime; exit 75 while a
// restore or migrate down is changing the database.
func holdServe(a *app) (*store.Lock, error) {
	lock, err := store.HoldServe(a.userPath(a.cfg.DBPath))
	if errors.Is(err, store.ErrReshaping) {
		return nil, withCode(ExitLocked, err)
	}
	return lock, err
}

func storeDealFilterFor(watch string) store.DealFilter {
	return store.DealFilter{Watch: watch, Limit: 10000}
}
