package scout

import (
	"encoding/json"
	"fmt"
	"math"
)

// ResolveWeights is every component's weight for scoring the watch's deals
// with w: DefaultWeights, then w, then the watch's own Settings.Weights
// (watch may be nil), as ScoreDeal resolves them. Applying factors with the
// result and a nil watch gives what Apply(w, watch) gives, so a stored deal
// can name the weights it was scored with without naming its watch's.
func ResolveWeights(w Weights, watch *Watch) Weights {
	ws := resolveWeights(w, watch)
	out := make(Weights, len(ComponentNames))
	for _, name := range ComponentNames {
		out[name] = ws.of(name)
	}
	return out
}

// WeightsKey is the canonical text of a resolved weight set: JSON with the
// names in order and each weight in the shortest form that reads back as
// the same float, so equal sets have equal keys and ParseWeightsKey gives
// back the very weights.
func WeightsKey(w Weights) (string, error) {
	for name, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("weight %s is %v: weights must be finite numbers", name, v)
		}
	}
	b, err := json.Marshal(map[string]float64(w)) // encoding/json sorts the names
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ParseWeightsKey reads a WeightsKey.
func ParseWeightsKey(key string) (Weights, error) {
	var w Weights
	if err := json.Unmarshal([]byte(key), &w); err != nil {
		return nil, fmt.Errorf("weights %q: %w", key, err)
	}
	return w, nil
}

// NewFactors assembles factors read back from storage: the mode, the market,
// the parts in the order the total adds them, the warning signs and the
// profit estimate (nil when there is none). It fails for more parts than a
// score has.
func NewFactors(mode Mode, market Market, parts []Part, risk Risk, profit *int64) (Factors, error) {
	var f Factors
	if mode > ModePriceLed {
		return f, fmt.Errorf("scoring mode %d is not one this version knows", mode)
	}
	if risk.Kind > RiskPoints {
		return f, fmt.Errorf("risk kind %d is not one this version knows", risk.Kind)
	}
	if len(parts) > maxParts {
		return f, fmt.Errorf("%d components, at most %d", len(parts), maxParts)
	}
	f.Mode, f.Market, f.Risk = mode, market, risk
	f.n = copy(f.parts[:], parts)
	if profit != nil {
		f.Profit, f.HasProfit = *profit, true
	}
	return f, nil
}
