package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cli runs the dealscout command line in-process against a database in a
// temporary directory, with a fixed clock and no environment but its own.
type cli struct {
	t        *testing.T
	dir      string
	env      []string
	now      time.Time
	terminal bool // run as if stdin were a terminal, so commands may ask
}

func newCLI(t *testing.T, env ...string) *cli {
	t.Helper()
	dir := t.TempDir()
	base := []string{"DEALSCOUT_DB=" + filepath.Join(dir, "dealscout.db"), "DEALSCOUT_LOG_FORMAT=json", "DEALSCOUT_LOG_LEVEL=warn"}
	return &cli{t: t, dir: dir, env: append(base, env...), now: time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)}
}

// run returns the exit code, stdout and stderr of one command line.
func (c *cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	return c.runIn("", args...)
}

func (c *cli) runIn(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{Environ: c.env, WorkDir: c.dir, Stdin: strings.NewReader(stdin),
		Stdout: &out, Stderr: &errb, Now: func() time.Time { return c.now }, Terminal: c.terminal})
	return code, out.String(), errb.String()
}

// ok runs a command that must succeed and returns its stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != 0 {
		c.t.Fatalf("dealscout %s: exit %d, want 0\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestInvalidLegalModeExits2NamingTheKey(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "DEALSCOUT_LEGAL_MODE=strict")
	code, _, errs := c.run("watch", "list")
	if code != ExitUsage {
		t.Fatalf("exit = %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(errs, "DEALSCOUT_LEGAL_MODE") || !strings.Contains(errs, "api_only, guided, off") {
		t.Errorf("stderr %q does not name DEALSCOUT_LEGAL_MODE and its allowed values", errs)
	}
}

func TestWatchAddValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"min above max", []string{"--query", "y", "--min-price", "50", "--max-price", "10"}, []string{"min_price", "max_price"}},
		{"negative price", []string{"--query", "y", "--max-price", "-5"}, []string{"max_price"}},
		{"price too large", []string{"--query", "y", "--max-price", "1000001"}, []string{"max_price"}},
		{"three decimals", []string{"--query", "y", "--min-price", "1.999"}, []string{"min_price"}},
		{"no query", []string{"--max-price", "10"}, []string{"query"}},
		{"bad condition", []string{"--query", "y", "--condition", "shiny"}, []string{"conditions", "like_new"}},
		{"unknown zip", []string{"--query", "y", "--zip", "99999"}, []string{"zip", "99999"}},
		{"bad coordinates", []string{"--query", "y", "--lat", "95", "--lng", "0"}, []string{"lat"}},
		{"lat without lng", []string{"--query", "y", "--lat", "37"}, []string{"lat", "lng"}},
		{"radius too large", []string{"--query", "y", "--zip", "94105", "--radius-mi", "501"}, []string{"radius_mi", "1 and 500"}},
		{"radius too small", []string{"--query", "y", "--zip", "94105", "--radius-mi", "0.5"}, []string{"radius_mi"}},
		{"radius without place", []string{"--query", "y", "--radius-mi", "10"}, []string{"radius_mi", "zip"}},
		{"score above 100", []string{"--query", "y", "--min-score", "101"}, []string{"min_score"}},
		{"bad source", []string{"--query", "y", "--source", "amazon"}, []string{"sources", "amazon"}},
		{"feed without url", []string{"--query", "y", "--source", "feed:notaurl"}, []string{"sources", "feed"}},
		{"craigslist in api_only", []string{"--query", "y", "--source", "craigslist:sfbay"}, []string{"sources", "DEALSCOUT_LEGAL_MODE=off"}},
		{"unknown channel", []string{"--query", "y", "--notify", "nobody"}, []string{"notify", "nobody", "channel add"}},
		{"every too short", []string{"--query", "y", "--every", "10s"}, []string{"every"}},
		{"bad digest", []string{"--query", "y", "--digest", "weekly"}, []string{"digest", "daily@HH:MM"}},
		{"bad quiet", []string{"--query", "y", "--quiet", "25:00-07:00"}, []string{"quiet"}},
		{"bad name", []string{"--query", "y"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			name := "x"
			if tt.name == "bad name" {
				name, tt.want = "bad name!", []string{"name"}
			}
			code, _, errs := c.run(append([]string{"watch", "add", name}, tt.args...)...)
			if code != ExitUsage {
				t.Fatalf("exit = %d, want %d (stderr %q)", code, ExitUsage, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not mention %q", errs, w)
				}
			}
			if out := c.ok("watch", "list", "--json"); strings.TrimSpace(out) != "[]" {
				t.Errorf("a refused watch was stored: %s", out)
			}
		})
	}
}

func TestCraigslistAllowedWhenLegalModeOff(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "DEALSCOUT_LEGAL_MODE=off")
	c.ok("watch", "add", "cl", "--query", "sofa", "--source", "craigslist:sfbay")
}

func TestWatchExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("channel", "add", "hook", "webhook+https://example.com/hook")
	c.ok("watch", "add", "couches", "--query", `"sectional sofa" leather -broken`, "--exclude", "stained",
		"--min-price", "49.99", "--max-price", "400", "--condition", "good", "--condition", "like_new",
		"--zip", "94105", "--radius-mi", "25", "--min-score", "80", "--notify", "hook", "--every", "30m",
		"--digest", "daily@07:30", "--quiet", "22:00-07:00")
	c.ok("watch", "add", "bikes", "--query", "road bike", "--lat", "40.7128", "--lng", "-74.006", "--radius-mi", "10",
		"--source", "demo", "--source", "feed:https://example.com/deals.rss", "--digest", "off")
	c.ok("watch", "pause", "bikes")
	exported := c.ok("watch", "export")

	d := newCLI(t)
	d.ok("channel", "add", "hook", "webhook+https://example.com/hook")
	d.runIn(exported, "watch", "import", "-")
	if again := d.ok("watch", "export"); again != exported {
		t.Errorf("export after import differs:\n--- first\n%s\n--- second\n%s", exported, again)
	}
	// Importing again is idempotent by name.
	out := d.ok("watch", "import", writeTemp(t, exported))
	if !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Errorf("second import said %q, want 0 new, 0 updated, 2 unchanged", out)
	}
	if again := d.ok("watch", "export"); again != exported {
		t.Errorf("export after a second import differs")
	}
	// A changed watch is updated and counted so; the other stays unchanged.
	changed := strings.Replace(exported, `"road bike"`, `"gravel bike"`, 1)
	if changed == exported {
		t.Fatal("the export has no \"road bike\" query to change")
	}
	out = d.ok("watch", "import", writeTemp(t, changed))
	if !strings.Contains(out, "0 new, 1 updated, 1 unchanged") {
		t.Errorf("import of one changed watch said %q, want 0 new, 1 updated, 1 unchanged", out)
	}
	if again := d.ok("watch", "export"); again != changed {
		t.Errorf("export after importing a changed watch differs from what was imported:\n%s", again)
	}
}

func TestWatchImportRejectsBadFileAndKeepsData(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "keep", "--query", "lamp")
	before := c.ok("watch", "export")
	for name, body := range map[string]string{
		"truncated":  `[{"name":"a","query":"x"`,
		"bad price":  `[{"name":"a","query":"x","min_price":-1}]`,
		"one bad":    `[{"name":"ok1","query":"x"},{"name":"bad","query":""}]`,
		"not array":  `{"name":"a"}`,
		"duplicates": `[{"name":"a","query":"x"},{"name":"a","query":"y"}]`,
	} {
		code, _, errs := c.run("watch", "import", writeTemp(t, body))
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", name, code, errs)
		}
		if after := c.ok("watch", "export"); after != before {
			t.Errorf("%s: a refused import changed the stored watches", name)
		}
	}
}

func TestWatchLifecycle(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "lamps", "--query", "brass lamp", "--max-price", "80")
	c.ok("watch", "edit", "lamps", "--max-price", "60", "--every", "1h")
	var ws []map[string]any
	if err := json.Unmarshal([]byte(c.ok("watch", "list", "--json")), &ws); err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0]["max_price"] != 60.0 || ws[0]["every"] != "1h" || ws[0]["query"] != "brass lamp" {
		t.Fatalf("watch list --json = %v, want lamps with max_price 60, every 1h", ws)
	}
	for _, key := range []string{"name", "query", "sources", "min_price", "max_price", "currency", "conditions", "zip",
		"radius_mi", "min_score", "notify", "every", "paused"} {
		if _, ok := ws[0][key]; !ok {
			t.Errorf("watch list --json lacks documented key %q", key)
		}
	}
	c.ok("watch", "pause", "lamps")
	if !strings.Contains(c.ok("watch", "show", "lamps"), "paused:      true") && !strings.Contains(c.ok("watch", "show", "lamps"), "true") {
		t.Error("watch show does not say paused")
	}
	c.ok("watch", "resume", "lamps")
	c.ok("watch", "rm", "lamps")
	if code, _, _ := c.run("watch", "show", "lamps"); code != ExitUsage {
		t.Errorf("show of a removed watch exit %d, want 2", code)
	}
	if code, _, _ := c.run("watch", "edit", "nope", "--max-price", "5"); code != ExitUsage {
		t.Errorf("edit of a missing watch exit %d, want 2", code)
	}
}

func TestMigrateUpDownOnDataHoldingDatabase(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("channel", "add", "mail", "mailto:me@example.com")
	c.ok("watch", "add", "w", "--query", "chair", "--notify", "mail")
	status := c.ok("migrate", "status")
	if strings.Contains(status, "pending") || !strings.Contains(status, "applied") {
		t.Fatalf("migrate status after use:\n%s\nwant every migration applied", status)
	}
	c.ok("migrate", "down", "--to", "0", "--yes")
	if out := c.ok("migrate", "version"); !strings.HasPrefix(out, "database 0,") {
		t.Fatalf("after down --to 0: %q", out)
	}
	if status := c.ok("migrate", "status"); strings.Contains(status, "applied") {
		t.Fatalf("after down --to 0 something is still applied:\n%s", status)
	}
	c.ok("migrate", "up")
	c.ok("migrate", "redo", "--yes")
	if st := c.ok("migrate", "status"); strings.Contains(st, "pending") {
		t.Errorf("after up and redo, pending remain:\n%s", st)
	}
	c.ok("watch", "add", "again", "--query", "chair")
}

func TestChannelAddListMaskRemove(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	secret := "sEcReTtOkEn1234567890"
	c.ok("channel", "add", "disc", "https://discord.com/api/webhooks/123456/"+secret)
	c.ok("channel", "add", "tg", "telegram://"+"12345:"+secret+"/987")
	for _, args := range [][]string{{"channel", "list"}, {"channel", "list", "--json"}} {
		if out := c.ok(args...); strings.Contains(out, secret) || !strings.Contains(out, "***") {
			t.Errorf("%v shows the secret or no mask:\n%s", args, out)
		}
	}
	if code, _, errs := c.run("channel", "add", "bad", "ftp://example.com"); code != ExitUsage || !strings.Contains(errs, "mailto:") {
		t.Errorf("bad URL: exit %d stderr %q, want 2 listing the accepted schemes", code, errs)
	}
	if code, _, _ := c.run("channel", "add", "disc", "mailto:a@b.co"); code != ExitUsage {
		t.Errorf("duplicate channel name exit %d, want 2", code)
	}
	c.ok("watch", "add", "w", "--query", "x", "--notify", "disc")
	if code, _, errs := c.run("channel", "rm", "disc"); code != ExitUsage || !strings.Contains(errs, "w") {
		t.Errorf("rm of a channel in use: exit %d stderr %q, want 2 naming the watch", code, errs)
	}
	c.ok("channel", "rm", "tg")
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if out := c.ok("version"); !strings.HasPrefix(out, "dealscout ") || !strings.Contains(out, "commit") {
		t.Errorf("version = %q", out)
	}
	if out := c.ok("--help"); !strings.Contains(out, "poll") || !strings.Contains(out, "watch") {
		t.Errorf("--help does not list the commands:\n%s", out)
	}
	if code, _, _ := c.run("frobnicate"); code != ExitUsage {
		t.Errorf("unknown command exit %d, want 2", code)
	}
	if code, _, _ := c.run("watch", "list", "--bogus"); code != ExitUsage {
		t.Errorf("unknown flag exit %d, want 2", code)
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	canary := "canary-7f3a9c-secret"
	c := newCLI(t, "DEALSCOUT_SMTP_PASSWORD="+canary, "DEALSCOUT_SMTP_USERNAME=me", "DEALSCOUT_SMTP_HOST=smtp.example.com", "DEALSCOUT_SMTP_FROM=d@example.com", "DEALSCOUT_TWILIO_FROM=+14155550100",
		"DEALSCOUT_TWILIO_AUTH_TOKEN="+canary, "DEALSCOUT_TWILIO_ACCOUNT_SID=AC123", "DEALSCOUT_EBAY_CLIENT_SECRET="+canary,
		"DEALSCOUT_EBAY_CLIENT_ID=id", "DEALSCOUT_WEBHOOK_SECRET="+canary, "DEALSCOUT_ADMIN_PASSWORD="+canary,
		"DEALSCOUT_LOG_LEVEL=debug")
	for _, args := range [][]string{{"config"}, {"config", "--json"}} {
		code, out, errs := c.run(args...)
		if code != 0 {
			t.Fatalf("%v exit %d: %s", args, code, errs)
		}
		if strings.Contains(out+errs, canary) {
			t.Errorf("%v leaked a secret:\n%s\n%s", args, out, errs)
		}
		if !strings.Contains(out, "***") {
			t.Errorf("%v shows no masked value", args)
		}
	}
}

func TestDotEnvAndFlagPrecedence(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if err := os.WriteFile(filepath.Join(c.dir, ".env"), []byte("DEALSCOUT_DB="+filepath.Join(c.dir, "fromfile.db")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The real environment (set by newCLI) wins over .env; --db wins over both.
	flagDB := filepath.Join(c.dir, "fromflag.db")
	c.ok("--db", flagDB, "watch", "add", "w", "--query", "x")
	if _, err := os.Stat(flagDB); err != nil {
		t.Errorf("--db was not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "fromfile.db")); err == nil {
		t.Error(".env's DEALSCOUT_DB won over the environment")
	}
}

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}
