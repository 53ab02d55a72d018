package config

import (
	"strings"
	"testing"
)

func TestKeysAreDocumented(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, k := range Keys() {
		if !strings.HasPrefix(k.Name, envPrefix) || strings.ToUpper(k.Name) != k.Name {
			t.Errorf("key %q is not an upper-case DEALSCOUT_ name", k.Name)
		}
		if seen[k.Name] {
			t.Errorf("key %s appears twice in the table", k.Name)
		}
		seen[k.Name] = true
		if !strings.HasSuffix(k.Help, ".") || len(k.Help) < 15 {
			t.Errorf("key %s help %q is not a sentence", k.Name, k.Help)
		}
		if k.Secret && k.Default != "" {
			t.Errorf("secret %s has a default; secrets must come from the user", k.Name)
		}
	}
}

// TestDefaultsMatchEntries guards the README: the Default column must be what
// `dealscout config` shows when nothing is set.
func TestDefaultsMatchEntries(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, k := range Keys() {
		if got := entry(t, c, k.Name).Value; got != k.Default {
			t.Errorf("%s: Keys() says default %q, Default() has %q", k.Name, k.Default, got)
		}
	}
}

// TestSettingsHaveBehaviour checks the table rows are wired: every key but
// DEALSCOUT_CONFIG parses into a field and prints it back.
func TestSettingsHaveBehaviour(t *testing.T) {
	t.Parallel()
	for _, s := range settings {
		if s.get == nil {
			t.Errorf("%s has no getter", s.Name)
		}
		if s.set == nil && s.Name != keyConfig {
			t.Errorf("%s has no setter", s.Name)
		}
	}
}
