package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dealscout/dealscout/scout"
)

// Limits on one import, so a wrong path (a disk image, a log) fails fast
// instead of filling memory.
const (
	MaxFileBytes int64 = 64 << 20
	MaxRecords         = 100_000
)

// RecordError is an invalid record. Decode fails with it and returns no
// listings, so a file never half-loads.
type RecordError struct {
	Name   string // the file, as given to Decode
	Record int    // 1-based position in a JSON array; 0 for JSON lines
	Line   int    // 1-based line where the record starts
	Field  string // the JSON field at fault, "" for the record as a whole
	Msg    string
}

func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	if e.Record > 0 {
		fmt.Fprintf(&b, ": record %d (line %d)", e.Record, e.Line)
	} else {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	return b.String() + ": " + e.Msg
}

var utf8BOM = []byte("\xef\xbb\xbf")

// Decode reads listings in the import schema from r: a JSON array of objects,
// or JSON lines (one object per line), told apart by the first non-space
// byte. name labels errors. Every record is validated; the first bad one fails
// the whole decode. Records marked "availability": "sold" (or gone, removed,
// expired, deleted) are left out, so a source polling the file sees them go.
// An empty input is no listings.
func Decode(r io.Reader, name string) ([]scout.Listing, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if int64(len(data)) > MaxFileBytes {
		return nil, fmt.Errorf("%s: larger than the %d MiB limit", name, MaxFileBytes>>20)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, nil
	case trimmed[0] == '[':
		return decodeArray(data, name)
	case trimmed[0] == '{':
		return decodeLines(data, name)
	}
	return nil, fmt.Errorf("%s: want a JSON array of listings or one JSON object per line, but it starts with %q", name, firstRune(trimmed))
}

func decodeArray(data []byte, name string) ([]scout.Listing, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the '['
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []scout.Listing
	seen := make(map[string]int)
	n := 0
	for dec.More() {
		n++
		line := lineAt(data, recordStart(data, dec.InputOffset()))
		if n > MaxRecords {
			return nil, fmt.Errorf("%s: more than %d records", name, MaxRecords)
		}
		var rec record
		if err := dec.Decode(&rec); err != nil {
			return nil, decodeError(name, n, line, err)
		}
		l, keep, ferr := rec.listing()
		if ferr == nil {
			ferr = checkRepeat(seen, l, n, "record")
		}
		if ferr != nil {
			return nil, &RecordError{Name: name, Record: n, Line: line, Field: ferr.field, Msg: ferr.msg}
		}
		if keep {
			out = append(out, l)
		}
	}
	if _, err := dec.Token(); err != nil { // the ']'
		return nil, fmt.Errorf("%s: after record %d: %s", name, n, describeSyntax(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: unexpected data after the closing ]", name)
	}
	return out, nil
}

func decodeLines(data []byte, name string) ([]scout.Listing, error) {
	var out []scout.Listing
	seen := make(map[string]int)
	n := 0
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if n++; n > MaxRecords {
			return nil, fmt.Errorf("%s: more than %d records", name, MaxRecords)
		}
		var rec record
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, decodeError(name, 0, lineNo, err)
		}
		l, keep, ferr := rec.listing()
		if ferr == nil {
			ferr = checkRepeat(seen, l, lineNo, "line")
		}
		if ferr != nil {
			return nil, &RecordError{Name: name, Line: lineNo, Field: ferr.field, Msg: ferr.msg}
		}
		if keep {
			out = append(out, l)
		}
	}
	return out, nil
}

// checkRepeat refuses a second record with the same (source, source_id): the
// store keys listings on it, so one would silently overwrite the other.
func checkRepeat(seen map[string]int, l scout.Listing, at int, unit string) *fieldError {
	if prev, dup := seen[l.Key()]; dup {
		return &fieldError{"source_id", fmt.Sprintf("%q of source %q repeats %s %d", l.SourceID, l.Source, unit, prev)}
	}
	seen[l.Key()] = at
	return nil
}

// decodeError turns encoding/json's errors into ones that name the field
// and say what was expected, in the schema's terms.
func decodeError(name string, record, line int, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return &RecordError{Name: name, Record: record, Line: line, Msg: "want a JSON object, got " + te.Value}
		}
		return &RecordError{Name: name, Record: record, Line: line, Field: te.Field, Msg: fmt.Sprintf("want %s, got %s", typeWords(te.Type.String()), te.Value)}
	}
	return &RecordError{Name: name, Record: record, Line: line, Msg: describeSyntax(err)}
}

func describeSyntax(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "unexpected end of JSON input") {
		return "unexpected end of the file; is it truncated?"
	}
	return err.Error()
}

func typeWords(goType string) string {
	switch goType {
	case "int64", "*int64":
		return "a whole number of cents"
	case "float64", "*float64":
		return "a number"
	case "string":
		return "a string"
	case "[]string":
		return "an array of strings"
	}
	return goType
}

// recordStart skips the separator before the next array element.
func recordStart(data []byte, off int64) int {
	i := int(off)
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n' || data[i] == ',') {
		i++
	}
	return i
}

func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func firstRune(b []byte) string {
	s := string(b[:min(len(b), 4)])
	for i := range s {
		if i > 0 {
			return s[:i]
		}
	}
	return s
}
