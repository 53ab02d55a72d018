package store

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/dealscout/dealscout/scout"
)

// Deals scored since migration 11 store their factors (scout.Factors: what a
// score depends on besides the weights) instead of their weighted
// components, and name in deals.weights_id the weight set in score_weights
// their total was computed with:
//
//	{"x":[2,[[1,0.75,[0,17600],75],[4,0.6,6],[5,0.9,[1,7],3.6],…],[2,0,"",0,"",60]],"m":[…],"p":4019}
//
// "x" is [mode, parts, risk]. mode is scout.Mode (0 the original formula,
// 1 the weighted mean, 2 price-led). Each part is [name, value, reason],
// with its points before weighting as a fourth element in a price-led score;
// name and reason are stored as in the "k" layout (componentNames,
// FixedReasons, templates). risk is [kind, flagged, why, penalty, verify,
// limit] (scout.Risk; flagged 0 or 1). "m" and "p" are the market and the
// profit, as in the "k" layout; "p" keeps its place so that the deal list
// can sort by profit in SQL.
//
// The score and its explanation are the factors with the deal's weights
// applied: a re-score after a weight change applies the new weights and
// writes only the total and the weight set, neither reading the listing nor
// rewriting these bytes.

// factorsPrefix starts every row in the factors layout.
const factorsPrefix = `{"x":[`

// isFactors reports whether a stored row is in the factors layout.
func isFactors(b []byte) bool { return bytes.HasPrefix(b, []byte(factorsPrefix)) }

// AppendFactors appends the stored form of f to b. Identical factors encode
// to identical bytes. It fails only for a NaN or infinite value, which JSON
// cannot hold.
func AppendFactors(b []byte, f *scout.Factors) ([]byte, error) {
	var err error
	b = strconv.AppendInt(append(b, factorsPrefix...), int64(f.Mode), 10)
	b = append(b, ",["...)
	// The market template rebuilds a price-led market reason from the
	// market and the points, which are the factor's own.
	s := scout.Score{PriceLed: f.Mode == scout.ModePriceLed, Market: f.Market}
	for i, p := range f.Parts() {
		if i > 0 {
			b = append(b, ',')
		}
		key := string(appendJSONString(nil, p.Name))
		if k := componentIndex(p.Name); k >= 0 {
			key = strconv.Itoa(k)
		}
		b = append(append(b, '['), key...)
		if b, err = appendJSONFloat(append(b, ','), p.Value); err != nil {
			return nil, fmt.Errorf("store: factor %s: %w", p.Name, err)
		}
		c := scout.Component{Reason: p.Reason, Points: p.Points}
		b = appendReason(append(b, ','), p.Name, c, &s)
		if p.Points != 0 {
			if b, err = appendJSONFloat(append(b, ','), p.Points); err != nil {
				return nil, fmt.Errorf("store: factor %s points: %w", p.Name, err)
			}
		}
		b = append(b, ']')
	}
	r := &f.Risk
	b = strconv.AppendInt(append(b, "],["...), int64(r.Kind), 10)
	if r.Flagged {
		b = append(b, ",1,"...)
	} else {
		b = append(b, ",0,"...)
	}
	b = appendJSONString(b, r.Why)
	if b, err = appendJSONFloat(append(b, ','), r.Penalty); err != nil {
		return nil, fmt.Errorf("store: risk penalty: %w", err)
	}
	b = appendJSONString(append(b, ','), r.Verify)
	if b, err = appendJSONFloat(append(b, ','), r.Limit); err != nil {
		return nil, fmt.Errorf("store: risk limit: %w", err)
	}
	b = append(b, "]]"...)
	if b, err = appendMarket(b, &f.Market); err != nil {
		return nil, err
	}
	if f.HasProfit {
		b = strconv.AppendInt(append(b, `,"p":`...), f.Profit, 10)
	}
	return append(b, '}'), nil
}

// componentIndex is name's position in componentNames, or -1.
func componentIndex(name string) int {
	for i, n := range componentNames {
		if n == name {
			return i
		}
	}
	return -1
}

var errBadFactors = errors.New("malformed factors")

// leanWarning stands for the words of a warning sign that a lean decoding
// skipped: a total depends only on whether there is one.
const leanWarning = "…"

// warning reads the words of a warning sign, or when lean only whether
// there is one ("" when not, leanWarning when so).
func (d *fastDecoder) warning(v *string) bool {
	if !d.lean {
		return d.strTo(v)
	}
	if d.lit(`""`) {
		*v = ""
		return true
	}
	*v = leanWarning
	return d.skipStr()
}

// decodeFactors reads a row in the factors layout, exactly as AppendFactors
// writes it; anything else is an error (nothing else writes this layout).
// lean leaves out what only the explanation needs, as fastDecoder.lean says:
// the factors are then good for Factors.Total only.
func decodeFactors(b []byte, lean bool) (scout.Factors, error) {
	d := fastDecoder{b: b, lean: lean}
	var mode int64
	if !d.lit(factorsPrefix) || !d.intTo(&mode) || !d.lit(",[") {
		return scout.Factors{}, errBadFactors
	}
	var buf [12]pendingComponent
	list := buf[:0]
	for !d.lit("]") {
		if len(list) > 0 && !d.lit(",") {
			return scout.Factors{}, errBadFactors
		}
		p, ok := d.component(false)
		if !ok || len(list) == len(buf) {
			return scout.Factors{}, errBadFactors
		}
		list = append(list, p)
	}
	var r scout.Risk
	var kind, flagged int64
	if !d.lit(",[") || !d.intTo(&kind) || !d.lit(",") || !d.intTo(&flagged) || flagged < 0 || flagged > 1 ||
		!d.lit(",") || !d.warning(&r.Why) || !d.lit(",") || !d.float(&r.Penalty) || !d.lit(",") ||
		!d.warning(&r.Verify) || !d.lit(",") || !d.float(&r.Limit) || !d.lit("]]") || kind < 0 || kind > 255 {
		return scout.Factors{}, errBadFactors
	}
	r.Kind, r.Flagged = scout.RiskKind(kind), flagged == 1
	var m scout.Market
	hasMarket := d.lit(`,"m":[`)
	if hasMarket && !d.market(&m) {
		return scout.Factors{}, errBadFactors
	}
	var profit *int64
	// A lean decoding stops at the market's confidence: no total depends
	// on what follows.
	if !d.lean || !hasMarket {
		if d.lit(`,"p":`) {
			var p int64
			if !d.intTo(&p) {
				return scout.Factors{}, errBadFactors
			}
			profit = &p
		}
		if !d.lit("}") || d.i != len(d.b) {
			return scout.Factors{}, errBadFactors
		}
	}
	if mode < 0 || mode > 255 {
		return scout.Factors{}, errBadFactors
	}
	var partBuf [12]scout.Part
	parts := partBuf[:len(list)]
	for i, p := range list {
		if p.isTemplate {
			var ok bool
			if p.c.Reason, ok = wholeTemplateReason(p.kind, p.n, p.cur, &m, p.c.Points); !ok {
				return scout.Factors{}, errBadFactors
			}
		}
		parts[i] = scout.Part{Name: p.name, Value: p.c.Value, Reason: p.c.Reason, Points: p.c.Points}
	}
	f, err := scout.NewFactors(scout.Mode(mode), m, parts, r, profit)
	if err != nil {
		return f, fmt.Errorf("%w: %w", errBadFactors, err)
	}
	return f, nil
}
