package config

import (
	"errors"
	"fmt"
)

// Error is an invalid setting or settings file. Commands map it to exit code 2.
// Its message names the key and says what would be accepted; it never quotes
// a secret's value.
type Error struct {
	Key     string // the DEALSCOUT_* setting at fault; "" for a file's syntax
	File    string // the settings file, when the problem is in one
	Line    int    // 1-based line in File; 0 when not about one line
	Problem string // what is wrong, phrased to follow the key
}

func (e *Error) Error() string {
	var where string
	switch {
	case e.File != "" && e.Line > 0:
		where = fmt.Sprintf("%s line %d: ", e.File, e.Line)
	case e.File != "":
		where = e.File + ": "
	}
	if e.Key == "" {
		return where + e.Problem
	}
	return where + e.Key + " " + e.Problem
}

// IsError reports whether err is, or wraps, a configuration *Error.
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

func invalid(key, format string, args ...any) *Error {
	return &Error{Key: key, Problem: fmt.Sprintf(format, args...)}
}

// Warning is a setting that was accepted but is probably a mistake, such as a
// misspelt key. Load returns warnings for the caller to log.
type Warning struct {
	Key        string // the DEALSCOUT_* name as given
	Where      string // "environment" or "FILE line N"
	Suggestion string // the closest known key, "" when none is close
	Message    string // the whole sentence, for the log
}

func (w Warning) String() string { return w.Message }
