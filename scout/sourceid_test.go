package scout

import (
	"strings"
	"testing"
)

// Item 23 of issue 12: a feed spec's userinfo and query values never appear
// in the form dealscout shows and stores; specs that differ only in hidden
// parts keep different ids; specs with nothing to hide are unchanged.
func TestSourceSpecIDMasksCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw      string
		wantHead string // the ID starts with this
		hashed   bool
	}{
		{"feed:https://u:PASSWORD@host.example/rss?apikey=K", "feed:https://***@host.example/rss?apikey=*** [", true},
		{"feed:https://host.example/rss?apikey=K&q=couch&flag", "feed:https://host.example/rss?apikey=***&q=***&flag [", true},
		{"feed:https://user@host.example/rss", "feed:https://***@host.example/rss [", true},
		{"feed:https://host.example/rss", "feed:https://host.example/rss", false},
		{"ebay:38208", "ebay:38208", false},
		{"craigslist:sfbay", "craigslist:sfbay", false},
		{"demo", "demo", false},
	}
	for _, tt := range tests {
		spec, err := ParseSourceSpec(tt.raw)
		if err != nil {
			t.Fatalf("ParseSourceSpec(%q): %v", tt.raw, err)
		}
		id := spec.ID()
		if !strings.HasPrefix(id, tt.wantHead) || strings.HasSuffix(id, "]") != tt.hashed {
			t.Errorf("ID(%q) = %q, want it to start with %q (hash suffix: %v)", tt.raw, id, tt.wantHead, tt.hashed)
		}
		for _, secret := range []string{"PASSWORD", "=K", "couch", "u:", "user@"} {
			if strings.Contains(id, secret) {
				t.Errorf("ID(%q) = %q shows %q", tt.raw, id, secret)
			}
		}
		if again, _ := ParseSourceSpec(tt.raw); again.ID() != id {
			t.Errorf("ID(%q) is not stable: %q then %q", tt.raw, id, again.ID())
		}
	}
	a, _ := ParseSourceSpec("feed:https://host.example/rss?q=couch")
	b, _ := ParseSourceSpec("feed:https://host.example/rss?q=chair")
	if a.ID() == b.ID() {
		t.Errorf("two feeds differing only in a query value share the id %q", a.ID())
	}
	if got := MaskURL("https://u:p@h.example/x?k=v#frag"); got != "https://***@h.example/x?k=***#frag" {
		t.Errorf("MaskURL = %q", got)
	}
	if _, err := ParseSourceSpec("feed:https://u:PASSWORD@/x?apikey=K"); err == nil || strings.Contains(err.Error(), "PASSWORD") || strings.Contains(err.Error(), "=K") {
		t.Errorf("ParseSourceSpec error %v shows the secret", err)
	}
}
