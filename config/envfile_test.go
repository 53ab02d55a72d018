package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  string // the one value parsed for K
	}{
		{"bare", "K=value", "value"},
		{"spaces around equals", "K = value ", "value"},
		{"export prefix", "export K=value", "value"},
		{"export with tab", "export\tK=value", "value"},
		{"empty", "K=", ""},
		{"double quotes", `K="two words"`, "two words"},
		{"double quote escapes", `K="a\"b\\c\nd\te"`, "a\"b\\c\nd\te"},
		{"unknown escape kept", `K="C:\Users\x"`, `C:\Users\x`},
		{"single quotes are literal", `K='a\nb "c"'`, `a\nb "c"`},
		{"hash inside quotes", `K="a #b"`, "a #b"},
		{"comment after quotes", `K='v' # note`, "v"},
		{"comment after bare value", "K=v # note", "v"},
		{"hash without space is data", "K=https://x.test/#frag", "https://x.test/#frag"},
		{"only a comment after equals", "K= # fill me in", ""},
		{"leading hash is data", "K=#abc", "#abc"},
		{"equals in value", "K=a=b", "a=b"},
		{"CRLF line ending", "K=value\r\n", "value"},
		{"byte order mark", "\ufeffK=value", "value"},
		{"comment and blank lines", "# c\n\n   # indented\nK=value\n", "value"},
		{"later line wins", "K=one\nK=two", "two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars, err := parseEnvFile("test.env", []byte(tt.input))
			if err != nil {
				t.Fatalf("parseEnvFile(%q) = %v", tt.input, err)
			}
			last := vars[len(vars)-1]
			if last.Key != "K" || last.Value != tt.want {
				t.Errorf("parseEnvFile(%q) last = %s=%q, want K=%q", tt.input, last.Key, last.Value, tt.want)
			}
		})
	}
}

func TestParseEnvFileLineNumbers(t *testing.T) {
	t.Parallel()
	vars, err := parseEnvFile("test.env", []byte("# header\n\nA=1\r\n  export B='2'\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []envVar{{Key: "A", Value: "1", Line: 3}, {Key: "B", Value: "2", Line: 4}}
	if !reflect.DeepEqual(vars, want) {
		t.Errorf("parseEnvFile = %+v, want %+v", vars, want)
	}
}

func TestParseEnvFileErrors(t *testing.T) {
	t.Parallel()
	const canary = "hunter2canary"
	tests := []struct {
		name     string
		input    string
		wantLine int
		want     string
	}{
		{"no equals", "A=1\nDEALSCOUT_SMTP_PASSWORD " + canary, 2, "expected KEY=VALUE"},
		{"bad key", "A=1\n\n" + canary + " x=1", 3, "letters, digits and underscores"},
		{"key starts with digit", "1A=" + canary, 1, "letters, digits and underscores"},
		{"export without assignment", "export " + canary, 1, "expected KEY=VALUE"},
		{"unterminated double quote", `K="` + canary, 1, "K has an unterminated double quote"},
		{"unterminated single quote", `K='` + canary, 1, "K has an unterminated single quote"},
		{"text after closing quote", `K="a"` + canary, 1, "K has text after its closing quote"},
		{"escaped quote does not close", `K="` + canary + `\"`, 1, "unterminated double quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseEnvFile("/etc/dealscout.env", []byte(tt.input))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("parseEnvFile(%q) error = %v, want *Error", tt.input, err)
			}
			if e.File != "/etc/dealscout.env" || e.Line != tt.wantLine {
				t.Errorf("error at %s line %d, want /etc/dealscout.env line %d", e.File, e.Line, tt.wantLine)
			}
			if !strings.Contains(e.Error(), tt.want) {
				t.Errorf("error %q does not say %q", e, tt.want)
			}
			if strings.Contains(e.Error(), canary) {
				t.Errorf("error %q repeats the line's content, which may be a secret", e)
			}
		})
	}
}
