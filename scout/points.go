package scout

// ComponentPoints is one score component with its effect on the total in
// points, as the deal page, the API and `deals show` explain a score.
type ComponentPoints struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	Points float64 `json:"points"` // what it added to the total (negative for risk, which divides)
	Max    float64 `json:"max"`    // what it could have added at full value; 0 when not additive
	Reason string  `json:"reason"`
}

// ScorePoints turns a stored score into points, in display order. A
// price-led score is the sum of its components' Points, less any cap, which
// is shown as a row of its own. Otherwise the total is a weighted mean × 100
// (ScoreDeal), so a component adds value × weight ÷ Σweights × 100, and risk
// divides what the others add; in the original formula (Fallback) the
// keyword weight is a bonus outside the denominator.
func ScorePoints(s Score) []ComponentPoints {
	if s.PriceLed {
		return priceLedPoints(s)
	}
	var den float64
	for name, c := range s.Components {
		switch {
		case name == CompRisk:
		case s.Fallback && name == CompKeyword:
		default:
			den += c.Weight
		}
	}
	if den <= 0 && s.Fallback {
		den = s.Components[CompKeyword].Weight
	}
	var out []ComponentPoints
	var sum float64
	for _, name := range ComponentNames {
		c, ok := s.Components[name]
		if !ok || name == CompRisk {
			continue
		}
		p := ComponentPoints{Name: name, Value: c.Value, Weight: c.Weight, Reason: c.Reason}
		if den > 0 {
			p.Points = c.Value * c.Weight / den * 100
			p.Max = c.Weight / den * 100
		}
		sum += p.Points
		out = append(out, p)
	}
	if c, ok := s.Components[CompRisk]; ok {
		p := ComponentPoints{Name: CompRisk, Value: c.Value, Weight: c.Weight, Reason: c.Reason}
		if c.Value < 1 && c.Weight > 0 {
			p.Points = sum/(1+c.Weight) - sum
		}
		out = append(out, p)
	}
	return out
}

// CompCap names the row that shows a price-led score capped below the sum of
// its points ("verify" listings stay under the alert threshold).
const CompCap = "cap"

func priceLedPoints(s Score) []ComponentPoints {
	var out []ComponentPoints
	var sum float64
	for _, name := range ComponentNames {
		c, ok := s.Components[name]
		if !ok {
			continue
		}
		out = append(out, ComponentPoints{Name: name, Value: c.Value, Weight: c.Weight, Points: c.Points, Reason: c.Reason})
		sum += c.Points
	}
	if d := s.Total - sum; d < -0.05 || d > 0.05 {
		reason := "the score is capped"
		if d < 0 && s.Total <= verifyCap+0.05 {
			reason = "capped: verify this listing before buying"
		}
		out = append(out, ComponentPoints{Name: CompCap, Points: d, Reason: reason})
	}
	return out
}
