package scout

import (
	"strings"
	"testing"
)

func TestParseSourceSpec(t *testing.T) {
	good := map[string]SourceSpec{
		"ebay":                             {Kind: KindEbay},
		"ebay:38208,11700":                 {Kind: KindEbay, Arg: "38208,11700"},
		" Feed:https://example.com/a.rss ": {Kind: KindFeed, Arg: "https://example.com/a.rss"},
		"craigslist:SFBay":                 {Kind: KindCraigslist, Arg: "sfbay"},
		"file:/srv/listings.jsonl":         {Kind: KindFile, Arg: "/srv/listings.jsonl"},
		"demo":                             {Kind: KindDemo},
		"feed:http://127.0.0.1:8080/x?y=1": {Kind: KindFeed, Arg: "http://127.0.0.1:8080/x?y=1"},
	}
	for raw, want := range good {
		got, err := ParseSourceSpec(raw)
		if err != nil || got != want {
			t.Errorf("ParseSourceSpec(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	bad := map[string]string{
		"ebay:abc":                 "category ids",
		"feed:ftp://example.com/x": "http(s) URL",
		"feed:https://":            "needs a host",
		"feed:http:///path":        "needs a host",
		"craigslist:":              "site name",
		"craigslist:sf/bay":        "site name",
		"file:":                    "needs a path",
		"demo:extra":               "takes no argument",
		"amazon:123":               "unknown kind",
		"feed:https://" + strings.Repeat("a", 2100): "longer than 2048",
	}
	for raw, want := range bad {
		if _, err := ParseSourceSpec(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSourceSpec(%.40q) error %v, want one saying %q", raw, err, want)
		}
	}
}

// FuzzParseSourceSpec: any input is accepted or refused without a panic,
// and an accepted spec prints to a string that parses back to itself.
func FuzzParseSourceSpec(f *testing.F) {
	for _, s := range []string{"ebay", "ebay:38208", "feed:https://example.com/a.rss", "craigslist:sfbay",
		"file:/tmp/x.jsonl", "demo", "manual", "feed:http://[::1]:80/x", "FEED:HTTPS://X", "ebay:,", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		spec, err := ParseSourceSpec(raw)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		again, err := ParseSourceSpec(spec.String())
		if err != nil || again != spec {
			t.Fatalf("%q parsed to %+v, whose String %q parses to %+v, %v", raw, spec, spec.String(), again, err)
		}
		_ = spec.MinLegalMode()
	})
}
