package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Items 18, 19, 20 and 22: values that used to be read wrongly or accepted
// out of range are refused with exit 2 and a message naming the flag or field
// and the reason; nothing is stored.
func TestLenientInputRefused(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 10_000)
	tests := []struct {
		item string
		args []string
		want []string // substrings of stderr
	}{
		{"18 comma decimal", []string{"watch", "add", "x", "--query", "y", "--max-price", "1,5"}, []string{"--max-price", "1,5", "dot"}},
		{"18 comma decimal min", []string{"watch", "add", "x", "--query", "y", "--min-price", "12,50"}, []string{"--min-price", "dot"}},
		{"19 radius 0", []string{"watch", "add", "x", "--query", "y", "--zip", "94105", "--radius-mi", "0"}, []string{"radius", "1 and 500"}},
		{"19 radius NaN", []string{"watch", "add", "x", "--query", "y", "--zip", "94105", "--radius-mi", "NaN"}, []string{"radius", "1 and 500"}},
		{"19 min-score NaN", []string{"watch", "add", "x", "--query", "y", "--min-score", "NaN"}, []string{"--min-score", "number"}},
		{"19 lat NaN", []string{"watch", "add", "x", "--query", "y", "--lat", "NaN", "--lng", "0"}, []string{"lat"}},
		{"19 deals --min-score NaN", []string{"deals", "--min-score", "NaN"}, []string{"--min-score", "NaN", "number"}},
		{"19 deals --min-score Inf", []string{"deals", "--min-score", "+Inf"}, []string{"--min-score", "number"}},
		{"19 alerts list --limit -5", []string{"alerts", "list", "--limit", "-5"}, []string{"--limit", "-5"}},
		{"19 alerts list --limit 0", []string{"alerts", "list", "--limit", "0"}, []string{"--limit"}},
		{"19 migrate up --to -1", []string{"migrate", "up", "--to", "-1"}, []string{"--to", "-1"}},
		{"19 migrate up --to 99", []string{"migrate", "up", "--to", "99"}, []string{"--to", "99", "newest"}},
		{"19 migrate down --to 99", []string{"migrate", "down", "--to", "99", "--yes"}, []string{"--to", "99"}},
		{"20 only exclusions", []string{"watch", "add", "x", "--query", "-sofa -couch"}, []string{"query", "only excluded"}},
		{"20 searched and excluded", []string{"watch", "add", "x", "--query", "sofa", "--exclude", "sofa"}, []string{"sofa", "both"}},
		{"20 searched and -excluded", []string{"watch", "add", "x", "--query", "oak table -table"}, []string{"table", "both"}},
		{"20 unterminated quote", []string{"watch", "add", "x", "--query", `"oak table`}, []string{"query", "quote"}},
		{"22 long name", []string{"watch", "add", long, "--query", "y"}, []string{"name", "64", "10000 characters"}},
		{"22 space in name", []string{"watch", "add", "two words", "--query", "y"}, []string{"name", "letters"}},
	}
	for _, tt := range tests {
		t.Run(tt.item, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code, out, errs := c.run(tt.args...)
			if code != ExitUsage {
				t.Fatalf("dealscout %.80s: exit %d, want %d\nstdout: %s\nstderr: %.500s", strings.Join(tt.args, " "), code, ExitUsage, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %.400q does not mention %q", errs, w)
				}
			}
			if strings.Contains(errs, long[:200]) {
				t.Errorf("stderr echoes the 10,000-character name (%d bytes)", len(errs))
			}
			if tt.args[0] == "watch" {
				if out := c.ok("watch", "list", "--json"); strings.TrimSpace(out) != "[]" {
					t.Errorf("a refused watch was stored: %s", out)
				}
			}
		})
	}
}

// Item 18: a comma is read only as a thousands separator.
func TestPriceWithThousandsSeparator(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "x", "--query", "y", "--max-price", "1,500.50")
	if out := c.ok("watch", "list", "--json"); !strings.Contains(out, `"max_price": 1500.5`) {
		t.Errorf("max_price of 1,500.50 stored as: %s", out)
	}
}

// Item 22: watch names may hold letters of any script; they are unique
// whatever their case.
func TestWatchNames(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, name := range []string{"café", "Größe-2", "кресло", "椅子"} {
		c.ok("watch", "add", name, "--query", "chair")
	}
	c.ok("watch", "add", "chairs", "--query", "chair")
	for _, dup := range []string{"CHAIRS", "Chairs", "CAFÉ"} {
		code, _, errs := c.run("watch", "add", dup, "--query", "chair")
		if code != ExitUsage || !strings.Contains(errs, "already exists") {
			t.Errorf("watch add %s beside an existing one: exit %d stderr %q, want 2 and already exists", dup, code, errs)
		}
	}
	if code, _, errs := c.run("watch", "edit", "café", "--name", "CHAIRS"); code != ExitUsage || !strings.Contains(errs, "already exists") {
		t.Errorf("rename to CHAIRS: exit %d stderr %q, want 2 and already exists", code, errs)
	}
	c.ok("watch", "edit", "chairs", "--name", "Chairs") // its own name in another case is fine
	import1 := filepath.Join(c.dir, "w.json")
	if err := os.WriteFile(import1, []byte(`[{"name":"CAFÉ","query":"chair"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := c.run("watch", "import", import1); code != ExitUsage || !strings.Contains(errs, "already exists") {
		t.Errorf("import of CAFÉ beside café: exit %d stderr %q, want 2 and already exists", code, errs)
	}
	out := c.ok("watch", "list", "--json")
	if n := strings.Count(out, `"name"`); n != 5 {
		t.Errorf("want 5 watches, got %d:\n%s", n, out)
	}
}

// Item 21: watch import reads strictly and says what is wrong in plain words.
func TestWatchImportStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       []string
	}{
		{"typo in a field", `[{"name":"a","query":"chair","max_prise":40}]`, []string{"item 1", "max_prise", "unknown field", `did you mean "max_price"`}},
		{"unknown nested field", `[{"name":"a","query":"chair","settings":{"bogus":1}}]`, []string{"item 1", "bogus"}},
		{"trailing garbage", `[{"name":"a","query":"chair"}] trailing`, []string{"after the array"}},
		{"second array", `[{"name":"a","query":"chair"}][]`, []string{"after the array"}},
		{"not an array", `{"name":"a","query":"chair"}`, []string{"array"}},
		{"a string", `"watches"`, []string{"array"}},
		{"wrong type", `[{"name":"a","query":"chair","radius_mi":"far"}]`, []string{"item 1", "radius_mi", "number"}},
		{"wrong type of item", `[42]`, []string{"item 1", "object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			c.ok("watch", "add", "keep", "--query", "chair")
			path := filepath.Join(c.dir, "w.json")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errs := c.run("watch", "import", path)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d: %s", code, ExitUsage, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not mention %q", errs, w)
				}
			}
			for _, leak := range []string{"Go value", "json.RawMessage", "scout.", "struct", "[]"} {
				if strings.Contains(errs, leak) {
					t.Errorf("stderr %q shows Go internals (%q)", errs, leak)
				}
			}
			out := c.ok("watch", "list", "--json")
			if strings.Count(out, `"name"`) != 1 {
				t.Errorf("import changed the watches: %s", out)
			}
		})
	}
}

var _ = fmt.Sprint

// Item 12: a watch on eBay without eBay credentials is stored, with a warning
// naming the settings to set.
func TestEbayWatchWithoutCredentialsWarns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, args := range [][]string{
		{"watch", "add", "phones", "--query", "iphone", "--source", "ebay"},
		{"watch", "edit", "phones", "--source", "ebay:9355"},
	} {
		code, _, errs := c.run(args...)
		if code != 0 || !strings.Contains(errs, "DEALSCOUT_EBAY_CLIENT_ID") || !strings.Contains(errs, "DEALSCOUT_EBAY_CLIENT_SECRET") {
			t.Errorf("%v: exit %d stderr %q, want 0 and a warning naming both eBay settings", args, code, errs)
		}
	}
	withCreds := newCLI(t, "DEALSCOUT_EBAY_CLIENT_ID=id-1", "DEALSCOUT_EBAY_CLIENT_SECRET=s3cret")
	if _, _, errs := withCreds.run("watch", "add", "phones", "--query", "iphone", "--source", "ebay"); strings.Contains(errs, "EBAY") {
		t.Errorf("warned although credentials are set: %q", errs)
	}
	if _, _, errs := c.run("watch", "add", "sofas", "--query", "sofa"); strings.Contains(errs, "EBAY") {
		t.Errorf("warned about eBay for a demo watch: %q", errs)
	}
}

// Item 16: counts agree with their nouns, no-op edits say so, export says
// what it wrote, and a bad --log-level names the flag.
func TestMessagesSayWhatHappened(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "chairs", "--query", "chair")
	if out := c.ok("watch", "edit", "chairs"); !strings.Contains(out, "nothing changed") {
		t.Errorf("edit with no flags printed %q, want nothing changed", out)
	}
	if out := c.ok("watch", "edit", "chairs", "--query", "chair"); !strings.Contains(out, "nothing changed") {
		t.Errorf("edit to the same value printed %q, want nothing changed", out)
	}
	if out := c.ok("watch", "edit", "chairs", "--query", "oak chair"); !strings.Contains(out, "updated") {
		t.Errorf("a real edit printed %q", out)
	}
	out := c.ok("watch", "export", "w.json")
	if !strings.Contains(out, "exported 1 watch to w.json") {
		t.Errorf("export printed %q, want exported 1 watch to w.json", out)
	}
	if out := c.ok("watch", "import", "w.json"); !strings.Contains(out, "imported 1 watch ") {
		t.Errorf("import printed %q, want 1 watch (singular)", out)
	}
	code, _, errs := c.run("--log-level", "loud", "watch", "list")
	if code != ExitUsage || !strings.Contains(errs, "--log-level") || strings.Contains(errs, "DEALSCOUT_LOG_LEVEL") {
		t.Errorf("--log-level loud: exit %d stderr %q, want 2 naming --log-level, not the variable", code, errs)
	}
	envOnly := newCLI(t)
	envOnly.env = withEnv(envOnly.env, "DEALSCOUT_LOG_LEVEL=loud")
	code, _, errs = envOnly.run("watch", "list")
	if code != ExitUsage || !strings.Contains(errs, "DEALSCOUT_LOG_LEVEL") {
		t.Errorf("DEALSCOUT_LOG_LEVEL=loud: exit %d stderr %q, want 2 naming the variable", code, errs)
	}
	g := newCLI(t, "DEALSCOUT_LEGAL_MODE=guided")
	g.ok("watch", "add", "lamps", "--query", "lamp", "--min-score", "100")
	if out := g.ok("listing", "add", "https://example.com/lamp", "--title", "Brass lamp", "--price", "30", "--watch", "lamps"); !strings.Contains(out, "0 alerts queued") {
		t.Errorf("listing add printed %q", out)
	}
	for n, want := range map[int]string{0: "0 watches", 1: "1 watch", 2: "2 watches"} {
		if got := plural(n, "watch"); got != want {
			t.Errorf("plural(%d, watch) = %q, want %q", n, got, want)
		}
	}
}
