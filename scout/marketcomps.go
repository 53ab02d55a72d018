package scout

import (
	"slices"
	"strings"
	"time"
)

// CompWindowDays is how many days back m's comps were taken from: the window
// it records, or the default window for a market stored without one.
func (m Market) CompWindowDays() int {
	if m.WindowDays > 0 {
		return m.WindowDays
	}
	return int(DefaultCompsWindow / (24 * time.Hour))
}

// Counted reports whether c looks like one of the comps m was computed from,
// as far as a stored listing tells (the deal page, the API and `deals show`
// list these): in the target's currency, a title that does not say it is not
// the item, in m's condition bucket, and inside the fences around m's
// quartiles that ComputeMarket trims outliers at. The window and a known
// price are the caller's to apply (the store's query does).
func (m Market) Counted(currency string, c Comp) bool {
	if !strings.EqualFold(c.Currency, currency) {
		return false
	}
	if _, bad := MismatchSignal(c.Title); bad {
		return false
	}
	if m.Condition != "" && m.Condition != "all" && !slices.Contains(strings.Split(m.Condition, "/"), string(c.Condition)) {
		return false
	}
	fence := max(fenceIQRs*float64(m.P75Cents-m.P25Cents), minFenceFrac*float64(m.MedianCents))
	p := float64(c.PriceCents)
	return p >= float64(m.P25Cents)-fence && p <= float64(m.P75Cents)+fence
}
