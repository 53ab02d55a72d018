package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout"
)

// A deal's score components are stored as compact JSON in deals.components:
//
//	{"k":[[1,0.647,3,[0,17600],64.7],[4,0.1,9,19,-6],[5,0.944,4,[1,4],3.8],…],
//	 "m":[24850,6,"low",20300,14700,35000,30,"fair/poor",6,0.1,[["Oak table",27100,1],…]],"p":4019,"l":1}
//
// "k" lists the components in the order of componentNames, each as
// [name, value, weight, reason], with the component's points as a fifth
// element in a price-led score ("l":1). The name is its position in
// componentNames (or its words, for a name not in that list). The reason is
// one of:
//   - a number: its position in scout.FixedReasons;
//   - [template, numbers…]: a reason with numbers in it, kept as the numbers
//     and rebuilt by decodeReason from them (and, for the market, from
//     "m" and the points): 0 is the market reason of a price-led score,
//     [0, unit price in cents] in US dollars or [0, cents, "EUR"]; 1 and 2
//     are "posted N hours ago" and "posted N days ago", [1, N]; 3 is
//     "D mi away (scored against R mi)", [3, D, R]; 4 is "N photos", [4, N];
//   - its words, a string, for every other reason.
//
// The encoder uses a template only when rebuilding gives back the very same
// words, so storing loses nothing, whatever scoring writes.
// "m" is the market as [median_cents, samples, confidence, iqr_cents,
// p25_cents, p75_cents, window_days, condition], followed for a market of
// similar listings by similar, similarity_floor and [[title, price_cents,
// similarity], …] of a few comps, and is left out when there is no market at
// all; "p" is the profit estimate in cents (absent when there is none); "f":1
// marks the original Deal Scout formula. The total lives in deals.score.
//
// It is compact because a full re-score rewrites every deal row, and the
// bytes of those rows are what the re-score's commit writes and its index
// rebuild reads: scout.Score's own JSON is about 780 bytes a deal, the "c"
// layout before this one (the components as an object of
// name: [value, weight, reason, points], reasons other than the fixed ones in
// words) about 500, this one about 320. Rows written in either older layout
// keep it until they are scored again; decodeScore reads all three.

// componentNames numbers the components for storage. Entries are only ever
// added at the end: stored rows refer to them by position.
var componentNames = []string{"price", "market", "limit", "free", "condition", "recency", "distance", "photos", "keyword", "risk"}

// Reason templates (see above).
const (
	templateMarketPoints = 0
	templatePostedHours  = 1
	templatePostedDays   = 2
	templateDistance     = 3
	templatePhotos       = 4
)

// AppendComponents appends the stored form of s to b. Identical scores encode
// to identical bytes, which is how UpdateScores skips unchanged rows. It fails
// only for a NaN or infinite value, which JSON cannot hold.
func AppendComponents(b []byte, s scout.Score) ([]byte, error) {
	var err error
	b = append(b, `{"k":[`...)
	n := 0
	for i, name := range componentNames {
		c, ok := s.Components[name]
		if !ok {
			continue
		}
		if b, err = appendComponent(b, n, strconv.Itoa(i), name, c, &s); err != nil {
			return nil, err
		}
		n++
	}
	if n < len(s.Components) {
		// Names scoring may add later, in a fixed order.
		var other []string
		for name := range s.Components {
			if !slices.Contains(componentNames, name) {
				other = append(other, name)
			}
		}
		slices.Sort(other)
		for _, name := range other {
			if b, err = appendComponent(b, n, string(appendJSONString(nil, name)), name, s.Components[name], &s); err != nil {
				return nil, err
			}
			n++
		}
	}
	b = append(b, ']')
	if b, err = appendMarket(b, &s.Market); err != nil {
		return nil, err
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

// appendMarket appends ,"m":[…] for a market with anything to store.
func appendMarket(b []byte, mp *scout.Market) ([]byte, error) {
	m := *mp
	if marketEmpty(m) {
		return b, nil
	}
	var err error
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
	return b, nil
}

// appendComponent appends one element of "k": [key, value, weight, reason],
// then the points if any; the n-th element is preceded by a comma.
func appendComponent(b []byte, n int, key, name string, c scout.Component, s *scout.Score) ([]byte, error) {
	var err error
	if n > 0 {
		b = append(b, ',')
	}
	b = append(append(b, '['), key...)
	b = append(b, ',')
	if b, err = appendJSONFloat(b, c.Value); err != nil {
		return nil, fmt.Errorf("store: component %s: %w", name, err)
	}
	b = append(b, ',')
	if b, err = appendJSONFloat(b, c.Weight); err != nil {
		return nil, fmt.Errorf("store: component %s weight: %w", name, err)
	}
	b = appendReason(append(b, ','), name, c, s)
	if c.Points != 0 {
		b = append(b, ',')
		if b, err = appendJSONFloat(b, c.Points); err != nil {
			return nil, fmt.Errorf("store: component %s points: %w", name, err)
		}
	}
	return append(b, ']'), nil
}

// appendReason appends a component's reason in the shortest of its stored
// forms that gives back its very words.
func appendReason(b []byte, name string, c scout.Component, s *scout.Score) []byte {
	r := c.Reason
	switch name {
	case scout.CompMarket:
		if !s.PriceLed || s.Market.MedianCents <= 0 {
			break
		}
		cents, cur, ok := leadingPrice(r)
		if !ok {
			break
		}
		var buf [256]byte
		if string(scout.AppendMarketPointsReason(buf[:0], cents, cur, &s.Market, c.Points)) != r {
			break
		}
		b = strconv.AppendInt(append(b, '[', '0'+templateMarketPoints, ','), cents, 10)
		if cur != scout.DefaultCurrency {
			b = appendJSONString(append(b, ','), cur)
		}
		return append(b, ']')
	case scout.CompRecency:
		rest, ok := strings.CutPrefix(r, "posted ")
		if !ok {
			break
		}
		t := byte(templatePostedHours)
		num, ok := strings.CutSuffix(rest, " hours ago")
		if !ok {
			t = templatePostedDays
			if num, ok = strings.CutSuffix(rest, " days ago"); !ok {
				break
			}
		}
		if k, err := strconv.ParseInt(num, 10, 64); err == nil && strconv.FormatInt(k, 10) == num {
			b = strconv.AppendInt(append(b, '[', '0'+t, ','), k, 10)
			return append(b, ']')
		}
	case scout.CompDistance:
		d, rest, ok := strings.Cut(r, " mi away (scored against ")
		if !ok {
			break
		}
		h, ok := strings.CutSuffix(rest, " mi)")
		if !ok {
			break
		}
		df, err1 := strconv.ParseFloat(d, 64)
		hf, err2 := strconv.ParseFloat(h, 64)
		if err1 != nil || err2 != nil || !finite(df) || !finite(hf) {
			break // an infinite distance stays in words: JSON has no number for it
		}
		var buf [96]byte
		if string(appendDistanceReason(buf[:0], df, hf)) != r {
			break
		}
		b, _ = appendJSONFloat(append(b, '[', '0'+templateDistance, ','), df) // finite, so no error
		b, _ = appendJSONFloat(append(b, ','), hf)
		return append(b, ']')
	case scout.CompPhotos:
		num, ok := strings.CutSuffix(r, " photos")
		if !ok {
			break
		}
		if k, err := strconv.ParseInt(num, 10, 64); err == nil && strconv.FormatInt(k, 10) == num {
			b = strconv.AppendInt(append(b, '[', '0'+templatePhotos, ','), k, 10)
			return append(b, ']')
		}
	}
	if i, ok := fixedReason[r]; ok {
		return strconv.AppendInt(b, int64(i), 10)
	}
	return appendJSONString(b, r)
}

// wholeTemplateReason rebuilds the words of a template whose number is a
// whole one: the market reason from its unit price (and currency, the market
// and the points), "posted N hours/days ago" and "N photos". ok is false for
// a market template without a market, and for any other template.
func wholeTemplateReason(kind, n int64, cur string, m *scout.Market, points float64) (string, bool) {
	switch kind {
	case templateMarketPoints:
		if m.MedianCents <= 0 {
			return "", false
		}
		return string(scout.AppendMarketPointsReason(nil, n, cur, m, points)), true
	case templatePostedHours:
		return "posted " + strconv.FormatInt(n, 10) + " hours ago", true
	case templatePostedDays:
		return "posted " + strconv.FormatInt(n, 10) + " days ago", true
	case templatePhotos:
		return strconv.FormatInt(n, 10) + " photos", true
	}
	return "", false
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// appendDistanceReason appends "D mi away (scored against R mi)", D with one
// decimal and R as short as it reads back: the words scout's distance
// reason had when template 3 was made.
func appendDistanceReason(b []byte, d, horizon float64) []byte {
	b = strconv.AppendFloat(b, d, 'f', 1, 64)
	b = strconv.AppendFloat(append(b, " mi away (scored against "...), horizon, 'f', -1, 64)
	return append(b, " mi)"...)
}

// leadingPrice reads the price a market reason starts with, as appendMoney
// writes it ("$176", "€12.50"): a symbol, whole units and perhaps two
// decimals. ok is false for anything else, which is then stored in words.
func leadingPrice(r string) (cents int64, currency string, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(r, "$"):
		currency, rest = "USD", r[len("$"):]
	case strings.HasPrefix(r, "€"):
		currency, rest = "EUR", r[len("€"):]
	case strings.HasPrefix(r, "£"):
		currency, rest = "GBP", r[len("£"):]
	default:
		return 0, "", false
	}
	digits := 0
	for digits < len(rest) && digits < 15 && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	if digits == 0 {
		return 0, "", false
	}
	whole, _ := strconv.ParseInt(rest[:digits], 10, 64) // at most 15 digits
	cents = whole * 100
	if len(rest) > digits+2 && rest[digits] == '.' && isDigit(rest[digits+1]) && isDigit(rest[digits+2]) {
		cents += int64(rest[digits+1]-'0')*10 + int64(rest[digits+2]-'0')
	}
	// Whatever was misread, rebuilding the reason from it gives other words
	// and the caller keeps the words.
	return cents, currency, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// marketEmpty reports a market with nothing to store.
func marketEmpty(m scout.Market) bool {
	return m.MedianCents == 0 && m.Samples == 0 && m.Confidence == "" && m.IQRCents == 0 && m.P25Cents == 0 &&
		m.P75Cents == 0 && m.WindowDays == 0 && m.Condition == "" && m.Similar == 0 && m.Floor == 0 && len(m.Examples) == 0
}

// storedScore is the compact layout, for decoding.
type storedScore struct {
	K []json.RawMessage          `json:"k"`
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
	if fast, ok := decodeFast(b, total); ok {
		return fast, nil
	}
	return decodeScoreJSON(b, total)
}

// decodeScoreJSON is decodeScore with encoding/json, for every layout.
func decodeScoreJSON(b []byte, total float64) (scout.Score, error) {
	var s scout.Score
	var st storedScore
	if err := json.Unmarshal(b, &st); err != nil {
		return s, err
	}
	if st.M != nil {
		s.Market = scout.Market(*st.M)
	}
	s.Total, s.ProfitCents, s.Fallback, s.PriceLed = total, st.P, st.F == 1, st.L == 1
	if st.K != nil {
		s.Components = make(map[string]scout.Component, len(st.K))
		for _, raw := range st.K {
			name, c, err := decodeComponent(raw, &s.Market)
			if err != nil {
				return s, fmt.Errorf("component %s: %w", raw, err)
			}
			s.Components[name] = c
		}
		return s, nil
	}
	if st.C == nil {
		// The oldest layout: scout.Score's own JSON.
		s = scout.Score{}
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
	return s, nil
}

// decodeComponent reads one element of "k"; m is the score's market, which
// the market reason's template refers to.
func decodeComponent(raw json.RawMessage, m *scout.Market) (string, scout.Component, error) {
	var c scout.Component
	var key, reason json.RawMessage
	if err := unmarshalTuple(raw, &key, &c.Value, &c.Weight, &reason); err != nil {
		if err2 := unmarshalTuple(raw, &key, &c.Value, &c.Weight, &reason, &c.Points); err2 != nil {
			return "", c, err
		}
	}
	var name string
	if len(key) > 0 && key[0] == '"' {
		if err := json.Unmarshal(key, &name); err != nil {
			return "", c, err
		}
	} else {
		var i int
		if err := json.Unmarshal(key, &i); err != nil {
			return "", c, err
		}
		if i < 0 || i >= len(componentNames) {
			return "", c, fmt.Errorf("component number %d is not one of the %d known", i, len(componentNames))
		}
		name = componentNames[i]
	}
	var err error
	c.Reason, err = decodeReason(reason, m, c.Points)
	return name, c, err
}

// decodeReason reads a stored reason: words, a fixed reason's position, or
// a template with its numbers.
func decodeReason(raw json.RawMessage, m *scout.Market, points float64) (string, error) {
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var r string
		err := json.Unmarshal(raw, &r)
		return r, err
	case len(raw) > 0 && raw[0] == '[':
		var t []json.RawMessage
		if err := json.Unmarshal(raw, &t); err != nil {
			return "", err
		}
		var kind, n int64
		if len(t) < 2 || json.Unmarshal(t[0], &kind) != nil {
			return "", fmt.Errorf("reason template %s: want [template, number, …]", raw)
		}
		if kind != templateDistance && json.Unmarshal(t[1], &n) != nil {
			return "", fmt.Errorf("reason template %s: want a whole number after the template", raw)
		}
		switch {
		case kind == templateMarketPoints && len(t) <= 3:
			cur := scout.DefaultCurrency
			if len(t) == 3 {
				if err := json.Unmarshal(t[2], &cur); err != nil {
					return "", fmt.Errorf("reason template %s: currency: %w", raw, err)
				}
			}
			if r, ok := wholeTemplateReason(kind, n, cur, m, points); ok {
				return r, nil
			}
			return "", fmt.Errorf("reason template %s: no market to rebuild it against", raw)
		case (kind == templatePostedHours || kind == templatePostedDays || kind == templatePhotos) && len(t) == 2:
			r, _ := wholeTemplateReason(kind, n, "", m, points) // these always rebuild
			return r, nil
		case kind == templateDistance && len(t) == 3:
			var d, h float64
			if json.Unmarshal(t[1], &d) != nil || json.Unmarshal(t[2], &h) != nil {
				return "", fmt.Errorf("reason template %s: want [3, miles, radius]", raw)
			}
			return string(appendDistanceReason(nil, d, h)), nil
		}
		return "", fmt.Errorf("reason template %s is not one this version knows", raw)
	}
	var i int
	if err := json.Unmarshal(raw, &i); err != nil {
		return "", err
	}
	if i < 0 || i >= len(scout.FixedReasons) {
		return "", fmt.Errorf("reason %d is not one of the %d fixed reasons", i, len(scout.FixedReasons))
	}
	return scout.FixedReasons[i], nil
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
