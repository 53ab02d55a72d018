package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout"
)

// decodeFast reads the "k" layout exactly as AppendComponents writes it,
// without encoding/json, which costs about 100 µs and 400 allocations a
// deal. ok is false for anything else (an older layout, another key order,
// whitespace, a number out of range, a malformed row); decodeScore then reads
// the row with encoding/json, which gives the same result for every row this
// accepts (FuzzComponents checks that) and the errors for the rest.
func decodeFast(b []byte, total float64) (s scout.Score, ok bool) {
	d := fastDecoder{b: b}
	if !d.lit(`{"k":[`) {
		return s, false
	}
	type pending struct {
		name       string
		c          scout.Component
		kind, n    int64
		cur        string
		isTemplate bool
	}
	var comps [12]pending // room for every component without allocating
	list := comps[:0]
	for !d.lit("]") {
		if len(list) > 0 && !d.lit(",") {
			return s, false
		}
		var p pending
		if !d.lit("[") {
			return s, false
		}
		if d.peek() == '"' {
			if p.name, ok = d.str(); !ok {
				return s, false
			}
		} else {
			i, ok := d.int()
			if !ok || i < 0 || i >= int64(len(componentNames)) {
				return s, false
			}
			p.name = componentNames[i]
		}
		if !d.lit(",") || !d.float(&p.c.Value) || !d.lit(",") || !d.float(&p.c.Weight) || !d.lit(",") {
			return s, false
		}
		switch c := d.peek(); {
		case c == '"':
			if p.c.Reason, ok = d.str(); !ok {
				return s, false
			}
		case c == '[':
			d.i++
			var ok bool
			if p.kind, ok = d.int(); !ok || !d.lit(",") {
				return s, false
			}
			p.isTemplate = true
			switch p.kind {
			case templateMarketPoints:
				if p.n, ok = d.int(); !ok {
					return s, false
				}
				if d.lit(",") {
					if p.cur, ok = d.str(); !ok {
						return s, false
					}
				} else {
					p.cur = scout.DefaultCurrency
				}
			case templatePostedHours, templatePostedDays, templatePhotos:
				if p.n, ok = d.int(); !ok {
					return s, false
				}
			case templateDistance:
				var miles, radius float64
				if !d.float(&miles) || !d.lit(",") || !d.float(&radius) {
					return s, false
				}
				p.c.Reason, p.isTemplate = string(appendDistanceReason(nil, miles, radius)), false
			default:
				return s, false
			}
			if !d.lit("]") {
				return s, false
			}
		default:
			i, ok := d.int()
			if !ok || i < 0 || i >= int64(len(scout.FixedReasons)) {
				return s, false
			}
			p.c.Reason = scout.FixedReasons[i]
		}
		if d.lit(",") && !d.float(&p.c.Points) {
			return s, false
		}
		if !d.lit("]") {
			return s, false
		}
		list = append(list, p)
	}
	if d.lit(`,"m":[`) {
		m := &s.Market
		var samples, window int64
		if !d.intTo(&m.MedianCents) || !d.lit(",") || !d.intTo(&samples) || !d.lit(",") || !d.strTo(&m.Confidence) ||
			!d.lit(",") || !d.intTo(&m.IQRCents) || !d.lit(",") || !d.intTo(&m.P25Cents) || !d.lit(",") ||
			!d.intTo(&m.P75Cents) || !d.lit(",") || !d.intTo(&window) || !d.lit(",") || !d.strTo(&m.Condition) {
			return s, false
		}
		if !fitsInt(samples) || !fitsInt(window) {
			return s, false
		}
		m.Samples, m.WindowDays = int(samples), int(window)
		if d.lit(",") {
			var similar int64
			if !d.intTo(&similar) || !fitsInt(similar) || !d.lit(",") || !d.float(&m.Floor) || !d.lit(",[") {
				return s, false
			}
			m.Similar = int(similar)
			for !d.lit("]") {
				if len(m.Examples) > 0 && !d.lit(",") {
					return s, false
				}
				var e scout.CompExample
				if !d.lit("[") || !d.strTo(&e.Title) || !d.lit(",") || !d.intTo(&e.PriceCents) || !d.lit(",") ||
					!d.float(&e.Similarity) || !d.lit("]") {
					return s, false
				}
				m.Examples = append(m.Examples, e)
			}
		}
		if !d.lit("]") {
			return s, false
		}
	}
	if d.lit(`,"p":`) {
		var p int64
		if !d.intTo(&p) {
			return s, false
		}
		s.ProfitCents = &p
	}
	s.Fallback = d.lit(`,"f":1`)
	s.PriceLed = d.lit(`,"l":1`)
	if !d.lit("}") || d.i != len(d.b) {
		return s, false
	}
	s.Total = total
	s.Components = make(map[string]scout.Component, len(list))
	for _, p := range list {
		if p.isTemplate {
			if p.c.Reason, ok = wholeTemplateReason(p.kind, p.n, p.cur, &s.Market, p.c.Points); !ok {
				return s, false
			}
		}
		s.Components[p.name] = p.c
	}
	return s, true
}

// fastDecoder walks the bytes of one stored row.
type fastDecoder struct {
	b []byte
	i int
}

func (d *fastDecoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// lit consumes s if the input continues with it.
func (d *fastDecoder) lit(s string) bool {
	if !bytes.HasPrefix(d.b[d.i:], []byte(s)) {
		return false
	}
	d.i += len(s)
	return true
}

// token is the number that starts here: the bytes a JSON number may have.
func (d *fastDecoder) token() string {
	j := d.i
	for j < len(d.b) {
		c := d.b[j]
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			break
		}
		j++
	}
	t := string(d.b[d.i:j])
	d.i = j
	return t
}

func (d *fastDecoder) int() (int64, bool) {
	t := d.token()
	if t == "" || t[0] == '+' || (len(t) > 1 && t[0] == '0') || (len(t) > 2 && t[0] == '-' && t[1] == '0') {
		return 0, false // not how JSON writes a whole number; the slow path decides
	}
	v, err := strconv.ParseInt(t, 10, 64)
	return v, err == nil
}

func (d *fastDecoder) intTo(v *int64) bool {
	var ok bool
	*v, ok = d.int()
	return ok
}

func (d *fastDecoder) float(v *float64) bool {
	t := d.token()
	if t == "" || t[0] == '+' || t[0] == '.' || t[len(t)-1] == '.' {
		return false
	}
	f, err := strconv.ParseFloat(t, 64)
	*v = f
	return err == nil
}

// str reads a string. One with escapes in it ("title says \"broken\"") or
// with invalid UTF-8 is handed to encoding/json, alone, so that it reads
// exactly as the slow path would.
func (d *fastDecoder) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	j, plain := d.i+1, true
	for ; j < len(d.b) && d.b[j] != '"'; j++ {
		switch c := d.b[j]; {
		case c < 0x20:
			return "", false // not valid JSON: the slow path says so
		case c == '\\':
			plain = false
			j++ // the escaped byte, a quote perhaps
		}
	}
	if j >= len(d.b) {
		return "", false
	}
	raw := d.b[d.i : j+1]
	d.i = j + 1
	if plain && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	var v string
	err := json.Unmarshal(raw, &v)
	return v, err == nil
}

func (d *fastDecoder) strTo(v *string) bool {
	var ok bool
	*v, ok = d.str()
	return ok
}

func fitsInt(v int64) bool { return int64(int(v)) == v }
