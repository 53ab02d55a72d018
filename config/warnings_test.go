package config

import (
	"reflect"
	"testing"
)

func TestUnknownKeyWarnings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env            string
		wantSuggestion string
		wantMessage    string
	}{
		{"DEALSCOUT_LOG_LEVLE=debug", "DEALSCOUT_LOG_LEVEL",
			"unknown setting DEALSCOUT_LOG_LEVLE in the environment; did you mean DEALSCOUT_LOG_LEVEL?"},
		{"DEALSCOUT_SMTP_PASS=x", "DEALSCOUT_SMTP_PASSWORD",
			"unknown setting DEALSCOUT_SMTP_PASS in the environment; did you mean DEALSCOUT_SMTP_PASSWORD?"},
		{"DEALSCOUT_ADMIN_PASSWORD_FLIE=/x", "DEALSCOUT_ADMIN_PASSWORD_FILE",
			"unknown setting DEALSCOUT_ADMIN_PASSWORD_FLIE in the environment; did you mean DEALSCOUT_ADMIN_PASSWORD_FILE?"},
		{"DEALSCOUT_DATABASE_URL=x", "",
			"unknown setting DEALSCOUT_DATABASE_URL in the environment"},
		{"DEALSCOUT_ADDR_FILE=/x", "DEALSCOUT_ADDR",
			"unknown setting DEALSCOUT_ADDR_FILE in the environment; only secrets can be read from a file, so set DEALSCOUT_ADDR itself"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			_, warnings, err := Load(Sources{Environ: []string{tt.env}, WorkDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) != 1 {
				t.Fatalf("warnings = %v, want exactly one", warnings)
			}
			if w := warnings[0]; w.Suggestion != tt.wantSuggestion || w.Message != tt.wantMessage {
				t.Errorf("warning = %q (suggesting %q), want %q (suggesting %q)", w.Message, w.Suggestion, tt.wantMessage, tt.wantSuggestion)
			}
		})
	}
}

func TestUnknownKeyWarningInFileNamesLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, ".env", "OTHER_APP_KEY=1\n\nDEALSCOUT_TIMEZONEE=UTC\n")
	_, warnings, err := Load(Sources{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []Warning{{
		Key: "DEALSCOUT_TIMEZONEE", Where: "in " + path + " line 3", Suggestion: "DEALSCOUT_TIMEZONE",
		Message: "unknown setting DEALSCOUT_TIMEZONEE in " + path + " line 3; did you mean DEALSCOUT_TIMEZONE?",
	}}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings = %+v, want %+v", warnings, want)
	}
}

func TestKnownKeysDoNotWarn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secretPath := writeFile(t, dir, "s", "x")
	env := []string{"DEALSCOUT_CONFIG=", "DEALSCOUT_LOG_LEVEL=info", "DEALSCOUT_WEBHOOK_SECRET_FILE=" + secretPath, "PATH=/bin"}
	_, warnings, err := Load(Sources{Environ: env, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings = %v, want none for known keys, secret _FILE variants and non-DEALSCOUT variables", warnings)
	}
}

func TestConfigKeyInSettingsFileWarns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, ".env", "DEALSCOUT_CONFIG=other.env\n")
	_, warnings, err := Load(Sources{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || warnings[0].Key != keyConfig {
		t.Errorf("warnings = %v, want one saying DEALSCOUT_CONFIG has no effect in a settings file", warnings)
	}
}

func TestWarningsComeWithErrors(t *testing.T) {
	t.Parallel()
	_, warnings, err := Load(Sources{WorkDir: t.TempDir(), Environ: []string{"DEALSCOUT_SMTP_PASSWROD=p", "DEALSCOUT_SMTP_USERNAME=u"}})
	wantErrorContaining(t, err, "DEALSCOUT_SMTP_USERNAME is set but DEALSCOUT_SMTP_PASSWORD is not")
	if len(warnings) != 1 || warnings[0].Suggestion != "DEALSCOUT_SMTP_PASSWORD" {
		t.Errorf("warnings = %v, want the misspelling that explains the error", warnings)
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"LEVEL", "LEVEL", 0},
		{"LEVLE", "LEVEL", 1},
		{"LEVL", "LEVEL", 1},
		{"LEVELS", "LEVEL", 1},
		{"LAVEL", "LEVEL", 1},
		{"", "DB", 2},
		{"KITTEN", "SITTING", 3},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := editDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (distance must be symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}
