package channels

import (
	"sort"
	"strings"
	"testing"
)

// literals is the fixed text Masked is built from. A fuzzed "secret" that
// happens to be a piece of it (say "http") is not a leak when it shows.
const literals = "mailto: sms: discord:// https:// http:// /api/webhooks/ telegram:// pushover://***@*** /services/ ?token= *** :@/?=&, " +
	"webhook+https:// webhook+http:// ntfy+https:// ntfy+http:// slack+https:// slack+http:// gotify+https:// gotify+http://"

// FuzzParse: Parse never panics, Mask agrees with it, and no secret of a
// valid URL survives in its masked form.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		target, err := Parse(raw)
		masked := Mask(raw)
		if err != nil {
			if target.Kind != "" {
				t.Fatalf("Parse(%q) failed but returned kind %q", raw, target.Kind)
			}
			return
		}
		if masked != target.Masked {
			t.Fatalf("Mask(%q) = %q, Parse's Masked = %q", raw, masked, target.Masked)
		}
		if target.Kind != Kind(raw) {
			t.Fatalf("Kind(%q) = %q, Parse says %q", raw, Kind(raw), target.Kind)
		}
		// Remove what Masked may show; what remains is template text and leaks.
		public := append([]string(nil), target.public...)
		sort.Slice(public, func(i, j int) bool { return len(public[i]) > len(public[j]) })
		rest := masked
		for _, p := range public {
			if p != "" {
				rest = strings.ReplaceAll(rest, p, "\x00")
			}
		}
		for _, s := range target.secrets {
			if s == "" || strings.Contains(literals, s) || containsAny(public, s) {
				continue
			}
			if strings.Contains(rest, s) {
				t.Fatalf("Mask(%q) = %q leaks the secret %q", raw, masked, s)
			}
		}
	})
}

func containsAny(parts []string, s string) bool {
	for _, p := range parts {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}
