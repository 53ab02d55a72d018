package config

import "strings"

// envVar is one KEY=VALUE assignment.
type envVar struct {
	Key   string
	Value string
	Line  int // 1-based line in the settings file; 0 outside files
}

// parseEnvFile reads the .env format: KEY=VALUE lines, blank lines, # comment
// lines, an optional "export " prefix, and values that are bare, 'single
// quoted' (taken literally) or "double quoted" (with \n \r \t \" \\ escapes).
// A bare value ends at a # preceded by whitespace, so URL fragments and
// passwords such as abc#1 survive. Every key is returned, not only
// DEALSCOUT_* ones: the caller decides what it knows.
//
// Errors name the file and line but never quote the line: a malformed line may
// hold a secret.
func parseEnvFile(name string, data []byte) ([]envVar, error) {
	content := strings.TrimPrefix(string(data), "\ufeff")
	var vars []envVar
	for i, line := range strings.Split(content, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			line = strings.TrimLeft(rest, " \t")
		}
		key, raw, ok := strings.Cut(line, "=")
		if !ok {
			return nil, &Error{File: name, Line: n, Problem: "expected KEY=VALUE"}
		}
		key = strings.TrimRight(key, " \t")
		if !validKey(key) {
			return nil, &Error{File: name, Line: n, Problem: "expected KEY=VALUE with a KEY of letters, digits and underscores"}
		}
		value, problem := parseValue(raw)
		if problem != "" {
			return nil, &Error{Key: key, File: name, Line: n, Problem: problem}
		}
		vars = append(vars, envVar{Key: key, Value: value, Line: n})
	}
	return vars, nil
}

// validKey is a shell variable name.
func validKey(k string) bool {
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for _, r := range k {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// parseValue reads what follows "=" on a line and returns the value or a problem.
func parseValue(raw string) (value, problem string) {
	s := strings.TrimLeft(raw, " \t")
	if s == "" {
		return "", ""
	}
	switch s[0] {
	case '\'':
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", "has an unterminated single quote"
		}
		if !onlyComment(s[end+2:]) {
			return "", "has text after its closing quote"
		}
		return s[1 : end+1], ""
	case '"':
		return parseDoubleQuoted(s[1:])
	}
	if i := commentStart(raw); i >= 0 {
		raw = raw[:i]
	}
	return strings.TrimSpace(raw), ""
}

func parseDoubleQuoted(s string) (value, problem string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			if !onlyComment(s[i+1:]) {
				return "", "has text after its closing quote"
			}
			return b.String(), ""
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '"', '\\':
				b.WriteByte(e)
			default: // unknown escapes stay as written, so Windows paths survive
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "has an unterminated double quote"
}

func onlyComment(rest string) bool {
	rest = strings.TrimLeft(rest, " \t")
	return rest == "" || rest[0] == '#'
}

// commentStart is the index of the first # preceded by whitespace, or -1.
func commentStart(raw string) int {
	for i := 1; i < len(raw); i++ {
		if raw[i] == '#' && (raw[i-1] == ' ' || raw[i-1] == '\t') {
			return i
		}
	}
	return -1
}
