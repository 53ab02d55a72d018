package scout

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
)

// AppendJSON appends the score encoded exactly as json.Marshal encodes it,
// without reflection: re-scoring 100,000 deals spent a fifth of its time in
// encoding/json's map encoder. Stored encodings are compared byte for byte,
// so the two must never differ; scorejson_test.go holds them to it.
func (s Score) AppendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"score":`...)
	if b, err = appendJSONFloat(b, s.Total); err != nil {
		return nil, err
	}
	b = append(b, `,"components":`...)
	if s.Components == nil {
		b = append(b, "null"...)
	} else {
		keys := make([]string, 0, len(s.Components))
		for k := range s.Components {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			c := s.Components[k]
			b = appendJSONString(b, k)
			b = append(b, `:{"value":`...)
			if b, err = appendJSONFloat(b, c.Value); err != nil {
				return nil, err
			}
			b = append(b, `,"weight":`...)
			if b, err = appendJSONFloat(b, c.Weight); err != nil {
				return nil, err
			}
			b = append(b, `,"reason":`...)
			b = appendJSONString(b, c.Reason)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	m := s.Market
	b = append(b, `,"market":{"median_cents":`...)
	b = strconv.AppendInt(b, m.MedianCents, 10)
	b = append(b, `,"samples":`...)
	b = strconv.AppendInt(b, int64(m.Samples), 10)
	b = append(b, `,"confidence":`...)
	b = appendJSONString(b, m.Confidence)
	b = append(b, `,"iqr_cents":`...)
	b = strconv.AppendInt(b, m.IQRCents, 10)
	b = append(b, `,"p25_cents":`...)
	b = strconv.AppendInt(b, m.P25Cents, 10)
	b = append(b, `,"p75_cents":`...)
	b = strconv.AppendInt(b, m.P75Cents, 10)
	b = append(b, `,"window_days":`...)
	b = strconv.AppendInt(b, int64(m.WindowDays), 10)
	b = append(b, `,"condition":`...)
	b = appendJSONString(b, m.Condition)
	b = append(b, `},"profit_cents":`...)
	if s.ProfitCents == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *s.ProfitCents, 10)
	}
	if s.Fallback {
		b = append(b, `,"fallback":true`...)
	}
	return append(b, '}'), nil
}

var errNotFinite = errors.New("score: a value is NaN or infinite")

// appendJSONFloat formats f as encoding/json does: the shortest
// representation, in exponent form only for very small or large magnitudes.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errNotFinite
	}
	abs := math.Abs(f)
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

// appendJSONString quotes plain ASCII directly and hands anything that
// encoding/json would escape (quotes, controls, <, >, &, non-ASCII) to it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
