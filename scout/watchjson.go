package scout

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// watchJSON is the documented shape of a watch for `watch list --json`,
// export and import (DESIGN.md §3): prices in currency units, durations as
// Go duration strings. Fields may be added; these keep their names.
type watchJSON struct {
	Name       string         `json:"name"`
	Query      string         `json:"query"`
	Exclude    []string       `json:"exclude"`
	Sources    []string       `json:"sources"`
	MinPrice   *json.Number   `json:"min_price"`
	MaxPrice   *json.Number   `json:"max_price"`
	Currency   string         `json:"currency"`
	Conditions []Condition    `json:"conditions"`
	ZIP        string         `json:"zip"`
	Lat        *float64       `json:"lat"`
	Lng        *float64       `json:"lng"`
	RadiusMi   float64        `json:"radius_mi"`
	MinScore   float64        `json:"min_score"`
	Notify     []string       `json:"notify"`
	Every      string         `json:"every"`
	Digest     string         `json:"digest"`
	Quiet      string         `json:"quiet"`
	Paused     bool           `json:"paused"`
	Settings   *WatchSettings `json:"settings,omitempty"`
}

// MarshalJSON writes the documented watch shape.
func (w Watch) MarshalJSON() ([]byte, error) {
	j := watchJSON{Name: w.Name, Query: w.Query, Exclude: nonNilStrings(w.Exclude), Sources: nonNilStrings(w.Sources),
		Currency: w.Currency, Conditions: w.Conditions, ZIP: w.ZIP, RadiusMi: w.RadiusMi, MinScore: w.MinScore,
		Notify: nonNilStrings(w.Notify), Every: FormatEvery(w.Every), Digest: w.Digest, Quiet: w.Quiet, Paused: w.Paused,
		Settings: &w.Settings}
	if j.Conditions == nil {
		j.Conditions = []Condition{}
	}
	if w.MinPriceCents != nil {
		n := json.Number(FormatCents(*w.MinPriceCents))
		j.MinPrice = &n
	}
	if w.MaxPriceCents != nil {
		n := json.Number(FormatCents(*w.MaxPriceCents))
		j.MaxPrice = &n
	}
	if w.HasCoords && w.ZIP == "" {
		j.Lat, j.Lng = &w.Lat, &w.Lng
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the documented shape; absent fields take the defaults of
// NewWatch. Call Validate afterwards.
func (w *Watch) UnmarshalJSON(b []byte) error {
	defaults := DefaultSettings()
	j := watchJSON{Settings: &defaults} // decoding into it keeps defaults for absent keys
	if err := json.Unmarshal(b, &j); err != nil {
		if fe := priceFieldError(b); fe != nil {
			return fe
		}
		return err
	}
	nw := NewWatch(j.Name)
	nw.Query, nw.Exclude, nw.ZIP, nw.RadiusMi, nw.Notify, nw.Quiet, nw.Paused = j.Query, j.Exclude, j.ZIP, j.RadiusMi, j.Notify, j.Quiet, j.Paused
	if j.Sources != nil {
		nw.Sources = j.Sources
	}
	if j.Currency != "" {
		nw.Currency = j.Currency
	}
	nw.Conditions = j.Conditions
	if j.Digest != "" {
		nw.Digest = j.Digest
	}
	if !jsonHas(b, "min_score") {
		j.MinScore = DefaultMinScore
	}
	nw.MinScore = j.MinScore
	if j.Every != "" {
		d, err := time.ParseDuration(j.Every)
		if err != nil {
			return &FieldError{"every", fmt.Sprintf("%q is not a duration like 15m or 1h", j.Every)}
		}
		nw.Every = d
	}
	for _, p := range []struct {
		field string
		in    *json.Number
		out   **int64
	}{{"min_price", j.MinPrice, &nw.MinPriceCents}, {"max_price", j.MaxPrice, &nw.MaxPriceCents}} {
		if p.in == nil {
			continue
		}
		c, err := ParseAmount(p.in.String())
		if err != nil {
			return &FieldError{p.field, err.Error()}
		}
		*p.out = &c
	}
	if j.Lat != nil || j.Lng != nil {
		if j.Lat == nil || j.Lng == nil {
			return &FieldError{"lat", "lat and lng must be given together"}
		}
		nw.HasCoords, nw.Lat, nw.Lng = true, *j.Lat, *j.Lng
	}
	nw.Settings = *j.Settings
	*w = nw
	return nil
}

// priceFieldError names the price key that failed to decode: encoding/json
// reports a bad json.Number ("invalid number literal") without its key.
func priceFieldError(b []byte) *FieldError {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	for _, field := range []string{"min_price", "max_price"} {
		raw, ok := m[field]
		var n *json.Number
		if ok && json.Unmarshal(raw, &n) != nil {
			return &FieldError{field, fmt.Sprintf("%.40s is not a price such as 149.99", raw)}
		}
	}
	return nil
}

// FormatEvery renders a poll interval the way users type it: "15m", "1h30m".
func FormatEvery(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func jsonHas(b []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}
