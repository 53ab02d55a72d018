package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout"
)

// A deal's score components are stored as compact JSON in deals.components:
//
//	{"c":{"condition":[0.6,2,"condition: good"],"risk":[1,1,1],…},
//	 "m":[45500,5,"low",3750,44000,47750,30,"excellent/great/good"],"p":-5915,"f":1}
//
// "c" maps each component to [value, weight, reason], where a reason that is
// one of scout.FixedReasons is its position in that list; "m" is the market as
// [median_cents, samples, confidence, iqr_cents, p25_cents, p75_cents,
// window_days, condition], followed for a market of similar listings by
// similar, similarity_floor and [[title, price_cents, similarity], …] of a few
// comps, and is left out when there is no market at all; a price-led score
// ("l":1) adds each component's points as a fourth element; "p"
// is the profit estimate in cents (absent when there is none); "f":1 marks the
// original Deal Scout formula. The total lives in deals.score.
//
// It is compact because a full re-score rewrites every deal row: the
// self-describing form (scout.Score's own JSON, about 780 bytes a deal) made
// a re-score of 100,000 deals write twice as many pages for the same facts.
// Rows written before this layout hold that form; decodeScore reads both.

// AppendComponents appends the stored form of s to b. Identical scores encode
// to identical bytes, which is how UpdateScores skips unchanged rows. It fails
// only for a NaN or infinite value, which JSON cannot hold.
func AppendComponents(b []byte, s scout.Score) ([]byte, error) {
	var err error
	names := make([]string, 0, len(s.Components))
	for name := range s.Components {
		names = append(names, name)
	}
	slices.Sort(names)
	b = append(b, `{"c":{`...)
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		c := s.Components[name]
		b = appendJSONString(b, name)
		b = append(b, ":["...)
		if b, err = appendJSONFloat(b, c.Value); err != nil {
			return nil, fmt.Errorf("store: component %s: %w", name, err)
		}
		b = append(b, ',')
		if b, err = appendJSONFloat(b, c.Weight); err != nil {
			return nil, fmt.Errorf("store: component %s weight: %w", name, err)
		}
		b = append(b, ',')
		if i, ok := fixedReason[c.Reason]; ok {
			b = strconv.AppendInt(b, int64(i), 10)
		} else {
			b = appendJSONString(b, c.Reason)
		}
		if c.Points != 0 {
			b = append(b, ',')
			if b, err = appendJSONFloat(b, c.Points); err != nil {
				return nil, fmt.Errorf("store: component %s points: %w", name, err)
			}
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if m := s.Market; !marketEmpty(m) {
		b = append(b, `,"m":[`...)
		b = strconv.AppendInt(b, m.MedianCents, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(m.Samples), 10)
		b = append(b, ',')
		b = appendJSONString(b, m.Confidence)
		for _, v := range []int64{m.IQRCents, m.P25Cents, m.P75Cents, int64(m.WindowDays)} {
			b = append(b, ',')
			b = strconv.AppendInt(b, v, 10)
		}
		b = append(b, ',')
		b = appendJSONString(b, m.Condition)
		if m.Similar > 0 || m.Floor > 0 || len(m.Examples) > 0 {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(m.Similar), 10)
			b = append(b, ',')
			if b, err = appendJSONFloat(b, m.Floor); err != nil {
				return nil, fmt.Errorf("store: market similarity floor: %w", err)
			}
			b = append(b, ",["...)
			for i, e := range m.Examples {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = appendJSONString(b, e.Title)
				b = append(b, ',')
				b = strconv.AppendInt(b, e.PriceCents, 10)
				b = append(b, ',')
				if b, err = appendJSONFloat(b, e.Similarity); err != nil {
					return nil, fmt.Errorf("store: comp similarity: %w", err)
				}
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	if s.ProfitCents != nil {
		b = append(b, `,"p":`...)
		b = strconv.AppendInt(b, *s.ProfitCents, 10)
	}
	if s.Fallback {
		b = append(b, `,"f":1`...)
	}
	if s.PriceLed {
		b = append(b, `,"l":1`...)
	}
	return append(b, '}'), nil
}

// marketEmpty reports a market with nothing to store.
func marketEmpty(m scout.Market) bool {
	return m.MedianCents == 0 && m.Samples == 0 && m.Confidence == "" && m.IQRCents == 0 && m.P25Cents == 0 &&
		m.P75Cents == 0 && m.WindowDays == 0 && m.Condition == "" && m.Similar == 0 && m.Floor == 0 && len(m.Examples) == 0
}

// storedScore is the compact layout, for decoding.
type storedScore struct {
	C map[string]storedComponent `json:"c"`
	M *storedMarket              `json:"m"`
	P *int64                     `json:"p"`
	F int                        `json:"f"`
	L int                        `json:"l"`
}

type storedComponent scout.Component

func (c *storedComponent) UnmarshalJSON(b []byte) error {
	var reason json.RawMessage
	// [value, weight, reason] or, in a price-led score, [value, weight, reason, points].
	if err := unmarshalTuple(b, &c.Value, &c.Weight, &reason); err != nil {
		if err2 := unmarshalTuple(b, &c.Value, &c.Weight, &reason, &c.Points); err2 != nil {
			return err
		}
	}
	if len(reason) > 0 && reason[0] == '"' {
		return json.Unmarshal(reason, &c.Reason)
	}
	var i int
	if err := json.Unmarshal(reason, &i); err != nil {
		return err
	}
	if i < 0 || i >= len(scout.FixedReasons) {
		return fmt.Errorf("reason %d is not one of the %d fixed reasons", i, len(scout.FixedReasons))
	}
	c.Reason = scout.FixedReasons[i]
	return nil
}

// fixedReason is the position of each of scout.FixedReasons, which the
// stored form writes instead of the words: a fifth of a deal's bytes.
var fixedReason = func() map[string]int {
	m := make(map[string]int, len(scout.FixedReasons))
	for i, r := range scout.FixedReasons {
		if _, dup := m[r]; !dup {
			m[r] = i
		}
	}
	return m
}()

type storedMarket scout.Market

func (m *storedMarket) UnmarshalJSON(b []byte) error {
	err := unmarshalTuple(b, &m.MedianCents, &m.Samples, &m.Confidence, &m.IQRCents, &m.P25Cents, &m.P75Cents,
		&m.WindowDays, &m.Condition)
	if err == nil {
		return nil
	}
	// A market from similar listings adds [similar, floor, [[title, price, similarity], …]].
	var examples []json.RawMessage
	if err2 := unmarshalTuple(b, &m.MedianCents, &m.Samples, &m.Confidence, &m.IQRCents, &m.P25Cents, &m.P75Cents,
		&m.WindowDays, &m.Condition, &m.Similar, &m.Floor, &examples); err2 != nil {
		return err
	}
	m.Examples = nil
	for _, raw := range examples {
		var e scout.CompExample
		if err := unmarshalTuple(raw, &e.Title, &e.PriceCents, &e.Similarity); err != nil {
			return fmt.Errorf("comp example: %w", err)
		}
		m.Examples = append(m.Examples, e)
	}
	return nil
}

// unmarshalTuple reads a JSON array into dst, one element each.
func unmarshalTuple(b []byte, dst ...any) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if len(raw) != len(dst) {
		return fmt.Errorf("%d fields, want %d", len(raw), len(dst))
	}
	for i, r := range raw {
		if err := json.Unmarshal(r, dst[i]); err != nil {
			return err
		}
	}
	return nil
}

// decodeScore reads stored components, in the compact layout or in the
// self-describing one that rows written before it hold, with total as the
// score.
func decodeScore(b []byte, total float64) (scout.Score, error) {
	var s scout.Score
	if len(b) == 0 {
		return s, errors.New("no components")
	}
	var st storedScore
	if err := json.Unmarshal(b, &st); err != nil {
		return s, err
	}
	if st.C == nil {
		// The older layout: scout.Score's own JSON.
		if err := json.Unmarshal(b, &s); err != nil {
			return s, err
		}
		s.Total = total
		return s, nil
	}
	s.Components = make(map[string]scout.Component, len(st.C))
	for name, c := range st.C {
		s.Components[name] = scout.Component(c)
	}
	if st.M != nil {
		s.Market = scout.Market(*st.M)
	}
	s.Total, s.ProfitCents, s.Fallback, s.PriceLed = total, st.P, st.F == 1, st.L == 1
	return s, nil
}

var errNotFinite = errors.New("NaN or infinite value")

// appendJSONFloat formats f as encoding/json does: the shortest form that
// reads back as the same float, in exponent form only for very small or large
// magnitudes.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errNotFinite
	}
	abs := math.Abs(f)
	if tenths := math.Round(f * 10); f != 0 && abs < 1e15 && tenths/10 == f {
		// Points and spans have at most one decimal: written directly, they
		// read back as f and are what strconv's shortest form gives, a
		// seventh of a re-score's encoding time saved.
		return appendTenths(b, int64(tenths)), nil
	}
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		return strconv.AppendFloat(b, f, 'f', -1, 64), nil
	}
	n := len(b)
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	// Like encoding/json: e-07 becomes e-7.
	if k := len(b) - n; k >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
		b[len(b)-2] = b[len(b)-1]
		b = b[:len(b)-1]
	}
	return b, nil
}

// appendTenths writes t/10 as strconv.AppendFloat(b, t/10, 'f', -1, 64)
// does for a value of at most one decimal: "87.9", "-40", "0".
func appendTenths(b []byte, t int64) []byte {
	if t < 0 {
		b, t = append(b, '-'), -t
	}
	b = strconv.AppendInt(b, t/10, 10)
	if d := t % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

// appendJSONString quotes plain printable ASCII and valid UTF-8 directly and
// leaves anything that needs escaping (quotes, controls, <, >, &, U+2028,
// U+2029, invalid UTF-8) to encoding/json, byte for byte as it writes them.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			// Valid UTF-8 is written as is, as encoding/json does ("→" in
			// every price-led reason), except U+2028 and U+2029, which it
			// escapes, and invalid bytes, which it replaces.
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
				q, _ := json.Marshal(s) // a string always encodes
				return append(b, q...)
			}
			i += size
			continue
		}
		if c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
		i++
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
