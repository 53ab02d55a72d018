package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretFromFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"no newline", "pw", "pw"},
		{"one newline trimmed", "pw\n", "pw"},
		{"CRLF trimmed", "pw\r\n", "pw"},
		{"only one newline trimmed", "pw\n\n", "pw\n"},
		{"spaces kept", " pw ", " pw "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeFile(t, dir, "password", tt.content)
			c := mustLoadEnv(t, "DEALSCOUT_ADMIN_PASSWORD_FILE="+path)
			if got := c.AdminPassword.Reveal(); got != tt.want {
				t.Errorf("AdminPassword = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSecretFileRelativeToWorkDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "token", "tok\n")
	c, _, err := Load(Sources{WorkDir: dir, Environ: []string{"DEALSCOUT_WEBHOOK_SECRET_FILE=token"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookSecret.Reveal() != "tok" {
		t.Errorf("WebhookSecret = %q, want tok read from WorkDir/token", c.WebhookSecret.Reveal())
	}
	e := entry(t, c, "DEALSCOUT_WEBHOOK_SECRET")
	if want := filepath.Join(dir, "token"); e.ReadFrom != want || e.Origin != OriginEnv || e.Value != "***" {
		t.Errorf("entry = %+v, want origin env, value *** and ReadFrom %s", e, want)
	}
	if e := entry(t, c, "DEALSCOUT_SMTP_PASSWORD"); e.ReadFrom != "" {
		t.Errorf("an unset secret has ReadFrom %q", e.ReadFrom)
	}
}

func TestSecretFileInSettingsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, "token", "from-file")
	writeFile(t, dir, ".env", "DEALSCOUT_WEBHOOK_SECRET_FILE="+path+"\n")
	c, _, err := Load(Sources{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.WebhookSecret.Reveal() != "from-file" || entry(t, c, "DEALSCOUT_WEBHOOK_SECRET").Origin != OriginFile {
		t.Errorf("WebhookSecret = %q from %s, want from-file from file", c.WebhookSecret.Reveal(), entry(t, c, "DEALSCOUT_WEBHOOK_SECRET").Origin)
	}
}

func TestSecretLayersAcrossForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, "token", "env-file")
	writeFile(t, dir, ".env", "DEALSCOUT_WEBHOOK_SECRET=dotenv\n")
	c, _, err := Load(Sources{WorkDir: dir, Environ: []string{"DEALSCOUT_WEBHOOK_SECRET_FILE=" + path}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.WebhookSecret.Reveal(); got != "env-file" {
		t.Errorf("WebhookSecret = %q, want env-file: the environment's _FILE beats the settings file's value", got)
	}
}

func TestSecretFileErrors(t *testing.T) {
	t.Parallel()
	const canary = "canary-secret-value"
	dir := t.TempDir()
	secretPath := writeFile(t, dir, "secret", canary)
	emptyPath := writeFile(t, dir, "empty", "")
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"both set", []string{"DEALSCOUT_SMTP_PASSWORD=" + canary, "DEALSCOUT_SMTP_PASSWORD_FILE=" + secretPath},
			[]string{"DEALSCOUT_SMTP_PASSWORD and DEALSCOUT_SMTP_PASSWORD_FILE are both set in the environment; set only one"}},
		{"missing file", []string{"DEALSCOUT_SMTP_PASSWORD_FILE=" + missing},
			[]string{"DEALSCOUT_SMTP_PASSWORD_FILE", missing, "no such file"}},
		{"directory", []string{"DEALSCOUT_SMTP_PASSWORD_FILE=" + dir},
			[]string{"DEALSCOUT_SMTP_PASSWORD_FILE", dir}},
		{"empty file", []string{"DEALSCOUT_SMTP_PASSWORD_FILE=" + emptyPath},
			[]string{"DEALSCOUT_SMTP_PASSWORD_FILE", emptyPath, "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadEnv(t, tt.env...)
			wantErrorContaining(t, err, tt.want...)
			if strings.Contains(err.Error(), canary) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestFileVariantOnlyForSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, "db", "other.db")
	c, warnings, err := Load(Sources{WorkDir: dir, Environ: []string{"DEALSCOUT_DB_FILE=" + path}})
	if err != nil {
		t.Fatal(err)
	}
	if c.DBPath != "dealscout.db" {
		t.Errorf("DBPath = %q; DEALSCOUT_DB_FILE must not be read, DB is not a secret", c.DBPath)
	}
	if len(warnings) != 1 || warnings[0].Key != "DEALSCOUT_DB_FILE" {
		t.Errorf("warnings = %v, want one about DEALSCOUT_DB_FILE", warnings)
	}
}

func TestSecretPrintsMasked(t *testing.T) {
	t.Parallel()
	s := Secret("hunter2")
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "s", s)
	js, _ := json.Marshal(s)
	txt, _ := s.MarshalText()
	outputs := map[string]string{
		"String": s.String(), "%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s), "%q": fmt.Sprintf("%q", s),
		"%x": fmt.Sprintf("%x", s), "%#v": fmt.Sprintf("%#v", s), "%+v": fmt.Sprintf("%+v", s), "%10s": fmt.Sprintf("%10s", s),
		"json": string(js), "text": string(txt), "slog": logged.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", "hunter2")) {
			t.Errorf("%s printed the secret: %q", how, out)
		}
		if !strings.Contains(out, "***") {
			t.Errorf("%s = %q, want the *** mask so a set secret shows as set", how, out)
		}
	}
	if s.Reveal() != "hunter2" {
		t.Errorf("Reveal() = %q, want hunter2", s.Reveal())
	}
}

func TestEmptySecretPrintsEmpty(t *testing.T) {
	t.Parallel()
	var s Secret
	if got := fmt.Sprintf("%v|%s", s, s); got != "|" {
		t.Errorf("unset secret printed %q, want empty", got)
	}
	if js, _ := json.Marshal(s); string(js) != `""` {
		t.Errorf("json.Marshal(unset secret) = %s, want \"\"", js)
	}
}
