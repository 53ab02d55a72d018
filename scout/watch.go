package scout

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout/geo"
)

// Watch is a saved search: what to look for, where, and how to alert.
type Watch struct {
	ID            int64
	Name          string
	Query         string
	Exclude       []string
	Sources       []string // source specs, e.g. "ebay", "feed:https://…"
	MinPriceCents *int64   // nil = no lower bound
	MaxPriceCents *int64   // nil = no upper bound
	Currency      string
	Conditions    []Condition // empty = any
	ZIP           string
	HasCoords     bool
	Lat, Lng      float64
	RadiusMi      float64 // 0 = anywhere
	// MinScore is the alert threshold: a deal scoring at least this alerts at once.
	MinScore float64
	Notify   []string      // channel names
	Every    time.Duration // least time between two polls
	Digest   string        // "daily@08:00", "hourly" or "off"
	Quiet    string        // "22:00-07:00" or "" for none
	Paused   bool
	Settings WatchSettings
	// Backfilled is set once the first poll has stored what the sources already
	// offered, so later polls alert on what is new.
	Backfilled   bool
	LastPolledAt time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// WatchSettings are the per-watch knobs most users leave at their defaults.
type WatchSettings struct {
	PriceDropPct     float64            `json:"price_drop_pct"`      // instant alert on a drop of at least this %
	BreakThrough     float64            `json:"break_through"`       // score that ignores quiet hours
	FeePct           float64            `json:"fee_pct"`             // marketplace fee for profit estimates
	ShippingCents    int64              `json:"shipping_cents"`      // shipping cost for profit estimates
	TravelCentsPerMi int64              `json:"travel_cents_per_mi"` // cost per mile driven, for profit estimates
	AlertFree        bool               `json:"alert_free"`          // instant alert on free items
	Weights          map[string]float64 `json:"weights,omitempty"`   // score weight overrides by component
	SellerMessage    string             `json:"seller_message,omitempty"`
}

// Watch defaults applied by NewWatch and by import when a field is absent.
const (
	DefaultMinScore     = 75
	DefaultEvery        = 15 * time.Minute
	DefaultDigest       = "daily@08:00"
	DefaultCurrency     = "USD"
	DefaultPriceDropPct = 10
	DefaultBreakThrough = 95
	DefaultFeePct       = 13
)

// DefaultSettings are the settings a new watch starts with.
func DefaultSettings() WatchSettings {
	return WatchSettings{PriceDropPct: DefaultPriceDropPct, BreakThrough: DefaultBreakThrough, FeePct: DefaultFeePct, AlertFree: true}
}

// NewWatch returns a watch with every default set.
func NewWatch(name string) Watch {
	return Watch{Name: name, Currency: DefaultCurrency, MinScore: DefaultMinScore, Every: DefaultEvery,
		Digest: DefaultDigest, Sources: []string{KindDemo}, Settings: DefaultSettings()}
}

// FieldError is a validation failure of one named field; the CLI exits 2 on it.
type FieldError struct {
	Field   string // the JSON key (and, with dashes, the CLI flag)
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// IsFieldError reports whether err is (or wraps) a validation failure.
func IsFieldError(err error) bool {
	var fe *FieldError
	return errors.As(err, &fe)
}

// nameRE allows letters and digits of any script (with their combining
// marks: "café" typed either way), '.', '_' and '-'; no spaces or symbols, so
// a name needs no quoting in a shell, a URL or a log line. Compiled on first
// use: its Unicode classes cost every process about 0.5 ms at init, a cron
// poll with nothing due included, which names nothing.
var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{M}\p{N}._-]*$`) })

// MaxNameLen is the longest watch or channel name, in characters.
const MaxNameLen = 64

// ValidateName checks a watch or channel name: 1–64 letters (any script),
// digits, '.', '_' or '-', starting with a letter or digit. Names are unique
// whatever their case (the store checks that). A name too long is not echoed
// in full.
func ValidateName(field, name string) error {
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return &FieldError{field, fmt.Sprintf("%s is %d characters; a name is at most %d", ShortName(name), n, MaxNameLen)}
	}
	if !utf8.ValidString(name) || !nameRE().MatchString(name) {
		return &FieldError{field, fmt.Sprintf("%s must be 1–%d letters (any script), digits, '.', '_' or '-', starting with a letter or digit", ShortName(name), MaxNameLen)}
	}
	return nil
}

// ShortName quotes a name for a message, cut to 40 characters so a huge one
// is not echoed in full.
func ShortName(name string) string {
	r := []rune(name)
	if len(r) <= 40 {
		return strconv.Quote(name)
	}
	return strconv.Quote(string(r[:39])) + "…"
}

// Validate checks every field and cross-field rule, and fills coordinates from
// the ZIP. Channel names are checked by the caller, who knows which exist.
func (w *Watch) Validate(mode LegalMode) error {
	if err := ValidateName("name", w.Name); err != nil {
		return err
	}
	w.Query = strings.TrimSpace(w.Query)
	if w.Query == "" {
		return &FieldError{"query", "is required (what to search for, e.g. --query \"oak table\")"}
	}
	if len(w.Query) > 300 {
		return &FieldError{"query", "is longer than 300 characters"}
	}
	if problem := QueryProblem(w.Query, w.Exclude); problem != "" {
		return &FieldError{"query", problem}
	}
	for _, x := range w.Exclude {
		if strings.TrimSpace(x) == "" || len(x) > 100 {
			return &FieldError{"exclude", fmt.Sprintf("%q must be a non-empty word of at most 100 characters", x)}
		}
	}
	if len(w.Sources) == 0 {
		return &FieldError{"sources", "needs at least one source (ebay, feed:URL, craigslist:SITE, file:PATH or demo)"}
	}
	seen := map[string]bool{}
	for i, s := range w.Sources {
		spec, err := ParseSourceSpec(s)
		if err != nil {
			return &FieldError{"sources", err.Error()}
		}
		if err := spec.AllowedIn(mode); err != nil {
			return &FieldError{"sources", err.Error()}
		}
		if seen[spec.String()] {
			return &FieldError{"sources", fmt.Sprintf("%q is listed twice", s)}
		}
		seen[spec.String()] = true
		w.Sources[i] = spec.String()
	}
	for _, p := range []struct {
		field string
		v     *int64
	}{{"min_price", w.MinPriceCents}, {"max_price", w.MaxPriceCents}} {
		if p.v != nil && (*p.v < 0 || *p.v > MaxPriceCents) {
			return &FieldError{p.field, fmt.Sprintf("must be between 0 and 1000000 (got %s)", FormatCents(*p.v))}
		}
	}
	if w.MinPriceCents != nil && w.MaxPriceCents != nil && *w.MinPriceCents > *w.MaxPriceCents {
		return &FieldError{"min_price", fmt.Sprintf("min_price %s is more than max_price %s; min_price must be ≤ max_price",
			FormatCents(*w.MinPriceCents), FormatCents(*w.MaxPriceCents))}
	}
	w.Currency = strings.ToUpper(strings.TrimSpace(w.Currency))
	if w.Currency == "" {
		w.Currency = DefaultCurrency
	}
	if len(w.Currency) != 3 || strings.Trim(w.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return &FieldError{"currency", fmt.Sprintf("must be a 3-letter ISO code such as USD (got %q)", w.Currency)}
	}
	for i, c := range w.Conditions {
		parsed, err := ParseCondition(string(c))
		if err != nil {
			return &FieldError{"conditions", err.Error()}
		}
		w.Conditions[i] = parsed
	}
	if w.ZIP != "" {
		p, ok := geo.LookupZIP(w.ZIP)
		if !ok {
			return &FieldError{"zip", fmt.Sprintf("%q is not a known US ZIP code", w.ZIP)}
		}
		w.Lat, w.Lng, w.HasCoords = p.Lat, p.Lng, true
	} else if w.HasCoords && !geo.ValidPoint(w.Lat, w.Lng) {
		return &FieldError{"lat", fmt.Sprintf("lat %v, lng %v is not a valid position (lat -90..90, lng -180..180)", w.Lat, w.Lng)}
	}
	if w.RadiusMi != 0 && (w.RadiusMi < 1 || w.RadiusMi > 500 || math.IsNaN(w.RadiusMi)) {
		return &FieldError{"radius_mi", fmt.Sprintf("must be between 1 and 500 miles (got %v)", w.RadiusMi)}
	}
	if w.RadiusMi != 0 && !w.HasCoords {
		return &FieldError{"radius_mi", "needs a location: give zip, or lat and lng"}
	}
	if w.MinScore < 0 || w.MinScore > 100 || math.IsNaN(w.MinScore) {
		return &FieldError{"min_score", fmt.Sprintf("must be between 0 and 100 (got %v)", w.MinScore)}
	}
	for _, n := range w.Notify {
		if err := ValidateName("notify", n); err != nil {
			return err
		}
	}
	if w.Every < time.Minute || w.Every > 7*24*time.Hour {
		return &FieldError{"every", fmt.Sprintf("must be between 1m and 168h (got %s)", w.Every)}
	}
	if _, err := ParseDigest(w.Digest); err != nil {
		return &FieldError{"digest", err.Error()}
	}
	if _, err := ParseQuiet(w.Quiet); err != nil {
		return &FieldError{"quiet", err.Error()}
	}
	return w.Settings.validate()
}

func (s *WatchSettings) validate() error {
	switch {
	case s.PriceDropPct < 0 || s.PriceDropPct > 100:
		return &FieldError{"settings.price_drop_pct", fmt.Sprintf("must be 0–100 (got %v)", s.PriceDropPct)}
	case s.BreakThrough < 0 || s.BreakThrough > 100:
		return &FieldError{"settings.break_through", fmt.Sprintf("must be 0–100 (got %v)", s.BreakThrough)}
	case s.FeePct < 0 || s.FeePct > 100:
		return &FieldError{"settings.fee_pct", fmt.Sprintf("must be 0–100 (got %v)", s.FeePct)}
	case s.ShippingCents < 0 || s.ShippingCents > MaxPriceCents:
		return &FieldError{"settings.shipping_cents", "must be 0 or more"}
	case s.TravelCentsPerMi < 0 || s.TravelCentsPerMi > 10000:
		return &FieldError{"settings.travel_cents_per_mi", "must be 0–10000"}
	case len(s.SellerMessage) > 500:
		return &FieldError{"settings.seller_message", "is longer than 500 characters"}
	}
	for k, v := range s.Weights {
		if !IsComponent(k) {
			return &FieldError{"settings.weights", fmt.Sprintf("unknown component %q; use one of %s", k, strings.Join(ComponentNames, ", "))}
		}
		if v < 0 || v > 100 || math.IsNaN(v) {
			return &FieldError{"settings.weights", fmt.Sprintf("%s weight must be 0–100 (got %v)", k, v)}
		}
	}
	return nil
}

// Digest is a parsed digest schedule.
type Digest struct {
	Off    bool
	Hourly bool
	Hour   int // daily: local time of day
	Minute int
}

// ParseDigest accepts "off", "hourly" or "daily@HH:MM".
func ParseDigest(s string) (Digest, error) {
	switch s {
	case "off":
		return Digest{Off: true}, nil
	case "hourly":
		return Digest{Hourly: true}, nil
	}
	hm, ok := strings.CutPrefix(s, "daily@")
	if !ok {
		return Digest{}, fmt.Errorf("must be off, hourly or daily@HH:MM (got %q)", s)
	}
	h, m, err := parseClock(hm)
	if err != nil {
		return Digest{}, fmt.Errorf("must be off, hourly or daily@HH:MM (got %q): %v", s, err)
	}
	return Digest{Hour: h, Minute: m}, nil
}

// Quiet is a parsed quiet-hours window in local time; it may wrap midnight.
type Quiet struct {
	Set            bool
	Start, End     int // minutes after midnight
	StartH, StartM int
}

// ParseQuiet accepts "" (none) or "HH:MM-HH:MM".
func ParseQuiet(s string) (Quiet, error) {
	if s == "" || s == "off" {
		return Quiet{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Quiet{}, fmt.Errorf("must be HH:MM-HH:MM, e.g. 22:00-07:00 (got %q)", s)
	}
	h1, m1, err1 := parseClock(a)
	h2, m2, err2 := parseClock(b)
	if err := errors.Join(err1, err2); err != nil {
		return Quiet{}, fmt.Errorf("must be HH:MM-HH:MM, e.g. 22:00-07:00 (got %q): %v", s, err)
	}
	if h1 == h2 && m1 == m2 {
		return Quiet{}, fmt.Errorf("start and end are the same (%q)", s)
	}
	return Quiet{Set: true, Start: h1*60 + m1, End: h2*60 + m2}, nil
}

// Contains reports whether local time t falls inside the quiet window.
func (q Quiet) Contains(t time.Time) bool {
	if !q.Set {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// EndAfter returns the first moment at or after t (local) when the window ends.
func (q Quiet) EndAfter(t time.Time) time.Time {
	end := time.Date(t.Year(), t.Month(), t.Day(), q.End/60, q.End%60, 0, 0, t.Location())
	if !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

func parseClock(s string) (int, int, error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(hs) == 0 || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, fmt.Errorf("%q is not HH:MM", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, fmt.Errorf("%q is not a time of day between 00:00 and 23:59", s)
	}
	return h, m, nil
}
