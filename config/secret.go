package config

import (
	"fmt"
	"log/slog"
)

// Secret is a setting that must never reach a log, an error or the output of
// `dealscout config`. Every way of printing it yields "***" when it is set and
// "" when it is not; only Reveal gives the value, so each use is greppable.
type Secret string

const masked = "***"

// Reveal returns the secret's value, for the code that sends it to its owner.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) mask() string {
	if s == "" {
		return ""
	}
	return masked
}

// String masks the secret.
func (s Secret) String() string { return s.mask() }

// GoString masks the secret under %#v.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.mask()) }

// Format masks the secret under every verb, including %x and %q, which would
// otherwise print the underlying string.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(s.mask()))
}

// MarshalJSON masks the secret in JSON.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.mask() + `"`), nil }

// MarshalText masks the secret for encoders that use encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.mask()), nil }

// LogValue masks the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.mask()) }
