package config

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	const key = "DEALSCOUT_LOG_LEVEL"
	tests := []struct {
		name       string
		dotenv     string // "" = no .env file
		env        []string
		flags      map[string]string
		want       string
		wantOrigin Origin
	}{
		{name: "default", want: "info", wantOrigin: OriginDefault},
		{name: ".env over default", dotenv: key + "=debug\n", want: "debug", wantOrigin: OriginFile},
		{name: "env over .env", dotenv: key + "=debug\n", env: []string{key + "=warn"}, want: "warn", wantOrigin: OriginEnv},
		{name: "flag over env", dotenv: key + "=debug\n", env: []string{key + "=warn"}, flags: map[string]string{key: "error"}, want: "error", wantOrigin: OriginFlag},
		{name: "empty env value falls through to .env", dotenv: key + "=debug\n", env: []string{key + "="}, want: "debug", wantOrigin: OriginFile},
		{name: "empty .env value falls through to default", dotenv: key + "=\n", want: "info", wantOrigin: OriginDefault},
		{name: "other variables ignored", env: []string{"LOG_LEVEL=debug", "dealscout_log_level=debug"}, want: "info", wantOrigin: OriginDefault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.dotenv != "" {
				writeFile(t, dir, ".env", tt.dotenv)
			}
			c, _, err := Load(Sources{Environ: tt.env, WorkDir: dir, Flags: tt.flags})
			if err != nil {
				t.Fatal(err)
			}
			if got := entry(t, c, key); got.Value != tt.want || got.Origin != tt.wantOrigin {
				t.Errorf("%s = %q from %s, want %q from %s", key, got.Value, got.Origin, tt.want, tt.wantOrigin)
			}
		})
	}
}

func TestLoadConfigFileReplacesDotEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, ".env", "DEALSCOUT_LOG_LEVEL=debug\n")
	path := writeFile(t, dir, "prod.env", "DEALSCOUT_LOG_FORMAT=json\n")

	c, _, err := Load(Sources{WorkDir: dir, ConfigFile: "prod.env"})
	if err != nil {
		t.Fatal(err)
	}
	if c.LogFormat != "json" {
		t.Errorf("LogFormat = %q, want json from the --config file", c.LogFormat)
	}
	if entry(t, c, "DEALSCOUT_LOG_LEVEL").Origin != OriginDefault {
		t.Errorf("DEALSCOUT_LOG_LEVEL came from %s; .env must not be read when --config is given", entry(t, c, "DEALSCOUT_LOG_LEVEL").Origin)
	}
	if got := entry(t, c, keyConfig); got.Value != path || got.Origin != OriginFlag {
		t.Errorf("%s entry = %q from %s, want %q from flag", keyConfig, got.Value, got.Origin, path)
	}
}

func TestLoadConfigFileChoice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, ".env", "DEALSCOUT_DB=dotenv.db\n")
	writeFile(t, dir, "env.env", "DEALSCOUT_DB=env.db\n")
	writeFile(t, dir, "flag.env", "DEALSCOUT_DB=flag.db\n")
	tests := []struct {
		name string
		src  Sources
		want string
	}{
		{"none given reads .env", Sources{}, "dotenv.db"},
		{"DEALSCOUT_CONFIG in env", Sources{Environ: []string{"DEALSCOUT_CONFIG=env.env"}}, "env.db"},
		{"DEALSCOUT_CONFIG flag beats env", Sources{Environ: []string{"DEALSCOUT_CONFIG=env.env"}, Flags: map[string]string{keyConfig: "flag.env"}}, "flag.db"},
		{"--config beats env", Sources{Environ: []string{"DEALSCOUT_CONFIG=env.env"}, ConfigFile: "flag.env"}, "flag.db"},
		{"absolute path", Sources{ConfigFile: filepath.Join(dir, "flag.env")}, "flag.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.src.WorkDir = dir
			c, _, err := Load(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if c.DBPath != tt.want {
				t.Errorf("DBPath = %q, want %q", c.DBPath, tt.want)
			}
		})
	}
}

func TestLoadRealEnvWinsOverConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "prod.env", "DEALSCOUT_DB=file.db\n")
	c, _, err := Load(Sources{WorkDir: dir, ConfigFile: "prod.env", Environ: []string{"DEALSCOUT_DB=env.db"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.DBPath != "env.db" {
		t.Errorf("DBPath = %q, want env.db from the environment", c.DBPath)
	}
}

func TestLoadWithoutDotEnv(t *testing.T) {
	t.Parallel()
	c, _, err := Load(Sources{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Load with no .env = %v, want defaults", err)
	}
	if c.ConfigFile != "" {
		t.Errorf("ConfigFile = %q, want empty when no file was read", c.ConfigFile)
	}
}

func TestLoadMissingConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, _, err := Load(Sources{WorkDir: dir, ConfigFile: "missing.env"})
	wantErrorContaining(t, err, keyConfig, filepath.Join(dir, "missing.env"))
}

func TestLoadUnreadableDotEnv(t *testing.T) {
	t.Parallel()
	denied := func(string) ([]byte, error) { return nil, fs.ErrPermission }
	_, _, err := Load(Sources{WorkDir: "/srv", ReadFile: denied})
	wantErrorContaining(t, err, "/srv/.env", "permission denied")
}

func TestLoadReadsOnlyTheSettingsFile(t *testing.T) {
	t.Parallel()
	var read []string
	readFile := func(name string) ([]byte, error) {
		read = append(read, name)
		return nil, fs.ErrNotExist
	}
	if _, _, err := Load(Sources{WorkDir: "/srv/dealscout", ReadFile: readFile}); err != nil {
		t.Fatal(err)
	}
	if len(read) != 1 || read[0] != "/srv/dealscout/.env" {
		t.Errorf("Load read %q, want only /srv/dealscout/.env", read)
	}
}

func TestLoadRejectsUnknownFlagKey(t *testing.T) {
	t.Parallel()
	_, _, err := Load(Sources{WorkDir: t.TempDir(), Flags: map[string]string{"DEALSCOUT_NOPE": "x"}})
	wantErrorContaining(t, err, "DEALSCOUT_NOPE")
}

func TestLoadMalformedLineNamesFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, ".env", "# settings\nDEALSCOUT_DB=x.db\nDEALSCOUT_LOG_LEVEL debug\n")
	_, _, err := Load(Sources{WorkDir: dir})
	wantErrorContaining(t, err, path+" line 3")
}

func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := loadEnv(t, "DEALSCOUT_LOG_LEVEL=loud", "DEALSCOUT_LEGAL_MODE=strict")
	wantErrorContaining(t, err, "DEALSCOUT_LOG_LEVEL", "DEALSCOUT_LEGAL_MODE")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *Error) = false", err)
	}
}

func TestLoadBadValueInFileNamesItsLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, ".env", "# settings\nDEALSCOUT_DB=x.db\n\nDEALSCOUT_LEGAL_MODE=strict\nDEALSCOUT_SMTP_PASSWORD_FILE=missing.txt\n")
	_, _, err := Load(Sources{WorkDir: dir})
	wantErrorContaining(t, err, path+" line 4: DEALSCOUT_LEGAL_MODE must be one of", path+" line 5: DEALSCOUT_SMTP_PASSWORD_FILE")

	// The same value from the environment has no file or line to name.
	_, err = loadEnv(t, "DEALSCOUT_LEGAL_MODE=strict")
	wantErrorContaining(t, err, "DEALSCOUT_LEGAL_MODE must be one of")
	if strings.Contains(err.Error(), " line ") {
		t.Errorf("an environment value's error names a line: %v", err)
	}
}
