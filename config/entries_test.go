package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// canaryConfig loads a Config with every secret set to a distinct canary,
// half of them through NAME_FILE, and returns it with the canaries.
func canaryConfig(t *testing.T) (*Config, []string) {
	t.Helper()
	dir := t.TempDir()
	env := []string{
		"DEALSCOUT_EBAY_CLIENT_ID=app",
		"DEALSCOUT_SMTP_HOST=mail.test", "DEALSCOUT_SMTP_FROM=a@mail.test", "DEALSCOUT_SMTP_USERNAME=u",
		"DEALSCOUT_TWILIO_ACCOUNT_SID=AC1", "DEALSCOUT_TWILIO_FROM=+14155550123",
	}
	var canaries []string
	for i, k := range Keys() {
		if !k.Secret {
			continue
		}
		canary := fmt.Sprintf("canary%d-%s", i, strings.ToLower(k.Name))
		canaries = append(canaries, canary)
		if i%2 == 0 {
			env = append(env, k.Name+"_FILE="+writeFile(t, dir, k.Name, canary+"\n"))
		} else {
			env = append(env, k.Name+"="+canary)
		}
	}
	c, _, err := Load(Sources{Environ: env, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return c, canaries
}

func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	c, canaries := canaryConfig(t)
	if len(canaries) < 5 {
		t.Fatalf("only %d secret keys; the table lost some", len(canaries))
	}

	entries, _ := json.Marshal(c.Entries())
	jsonPtr, _ := json.Marshal(c)
	jsonVal, _ := json.Marshal(*c)
	var slogJSON, slogText, slogValue bytes.Buffer
	slog.New(slog.NewJSONHandler(&slogJSON, nil)).Info("loaded", "config", c)
	slog.New(slog.NewTextHandler(&slogText, nil)).Info("loaded", "config", c)
	slog.New(slog.NewJSONHandler(&slogValue, nil)).Info("loaded", "config", *c)
	outputs := map[string]string{
		"Entries":               string(entries),
		"%v":                    fmt.Sprintf("%v", c),
		"%+v":                   fmt.Sprintf("%+v", c),
		"%#v":                   fmt.Sprintf("%#v", c),
		"%+v of value":          fmt.Sprintf("%+v", *c),
		"json.Marshal(*Config)": string(jsonPtr),
		"json.Marshal(Config)":  string(jsonVal),
		"slog JSON":             slogJSON.String(),
		"slog text":             slogText.String(),
		"slog JSON of value":    slogValue.String(),
	}
	for how, out := range outputs {
		for _, canary := range canaries {
			if strings.Contains(out, canary) {
				t.Errorf("%s contains secret %q:\n%s", how, canary, out)
			}
		}
	}
}

func TestEntriesMaskSecrets(t *testing.T) {
	t.Parallel()
	c, _ := canaryConfig(t)
	unset := Default()
	for _, k := range Keys() {
		if !k.Secret {
			continue
		}
		if got := entry(t, c, k.Name); got.Value != "***" || !got.Secret {
			t.Errorf("set %s entry = %+v, want value *** marked secret", k.Name, got)
		}
		if got := entry(t, unset, k.Name); got.Value != "" {
			t.Errorf("unset %s entry value = %q, want empty", k.Name, got.Value)
		}
	}
}

func TestEntriesCoverEveryKey(t *testing.T) {
	t.Parallel()
	var keys, entries []string
	for _, k := range Keys() {
		keys = append(keys, k.Name)
	}
	for _, e := range Default().Entries() {
		entries = append(entries, e.Key)
	}
	if !slices.Equal(keys, entries) {
		t.Errorf("Entries keys = %v, want the Keys() order %v", entries, keys)
	}
}

func TestEntriesOrigins(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, ".env", "DEALSCOUT_DB=file.db\n")
	c, _, err := Load(Sources{
		WorkDir: dir,
		Environ: []string{"DEALSCOUT_LOG_LEVEL=debug"},
		Flags:   map[string]string{"DEALSCOUT_ADDR": ":9090"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Entry{
		keyConfig:                {Key: keyConfig, Value: filepath.Join(dir, ".env"), Origin: OriginDefault},
		"DEALSCOUT_DB":           {Key: "DEALSCOUT_DB", Value: "file.db", Origin: OriginFile},
		"DEALSCOUT_LOG_LEVEL":    {Key: "DEALSCOUT_LOG_LEVEL", Value: "debug", Origin: OriginEnv},
		"DEALSCOUT_ADDR":         {Key: "DEALSCOUT_ADDR", Value: ":9090", Origin: OriginFlag},
		"DEALSCOUT_SMTP_PORT":    {Key: "DEALSCOUT_SMTP_PORT", Value: "587", Origin: OriginDefault},
		"DEALSCOUT_EBAY_API_URL": {Key: "DEALSCOUT_EBAY_API_URL", Value: "https://api.ebay.com", Origin: OriginDefault},
	}
	for key, w := range want {
		if got := entry(t, c, key); got != w {
			t.Errorf("entry %s = %+v, want %+v", key, got, w)
		}
	}
}

// TestEntriesRoundTrip feeds every non-default value Entries prints back in
// as the environment and expects the same Entries: what `dealscout config`
// shows can be pasted into a .env file.
func TestEntriesRoundTrip(t *testing.T) {
	t.Parallel()
	first := mustLoadEnv(t,
		"DEALSCOUT_LOG_LEVEL=warn", "DEALSCOUT_TIMEZONE=Europe/Berlin", "DEALSCOUT_EBAY_ENV=sandbox",
		"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=10.0.0.0/8,::1", "DEALSCOUT_SCORE_WEIGHTS=condition=2,market=3.5",
		"DEALSCOUT_HTTP_TIMEOUT=1m30s", "DEALSCOUT_COMPS_WINDOW=48h", "DEALSCOUT_AUTO_MIGRATE=off",
		"DEALSCOUT_MAX_BODY_BYTES=2048", "DEALSCOUT_BASE_URL=https://deals.example.com/",
	)
	var env []string
	for _, e := range first.Entries() {
		if !e.Secret && e.Key != keyConfig && e.Value != "" {
			env = append(env, e.Key+"="+e.Value)
		}
	}
	second := mustLoadEnv(t, env...)
	for i, e := range second.Entries() {
		if want := first.Entries()[i]; e.Value != want.Value {
			t.Errorf("%s printed as %q, read back as %q", e.Key, want.Value, e.Value)
		}
	}
}

func TestLogValue(t *testing.T) {
	t.Parallel()
	c := mustLoadEnv(t, "DEALSCOUT_LOG_LEVEL=debug")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("loaded", "config", c)
	var line struct {
		Config map[string]string `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("slog output %s: %v", buf.Bytes(), err)
	}
	if got := line.Config["log_level"]; got != "debug" {
		t.Errorf("logged config log_level = %q, want debug (snake_case key without the prefix)", got)
	}
	if len(line.Config) != len(Keys()) {
		t.Errorf("logged %d settings, want all %d", len(line.Config), len(Keys()))
	}
}
