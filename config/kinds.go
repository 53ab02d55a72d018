package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// setting is one row of the key table: its documentation plus how to parse,
// print and check the Config field behind it.
type setting struct {
	KeySpec
	set   func(c *Config, v string) error // parse v into the field; nil = not a field (DEALSCOUT_CONFIG)
	get   func(c *Config) string          // the effective value as it would be written; secrets masked
	check func(c *Config) error           // the field's own rule, run by Validate; nil = anything goes
}

// rule checks a string value and returns what is wrong with it, or "".
type rule func(v string) string

func text(name, def, help string, field func(*Config) *string, r rule) setting {
	s := setting{
		KeySpec: KeySpec{Name: name, Default: def, Help: help},
		set:     func(c *Config, v string) error { *field(c) = strings.TrimSpace(v); return nil },
		get:     func(c *Config) string { return *field(c) },
	}
	if r != nil {
		s.check = func(c *Config) error { return ruleError(name, r(*field(c))) }
	}
	return s
}

// baseURL is an external or public URL. A trailing slash is dropped so
// callers can append paths without doubling it.
func baseURL(name, def, help string, field func(*Config) *string, required bool) setting {
	r := optional(absoluteURL)
	if required {
		r = absoluteURL
	}
	s := text(name, def, help, field, r)
	s.set = func(c *Config, v string) error {
		*field(c) = strings.TrimRight(strings.TrimSpace(v), "/")
		return nil
	}
	return s
}

// secret values are taken exactly as given: a password may end in a space.
func secret(name, help string, field func(*Config) *Secret) setting {
	return setting{
		KeySpec: KeySpec{Name: name, Secret: true, Help: help + " Secret; may be given as " + name + fileSuffix + "."},
		set:     func(c *Config, v string) error { *field(c) = Secret(v); return nil },
		get:     func(c *Config) string { return field(c).mask() },
	}
}

func integer[T int | int64](name string, def, lo, hi T, help string, field func(*Config) *T) setting {
	problem := func(got string) *Error {
		return invalid(name, "must be a whole number from %d to %d (got %q)", lo, hi, got)
	}
	return setting{
		KeySpec: KeySpec{Name: name, Default: strconv.FormatInt(int64(def), 10), Help: fmt.Sprintf("%s %d to %d.", help, lo, hi)},
		set: func(c *Config, v string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			// Range is checked before converting so an int64 never wraps into range.
			if err != nil || n < int64(lo) || n > int64(hi) {
				return problem(v)
			}
			*field(c) = T(n)
			return nil
		},
		get: func(c *Config) string { return strconv.FormatInt(int64(*field(c)), 10) },
		check: func(c *Config) error {
			if n := *field(c); n < lo || n > hi {
				return problem(strconv.FormatInt(int64(n), 10))
			}
			return nil
		},
	}
}

func duration(name string, def, lo, hi time.Duration, help string, field func(*Config) *time.Duration) setting {
	problem := func(got string) *Error {
		return invalid(name, "must be a duration from %s to %s, written like 45s, 10m or 1h30m (got %q)", shortDuration(lo), shortDuration(hi), got)
	}
	return setting{
		KeySpec: KeySpec{Name: name, Default: shortDuration(def), Help: fmt.Sprintf("%s %s to %s.", help, shortDuration(lo), shortDuration(hi))},
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return problem(v)
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) string { return shortDuration(*field(c)) },
		check: func(c *Config) error {
			if d := *field(c); d < lo || d > hi {
				return problem(shortDuration(d))
			}
			return nil
		},
	}
}

// shortDuration drops the zero units time.Duration.String adds: "10m", not "10m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func boolean(name string, def bool, help string, field func(*Config) *bool) setting {
	return setting{
		KeySpec: KeySpec{Name: name, Default: strconv.FormatBool(def), Help: help + " Either true or false."},
		set: func(c *Config, v string) error {
			b, ok := parseBool(v)
			if !ok {
				return invalid(name, "must be true or false (got %q)", v)
			}
			*field(c) = b
			return nil
		},
		get: func(c *Config) string { return strconv.FormatBool(*field(c)) },
	}
}

// parseBool accepts the spellings people put in .env files, not only Go's.
func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes", "on", "t", "y":
		return true, true
	case "false", "0", "no", "off", "f", "n":
		return false, true
	}
	return false, false
}

func enum[T ~string](name string, def T, allowed []T, help string, field func(*Config) *T) setting {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	list := strings.Join(names, ", ")
	problem := func(got string) *Error { return invalid(name, "must be one of %s (got %q)", list, got) }
	return setting{
		KeySpec: KeySpec{Name: name, Default: string(def), Help: help + " One of " + list + "."},
		set: func(c *Config, v string) error {
			*field(c) = T(strings.ToLower(strings.TrimSpace(v)))
			return nil
		},
		get: func(c *Config) string { return string(*field(c)) },
		check: func(c *Config) error {
			for _, a := range allowed {
				if *field(c) == a {
					return nil
				}
			}
			return problem(string(*field(c)))
		},
	}
}

var logLevels = []struct {
	name  string
	level slog.Level
}{{"debug", slog.LevelDebug}, {"info", slog.LevelInfo}, {"warn", slog.LevelWarn}, {"error", slog.LevelError}}

func logLevel(name, def, help string, field func(*Config) *slog.Level) setting {
	problem := func(got string) *Error { return invalid(name, "must be one of debug, info, warn, error (got %q)", got) }
	return setting{
		KeySpec: KeySpec{Name: name, Default: def, Help: help + " One of debug, info, warn, error."},
		set: func(c *Config, v string) error {
			v = strings.ToLower(strings.TrimSpace(v))
			for _, l := range logLevels {
				if l.name == v {
					*field(c) = l.level
					return nil
				}
			}
			return problem(v)
		},
		get: func(c *Config) string { return strings.ToLower(field(c).String()) },
		check: func(c *Config) error {
			for _, l := range logLevels {
				if l.level == *field(c) {
					return nil
				}
			}
			return problem(strings.ToLower(field(c).String()))
		},
	}
}

func timezone(name, def, help string, field func(*Config) **time.Location) setting {
	problem := func(got string) *Error {
		return invalid(name, "must be an IANA time zone name such as UTC or America/New_York (got %q)", got)
	}
	return setting{
		KeySpec: KeySpec{Name: name, Default: def, Help: help},
		set: func(c *Config, v string) error {
			v = strings.TrimSpace(v)
			loc, err := time.LoadLocation(v)
			// LoadLocation reads "" as UTC; an empty name is a mistake, not a choice.
			if err != nil || v == "" {
				return problem(v)
			}
			*field(c) = loc
			return nil
		},
		get: func(c *Config) string {
			if *field(c) == nil {
				return ""
			}
			return (*field(c)).String()
		},
		check: func(c *Config) error {
			if *field(c) == nil {
				return problem("")
			}
			return nil
		},
	}
}

func privateNetworks(name, help string) setting {
	problem := func(got string) *Error {
		return invalid(name, "must be empty, false, true, or a comma-separated list of CIDRs or IPs such as 10.0.0.0/8,192.168.1.5 (got %q)", got)
	}
	return setting{
		KeySpec: KeySpec{Name: name, Help: help},
		set: func(c *Config, v string) error {
			all, prefixes, ok := parseNetworks(v)
			if !ok {
				return problem(v)
			}
			c.AllowPrivateNetworks, c.AllowedNetworks = all, prefixes
			return nil
		},
		get: func(c *Config) string {
			if c.AllowPrivateNetworks {
				return "true"
			}
			parts := make([]string, len(c.AllowedNetworks))
			for i, p := range c.AllowedNetworks {
				parts[i] = p.String()
			}
			return strings.Join(parts, ",")
		},
		check: func(c *Config) error {
			for _, p := range c.AllowedNetworks {
				if !p.IsValid() {
					return problem(p.String())
				}
			}
			return nil
		},
	}
}

// parseNetworks reads "", "false", "true" or "10.0.0.0/8,192.168.1.5".
// Single addresses become one-address prefixes; host bits are masked off so
// "10.1.2.3/8" means 10.0.0.0/8.
func parseNetworks(v string) (all bool, prefixes []netip.Prefix, ok bool) {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "", "false":
		return false, nil, true
	case "true":
		return true, nil, true
	}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if p, err := netip.ParsePrefix(part); err == nil {
			prefixes = append(prefixes, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil || a.Zone() != "" {
			return false, nil, false
		}
		prefixes = append(prefixes, netip.PrefixFrom(a, a.BitLen()))
	}
	return false, prefixes, true
}

func scoreWeights(name, help string) setting {
	components := strings.Join(scout.ComponentNames, ", ")
	return setting{
		KeySpec: KeySpec{Name: name, Help: help + " Names: " + components + "; weights 0 to 100."},
		set: func(c *Config, v string) error {
			w, problem := parseWeights(v)
			if problem != "" {
				return invalid(name, "%s (got %q)", problem, v)
			}
			c.ScoreWeights = w
			return nil
		},
		get: func(c *Config) string { return formatWeights(c.ScoreWeights) },
		check: func(c *Config) error {
			for _, n := range sortedWeightNames(c.ScoreWeights) {
				if problem := checkWeight(n, c.ScoreWeights[n]); problem != "" {
					return invalid(name, "%s (got %q)", problem, formatWeights(c.ScoreWeights))
				}
			}
			return nil
		},
	}
}
