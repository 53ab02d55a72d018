package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile creates dir/name with content and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadEnv loads with only env set, in an empty work dir.
func loadEnv(t *testing.T, env ...string) (*Config, error) {
	t.Helper()
	c, _, err := Load(Sources{Environ: env, WorkDir: t.TempDir()})
	return c, err
}

// mustLoadEnv is loadEnv for inputs that must be accepted.
func mustLoadEnv(t *testing.T, env ...string) *Config {
	t.Helper()
	c, err := loadEnv(t, env...)
	if err != nil {
		t.Fatalf("Load(%q) = %v, want no error", env, err)
	}
	return c
}

// entry returns c's Entry for key.
func entry(t *testing.T, c *Config, key string) Entry {
	t.Helper()
	for _, e := range c.Entries() {
		if e.Key == key {
			return e
		}
	}
	t.Fatalf("Entries has no %s", key)
	return Entry{}
}

// wantErrorContaining fails unless err is a config error whose message
// contains every one of parts.
func wantErrorContaining(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", parts)
	}
	if !IsError(err) {
		t.Errorf("error %q is not a *config.Error, so it would not map to exit code 2", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}
