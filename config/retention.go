package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day is 24 hours: retention windows are counted in whole days of wall time,
// not calendar days, so daylight-saving changes do not move them.
const Day = 24 * time.Hour

// ParseAge reads a retention window: a number of days ("90d") or a Go
// duration ("36h", "1h30m"). It is the one parser behind DEALSCOUT_RETENTION
// and `prune --older-than`, so both accept the same spellings.
func ParseAge(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 64)
		if err != nil || days < 0 || days > 100*365 {
			return 0, fmt.Errorf("%q is not a number of days such as 90d", v)
		}
		return time.Duration(days) * Day, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is neither a number of days such as 90d nor a duration such as 36h", v)
	}
	return d, nil
}

// FormatAge writes d the way ParseAge reads it, in days when it is whole days.
func FormatAge(d time.Duration) string {
	if d > 0 && d%Day == 0 {
		return strconv.FormatInt(int64(d/Day), 10) + "d"
	}
	return shortDuration(d)
}

// age is a setting holding a retention window, written in days or as a Go
// duration, from lo to hi.
func age(name string, def, lo, hi time.Duration, help string, field func(*Config) *time.Duration) setting {
	problem := func(got string) *Error {
		return invalid(name, "must be a number of days from %s to %s, written like 90d, or a duration like 36h (got %q)", FormatAge(lo), FormatAge(hi), got)
	}
	return setting{
		KeySpec: KeySpec{Name: name, Default: FormatAge(def), Help: fmt.Sprintf("%s %s to %s.", help, FormatAge(lo), FormatAge(hi))},
		set: func(c *Config, v string) error {
			d, err := ParseAge(v)
			if err != nil {
				return problem(v)
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return FormatAge(*field(c)) },
		check: func(c *Config) error {
			if d := *field(c); d < lo || d > hi {
				return problem(FormatAge(d))
			}
			return nil
		},
	}
}
