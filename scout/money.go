package scout

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxPriceCents bounds every price dealscout accepts: 1,000,000 currency units.
const MaxPriceCents int64 = 100_000_000

// ParseAmount turns a decimal amount in currency units ("149.99", "1,299",
// "0.5") into integer cents exactly, without going through float. Thousands
// separators (",") are allowed; more than two decimals, signs and anything
// else are errors.
func ParseAmount(s string) (int64, error) {
	t, err := stripThousands(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
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
	var buf [24]byte
	return string(appendCents(buf[:0], cents))
}

// FormatPrice renders cents with its currency for people ("$149.99", "€12.50",
// "150.00 CAD").
func FormatPrice(cents int64, currency string) string {
	var buf [32]byte
	return string(appendPrice(buf[:0], cents, currency))
}

// appendCents appends FormatCents(cents). Prices are formatted into reasons
// for every deal scored, so this avoids fmt.
func appendCents(b []byte, cents int64) []byte {
	if cents == math.MinInt64 {
		// The one amount that cannot be negated: keep what the fmt version
		// printed for it ("--92233720368547758.-8"), as outputs must not change.
		return fmt.Appendf(b, "-%d.%02d", cents/100, cents%100)
	}
	if cents < 0 {
		b, cents = append(b, '-'), -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	frac := cents % 100
	return append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
}

// appendPrice appends FormatPrice(cents, currency).
func appendPrice(b []byte, cents int64, currency string) []byte {
	cur := strings.ToUpper(currency)
	switch cur {
	case "", "USD":
		return appendCents(append(b, '$'), cents)
	case "EUR":
		return appendCents(append(b, "€"...), cents)
	case "GBP":
		return appendCents(append(b, "£"...), cents)
	}
	b = appendCents(b, cents)
	b = append(b, ' ')
	return append(b, cur...)
}

// money renders a price for reasons: whole amounts without cents ("$120").
func money(cents int64, currency string) string {
	var buf [32]byte
	return string(appendMoney(buf[:0], cents, currency))
}

// appendMoney appends money(cents, currency): the price with its first ".00"
// removed, as strings.Replace(FormatPrice(…), ".00", "", 1) did. That is a
// whole amount's cents or, failing that, a ".00" inside an odd currency code.
func appendMoney(b []byte, cents int64, currency string) []byte {
	start := len(b)
	b = appendPrice(b, cents, currency)
	if i := bytes.Index(b[start:], []byte(".00")); i >= 0 {
		i += start
		b = append(b[:i], b[i+3:]...)
	}
	return b
}

// stripThousands removes commas that separate thousands ("1,500.50") and
// refuses any other comma: "1,5" is a decimal comma, which read as a
// separator would turn $1.50 into $15.
func stripThousands(s string) (string, error) {
	if !strings.Contains(s, ",") {
		return s, nil
	}
	whole, _, _ := strings.Cut(s, ".")
	groups := strings.Split(strings.TrimPrefix(whole, "-"), ",")
	ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
	for _, g := range groups[1:] {
		ok = ok && len(g) == 3
	}
	if !ok {
		return "", fmt.Errorf("amount %q has a comma that is not a thousands separator; write decimals with a dot, e.g. 1.50", s)
	}
	return strings.ReplaceAll(s, ",", ""), nil
}
