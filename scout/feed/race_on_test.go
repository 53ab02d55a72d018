//go:build race

package feed

// raceEnabled: the race detector's instrumentation allocates on its own, so
// allocation budgets are not checked under it.
const raceEnabled = true
