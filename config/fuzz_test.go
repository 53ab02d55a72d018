package config

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseEnvFile checks the settings-file parser never panics, reports
// errors as *Error with a real line, and returns only valid keys on lines
// that exist, in order.
func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("DEALSCOUT_DB=x.db\n"))
	f.Add([]byte("export K=\"a\\\"b\" # c\nJ='x'\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := parseEnvFile("fuzz.env", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.File != "fuzz.env" {
				t.Fatalf("error %#v is not a *Error with a file and line", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		prev := 0
		for _, v := range vars {
			if !validKey(v.Key) {
				t.Errorf("invalid key %q returned", v.Key)
			}
			if v.Line <= prev || v.Line > lines {
				t.Errorf("key %q on line %d after line %d of %d", v.Key, v.Line, prev, lines)
			}
			prev = v.Line
		}
		// A value that parsed must survive being written back single-quoted.
		for _, v := range vars {
			if strings.ContainsAny(v.Value, "'\n") {
				continue
			}
			again, err := parseEnvFile("again.env", []byte(v.Key+"='"+v.Value+"'"))
			if err != nil || len(again) != 1 || again[0].Value != v.Value {
				t.Errorf("%s=%q does not round-trip single-quoted: %v %v", v.Key, v.Value, again, err)
			}
		}
	})
}
