package channels

import "strings"

// Mask returns raw with every token, password, secret path and query value
// replaced by "***" (discord://123/***, telegram://***/CHAT,
// pushover://***@***, gotify+https://host/?token=***). Addresses and phone
// numbers are shown. A URL that does not parse is reduced to its scheme, as
// its secrets cannot be told apart from the rest.
func Mask(raw string) string {
	if t, err := Parse(raw); err == nil {
		return t.Masked
	}
	scheme, ok := schemeOf(raw)
	if !ok {
		return "***"
	}
	if _, known := schemes[scheme]; !known {
		return "***"
	}
	if strings.HasPrefix(raw[len(scheme)+1:], "//") {
		return scheme + "://***"
	}
	return scheme + ":***"
}
