package config

import (
	"fmt"
	"math"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dealscout/dealscout/scout"
)

// ruleError turns a rule's problem into an *Error for key, or nil.
func ruleError(key, problem string) error {
	if problem == "" {
		return nil
	}
	return &Error{Key: key, Problem: problem}
}

// optional lets a setting stay empty, meaning "not configured".
func optional(r rule) rule {
	return func(v string) string {
		if v == "" {
			return ""
		}
		return r(v)
	}
}

func nonEmpty(v string) string {
	if v == "" {
		return "must not be empty"
	}
	return ""
}

func noSpaces(v string) string {
	if strings.ContainsFunc(v, unicode.IsSpace) {
		return fmt.Sprintf("must not contain spaces (got %q)", v)
	}
	return ""
}

func maxLen(n int) rule {
	return func(v string) string {
		if len(v) > n {
			return fmt.Sprintf("must be at most %d bytes long (got %d)", n, len(v))
		}
		return ""
	}
}

func absoluteURL(v string) string {
	u, err := url.Parse(v)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && u.RawQuery == "" && u.Fragment == "" {
		return ""
	}
	got := v
	if err == nil && u.User != nil {
		got = u.Redacted() // a URL with credentials must not echo the password
	}
	return fmt.Sprintf("must be an absolute http(s) URL without credentials or query, such as https://api.example.com (got %q)", got)
}

// hostPort accepts what net.Listen accepts for TCP: an optional host and a
// numeric port (0 picks a free one).
func hostPort(v string) string {
	host, port, err := net.SplitHostPort(v)
	if err == nil {
		n, perr := strconv.Atoi(port)
		if perr == nil && n >= 0 && n <= 65535 && (host == "" || hostName(host) == "") {
			return ""
		}
	}
	return fmt.Sprintf("must be HOST:PORT such as 127.0.0.1:8080, [::1]:8080 or :8080 (got %q)", v)
}

// hostName accepts a DNS name or an IP address, without scheme or port.
func hostName(v string) string {
	if _, err := netip.ParseAddr(v); err == nil {
		return ""
	}
	ok := len(v) <= 253 && !strings.HasPrefix(v, ".") && !strings.HasPrefix(v, "-")
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			ok = false
		}
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("must be a host name or IP address without scheme or port, such as smtp.example.com (got %q)", v)
}

func email(v string) string {
	if a, err := mail.ParseAddress(v); err == nil && strings.Contains(a.Address, "@") {
		return ""
	}
	return fmt.Sprintf(`must be an email address such as alerts@example.com or "Deal Scout <alerts@example.com>" (got %q)`, v)
}

// e164 is "+", a non-zero digit, and up to 14 more digits.
func e164(v string) string {
	ok := len(v) >= 3 && len(v) <= 16 && v[0] == '+' && v[1] >= '1' && v[1] <= '9'
	for i := 1; ok && i < len(v); i++ {
		ok = v[i] >= '0' && v[i] <= '9'
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("must be a phone number in E.164 form such as +14155550123 (got %q)", v)
}

// marketplace checks the shape of an eBay marketplace id rather than a fixed
// list, so a marketplace eBay adds later does not need a release.
func marketplace(v string) string {
	rest, ok := strings.CutPrefix(v, "EBAY_")
	ok = ok && rest != "" && len(v) <= 32
	for _, r := range rest {
		if !(r >= 'A' && r <= 'Z' || r == '_') {
			ok = false
		}
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("must be an eBay marketplace id such as EBAY_US, EBAY_GB or EBAY_DE (got %q)", v)
}

// parseWeights reads "market=3,condition=2". An empty string means "use the
// built-in weights" and yields nil.
func parseWeights(v string) (map[string]float64, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, ""
	}
	w := map[string]float64{}
	for _, pair := range strings.Split(v, ",") {
		name, num, ok := strings.Cut(pair, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" {
			return nil, "must be NAME=WEIGHT pairs separated by commas, such as market=3,condition=2"
		}
		if _, dup := w[name]; dup {
			return nil, fmt.Sprintf("names %q twice", name)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil {
			f = math.NaN() // reported by checkWeight with the allowed range
		}
		if problem := checkWeight(name, f); problem != "" {
			return nil, problem
		}
		w[name] = f
	}
	return w, ""
}

func checkWeight(name string, f float64) string {
	if !scout.IsComponent(name) {
		return fmt.Sprintf("has unknown component %q; use %s", name, strings.Join(scout.ComponentNames, ", "))
	}
	if math.IsNaN(f) || f < 0 || f > 100 {
		return fmt.Sprintf("gives %s a weight outside 0 to 100", name)
	}
	return ""
}

// formatWeights writes weights in scout's display order so output is stable.
func formatWeights(w map[string]float64) string {
	var parts []string
	for _, n := range sortedWeightNames(w) {
		parts = append(parts, n+"="+strconv.FormatFloat(w[n], 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

// sortedWeightNames lists w's names in scout's display order, unknown names last.
func sortedWeightNames(w map[string]float64) []string {
	names := make([]string, 0, len(w))
	for n := range w {
		names = append(names, n)
	}
	rank := func(n string) int {
		if i := slices.Index(scout.ComponentNames, n); i >= 0 {
			return i
		}
		return len(scout.ComponentNames)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return names
}
