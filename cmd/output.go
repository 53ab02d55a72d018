package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dealscout/dealscout/store"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// showTime is a time for people: in DEALSCOUT_TIMEZONE, with the zone shown
// ("2026-11-24 13:00 EST"). JSON output keeps fmtTime's RFC 3339 in UTC.
func (a *app) showTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	loc := time.UTC
	if a.cfg != nil && a.cfg.Location != nil {
		loc = a.cfg.Location
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// fmtTime is a time for JSON: RFC 3339 in UTC, "never" when unset.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// notFoundIsUsage turns "no such watch/channel" into exit 2: the user named
// something that does not exist.
func notFoundIsUsage(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return withCode(ExitUsage, err)
	}
	return err
}

// userPath makes a relative path from the command line start at the run's
// working directory (Env.WorkDir), as it would for the shell that ran us.
func (a *app) userPath(p string) string {
	if p == "" || p == "-" || filepath.IsAbs(p) || a.env.WorkDir == "" {
		return p
	}
	return filepath.Join(a.env.WorkDir, p)
}

// checkOutput refuses an output path that is the database or one of its -wal,
// -shm, -journal or lock files (exit 2). Every command that writes a file the
// user names calls it, directly or through writeOutput.
func (a *app) checkOutput(path string) error {
	if err := store.CheckOutputPath(a.userPath(a.cfg.DBPath), a.userPath(path)); err != nil {
		return withCode(ExitUsage, err)
	}
	return nil
}

// writeOutput writes a file the user named (an export, a CSV) atomically,
// after checkOutput.
func (a *app) writeOutput(path string, fn func(io.Writer) error) error {
	if err := a.checkOutput(path); err != nil {
		return err
	}
	return writeFileAtomic(a.userPath(path), fn)
}

// writeFileAtomic writes through a temporary file and renames it, so a failed
// write never leaves half a file where a good one was.
func writeFileAtomic(path string, fn func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".dealscout-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// plural writes a count with its noun in the right number: "1 watch",
// "2 watches", "0 deals".
func plural(n int, noun string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	switch {
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
