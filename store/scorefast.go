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
	var comps [12]pendingComponent // room for every component without allocating
	list := comps[:0]
	for !d.lit("]") {
		if len(list) > 0 && !d.lit(",") {
			return s, false
		}
		p, ok := d.component(true)
		if !ok {
			return s, false
		}
		list = append(list, p)
	}
	if d.lit(`,"m":[`) && !d.market(&s.Market) {
		return s, false
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
			var ok bool
			if p.c.Reason, ok = wholeTemplateReason(p.kind, p.n, p.cur, &s.Market, p.c.Points); !ok {
				return s, false
			}
		}
		s.Components[p.name] = p.c
	}
	return s, true
}

// pendingComponent is one component read, its reason still a template
// when isTemplate (rebuilt once the market is read).
type pendingComponent struct {
	name       string
	c          scout.Component
	kind, n    int64
	cur        string
	isTemplate bool
}

// component reads one stored component: [key, value, weight, reason] with
// the points perhaps after it, or without the weight when weighted is false
// (the factors layout).
func (d *fastDecoder) component(weighted bool) (p pendingComponent, ok bool) {
	if !d.lit("[") {
		return p, false
	}
	if d.peek() == '"' {
		if p.name, ok = d.str(); !ok {
			return p, false
		}
	} else {
		i, ok := d.int()
		if !ok || i < 0 || i >= int64(len(componentNames)) {
			return p, false
		}
		p.name = componentNames[i]
	}
	if !d.lit(",") || !d.float(&p.c.Value) || !d.lit(",") || weighted && (!d.float(&p.c.Weight) || !d.lit(",")) {
		return p, false
	}
	if d.lean {
		// The reason, whatever its form, is skipped.
		if !d.skipValue() {
			return p, false
		}
	} else if !d.reason(&p) {
		return p, false
	}
	if d.lit(",") && !d.float(&p.c.Points) {
		return p, false
	}
	if !d.lit("]") {
		return p, false
	}
	return p, true
}

// reason reads a component's stored reason into p: its words, a fixed
// reason's position, or a template (rebuilt later, or here for a distance).
func (d *fastDecoder) reason(p *pendingComponent) (ok bool) {
	switch c := d.peek(); {
	case c == '"':
		if p.c.Reason, ok = d.str(); !ok {
			return false
		}
	case c == '[':
		d.i++
		if p.kind, ok = d.int(); !ok || !d.lit(",") {
			return false
		}
		p.isTemplate = true
		switch p.kind {
		case templateMarketPoints:
			if p.n, ok = d.int(); !ok {
				return false
			}
			if d.lit(",") {
				if p.cur, ok = d.str(); !ok {
					return false
				}
			} else {
				p.cur = scout.DefaultCurrency
			}
		case templatePostedHours, templatePostedDays, templatePhotos:
			if p.n, ok = d.int(); !ok {
				return false
			}
		case templateDistance:
			var miles, radius float64
			if !d.float(&miles) || !d.lit(",") || !d.float(&radius) {
				return false
			}
			p.c.Reason, p.isTemplate = string(appendDistanceReason(nil, miles, radius)), false
		default:
			return false
		}
		if !d.lit("]") {
			return false
		}
	default:
		i, ok := d.int()
		if !ok || i < 0 || i >= int64(len(scout.FixedReasons)) {
			return false
		}
		p.c.Reason = scout.FixedReasons[i]
	}
	return true
}

// market reads a stored market after its opening `"m":[`, up to and with
// its closing bracket.
func (d *fastDecoder) market(m *scout.Market) bool {
	var samples, window int64
	if d.lean {
		// The median and the confidence, which say whether the market is
		// known, and nothing after them.
		return d.intTo(&m.MedianCents) && d.lit(",") && d.intTo(&samples) && d.lit(",") && d.confidence(&m.Confidence)
	}
	if !d.intTo(&m.MedianCents) || !d.lit(",") || !d.intTo(&samples) || !d.lit(",") || !d.strTo(&m.Confidence) ||
		!d.lit(",") || !d.intTo(&m.IQRCents) || !d.lit(",") || !d.intTo(&m.P25Cents) || !d.lit(",") ||
		!d.intTo(&m.P75Cents) || !d.lit(",") || !d.intTo(&window) || !d.lit(",") || !d.strTo(&m.Condition) {
		return false
	}
	if !fitsInt(samples) || !fitsInt(window) {
		return false
	}
	m.Samples, m.WindowDays = int(samples), int(window)
	if d.lit(",") {
		var similar int64
		if !d.intTo(&similar) || !fitsInt(similar) || !d.lit(",") || !d.float(&m.Floor) || !d.lit(",[") {
			return false
		}
		m.Similar = int(similar)
		for !d.lit("]") {
			if len(m.Examples) > 0 && !d.lit(",") {
				return false
			}
			var e scout.CompExample
			if !d.lit("[") || !d.strTo(&e.Title) || !d.lit(",") || !d.intTo(&e.PriceCents) || !d.lit(",") ||
				!d.float(&e.Similarity) || !d.lit("]") {
				return false
			}
			m.Examples = append(m.Examples, e)
		}
	}
	return d.lit("]")
}

// fastDecoder walks the bytes of one stored row.
type fastDecoder struct {
	b []byte
	i int
	// lean skips what no total depends on: reasons, the market's comps
	// and other details, the words of warnings. It reads factors for
	// Factors.Total only, allocating nothing.
	lean bool
}

// skipValue skips one JSON value as the encoders write them: a number, a
// string or an array of those.
func (d *fastDecoder) skipValue() bool {
	switch c := d.peek(); {
	case c == '"':
		return d.skipStr()
	case c == '[':
		d.i++
		for n := 0; !d.lit("]"); n++ {
			if n > 0 && !d.lit(",") || !d.skipValue() {
				return false
			}
		}
		return true
	}
	return d.token() != ""
}

// skipStr skips a string without reading it.
func (d *fastDecoder) skipStr() bool {
	if d.peek() != '"' {
		return false
	}
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c < 0x20:
			return false
		case c == '\\':
			j++
		case c == '"':
			d.i = j + 1
			return true
		}
	}
	return false
}

// confidence reads a market's confidence, one of the known words without
// allocating, any other string as it is.
func (d *fastDecoder) confidence(v *string) bool {
	for _, c := range quotedConfidences {
		if d.lit(c.quoted) {
			*v = c.word
			return true
		}
	}
	return d.strTo(v)
}

var quotedConfidences = func() (out []struct{ quoted, word string }) {
	for _, c := range []string{scout.ConfidenceHigh, scout.ConfidenceMedium, scout.ConfidenceLow, scout.ConfidenceNone} {
		out = append(out, struct{ quoted, word string }{`"` + c + `"`, c})
	}
	return out
}()

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
	if !jsonNumber(t) {
		return false // not how JSON writes a number ("00", "1.", "+1", ".5"); the slow path decides
	}
	f, err := strconv.ParseFloat(t, 64)
	*v = f
	return err == nil
}

// jsonNumber reports whether t is a number as JSON writes one:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func jsonNumber(t string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(t) && t[i] == '-' {
		i++
	}
	start := i
	if n := digits(); n == 0 || n > 1 && t[start] == '0' {
		return false
	}
	if i < len(t) && t[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(t)
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
