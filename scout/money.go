package scout

import (
	"fmt"
	"strings"
)

// MaxPriceCents bounds every price dealscout accepts: 1,000,000 currency units.
const MaxPriceCents int64 = 100_000_000

// ParseAmount turns a decimal amount in currency units ("149.99", "1,299",
// "0.5") into integer cents exactly, without going through float. Thousands
// separators (",") are allowed; more than two decimals, signs and anything
// else are errors.
func ParseAmount(s string) (int64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if t == "" {
		return 0, fmt.Errorf("amount is empty")
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("amount %q is negative; prices are 0 to %d", s, MaxPriceCents/100)
	}
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && !hasDot {
		return 0, fmt.Errorf("amount %q is not a number", s)
	}
	if hasDot && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("amount %q must have one or two decimals", s)
	}
	var cents int64
	for _, r := range whole {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q is not a number", s)
		}
		cents = cents*10 + int64(r-'0')
		if cents > MaxPriceCents {
			return 0, fmt.Errorf("amount %q is too large", s)
		}
	}
	cents *= 100
	if len(frac) == 1 {
		frac += "0"
	}
	for i, r := range frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q is not a number", s)
		}
		if i == 0 {
			cents += int64(r-'0') * 10
		} else {
			cents += int64(r - '0')
		}
	}
	return cents, nil
}

// FormatCents renders cents as a plain amount ("149.99").
func FormatCents(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

// FormatPrice renders cents with its currency for people ("$149.99", "€12.50",
// "150.00 CAD").
func FormatPrice(cents int64, currency string) string {
	switch strings.ToUpper(currency) {
	case "", "USD":
		return "$" + FormatCents(cents)
	case "EUR":
		return "€" + FormatCents(cents)
	case "GBP":
		return "£" + FormatCents(cents)
	}
	return FormatCents(cents) + " " + strings.ToUpper(currency)
}
