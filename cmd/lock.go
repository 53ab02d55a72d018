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

func storeDealFilterFor(watch string) store.DealFilter {
	return store.DealFilter{Watch: watch, Limit: 10000}
}
