package scout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
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
	// Strict: a misspelt key ("max_prise") would otherwise be dropped and the
	// watch stored without the limit the user meant.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		if fe := priceFieldError(b); fe != nil {
			return fe
		}
		return PlainJSONError(err)
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

// watchFields are the keys a watch object may have, for suggestions.
var watchFields = []string{"name", "query", "exclude", "sources", "min_price", "max_price", "currency", "conditions", "zip",
	"lat", "lng", "radius_mi", "min_score", "notify", "every", "digest", "quiet", "paused", "settings"}

// PlainJSONError rewrites encoding/json's errors in the user's terms: the
// key and what it must be, never a Go type ("Go value of type
// []json.RawMessage"). Other errors pass through.
func PlainJSONError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var fe *FieldError
	switch {
	case errors.As(err, &fe):
		return err
	case errors.As(err, &te):
		if te.Field != "" {
			return &FieldError{te.Field, fmt.Sprintf("must be %s, not a JSON %s", jsonKind(te.Type), te.Value)}
		}
		return fmt.Errorf("expected %s, found a JSON %s", jsonKind(te.Type), te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		key, _ := strconv.Unquote(name)
		hint := ""
		if near := nearest(key, watchFields); near != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", near)
		}
		return &FieldError{key, "unknown field" + hint + "; a watch has " + strings.Join(watchFields, ", ")}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("the JSON ends too early")
	}
	return errors.New(strings.TrimPrefix(msg, "json: "))
}

// jsonKind names a Go type as the JSON value it decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a different value"
}

// nearest is the candidate within two edits of s, if any.
func nearest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
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
