// Package config owns dealscout's settings: the one Config struct, the table
// of DEALSCOUT_* keys that drives loading, validation, masking and
// documentation, and Load, which layers built-in defaults, a KEY=VALUE file
// (.env in the working directory, or the file named by --config /
// DEALSCOUT_CONFIG), the real environment and command-line flags, later
// layers winning.
//
// An empty value counts as unset, so `DEALSCOUT_X=` (as docker compose writes
// for an unset ${X}) falls through to the layer below instead of clearing it.
//
// The package keeps no mutable state: callers get a *Config from Load (or
// Default in tests) and pass it on explicitly. It must not read the process
// environment or files on its own — everything comes in through Sources — so
// tests never depend on the machine they run on. Secrets are held in Secret,
// which masks itself everywhere it could be printed, logged or marshalled.
package config

// Importing the time zone database keeps DEALSCOUT_TIMEZONE working in the
// static binary on hosts (and scratch containers) without /usr/share/zoneinfo.
import _ "time/tzdata"
