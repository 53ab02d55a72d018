package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func secs(d time.Duration) float64 { return d.Seconds() }

func fmtRate(perSec float64, unit string) string {
	switch {
	case perSec >= 10_000:
		return fmt.Sprintf("%.1fk %s/s", perSec/1000, unit)
	case perSec >= 1000:
		return fmt.Sprintf("%.2fk %s/s", perSec/1000, unit)
	}
	return fmt.Sprintf("%.0f %s/s", perSec, unit)
}

func fmtSecs(s float64) string {
	switch {
	case s < 0.001:
		return fmt.Sprintf("%.0f µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.1f ms", s*1000)
	}
	return fmt.Sprintf("%.2f s", s)
}

func fmtMB(bytes float64) string { return fmt.Sprintf("%.1f MB", bytes/1e6) }

func fmtCount(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// pollReport is the part of `poll --json` the harness checks, so a poll
// that fetched nothing is never timed as a fast one.
type pollReport struct {
	Status  string `json:"status"`
	Watches []struct {
		Watch   string   `json:"watch"`
		Fetched int      `json:"fetched"`
		New     int      `json:"new"`
		Updated int      `json:"updated"`
		Matched int      `json:"matched"`
		Errors  []string `json:"errors"`
	} `json:"watches"`
}

func parsePoll(stdout string) (pollReport, error) {
	var r pollReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		return r, fmt.Errorf("poll --json printed something that is not its report: %w: %.300s", err, stdout)
	}
	return r, nil
}

func (r pollReport) totals() (fetched, news, updated int) {
	for _, w := range r.Watches {
		fetched += w.Fetched
		news += w.New
		updated += w.Updated
	}
	return
}

// expect fails unless the poll fetched want listings of which wantNew were new.
func (r pollReport) expect(what string, want, wantNew int) error {
	if r.Status != "ok" {
		var errs []string
		for _, w := range r.Watches {
			errs = append(errs, w.Errors...)
		}
		return fmt.Errorf("%s: poll status %q: %v", what, r.Status, errs)
	}
	f, n, _ := r.totals()
	if f != want || (wantNew >= 0 && n != wantNew) {
		return fmt.Errorf("%s: poll fetched %d listings (%d new); want %d (%d new)", what, f, n, want, wantNew)
	}
	return nil
}
