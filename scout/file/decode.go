package file

import (
	"bufio"
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
//
// It streams: records are decoded one at a time as they are read, so a poll
// holds the listings but never the file itself (53 MB for the harness's 100,000
// listings) beside them.
func Decode(r io.Reader, name string) ([]scout.Listing, error) {
	var out []scout.Listing
	err := DecodeEach(r, name, func(l scout.Listing) error {
		out = append(out, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DecodeEach is Decode handing each listing to fn as it is read instead of
// collecting them: fn may have been called for the records before a bad
// one. An error from fn stops the decode and is returned as it is.
func DecodeEach(r io.Reader, name string, fn func(scout.Listing) error) error {
	in := &input{r: io.LimitReader(r, MaxFileBytes+1)}
	br := bufio.NewReaderSize(in, 64<<10)
	var fnErr error
	emit := func(l scout.Listing) error {
		fnErr = fn(l)
		return fnErr
	}
	err := decode(br, in, name, emit)
	if fnErr != nil {
		return fnErr
	}
	if in.n > MaxFileBytes {
		// Whatever went wrong at the cut, the size is what to fix.
		return fmt.Errorf("%s: larger than the %d MiB limit", name, MaxFileBytes>>20)
	}
	return err
}

func decode(br *bufio.Reader, in *input, name string, emit func(scout.Listing) error) error {
	if bom, _ := br.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
		in.consumed(int64(len(utf8BOM)))
	}
	// Skip leading space, keeping the offset the decoders start at.
	for {
		c, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: read: %w", name, err)
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			_ = br.UnreadByte()
			break
		}
		in.consumed(1)
	}
	first, err := br.Peek(4)
	if len(first) == 0 {
		return fmt.Errorf("%s: read: %w", name, err)
	}
	switch first[0] {
	case '[':
		return decodeArray(br, in, name, emit)
	case '{':
		lineNo := in.lineAt(in.base)
		in.nl = nil // lines are counted as they are read from here on
		in.skipLines = true
		return decodeLines(br, lineNo-1, name, emit)
	}
	return fmt.Errorf("%s: want a JSON array of listings or one JSON object per line, but it starts with %q", name, firstRune(first))
}

// input counts what is read from the file and where its lines start, so a
// record's line can be named without keeping the file. Offsets asked of
// lineAt only grow, so newlines before the last one asked are folded into
// a count and forgotten: the memory is bounded by the read-ahead.
type input struct {
	r     io.Reader
	n     int64   // bytes read so far
	base  int64   // bytes consumed before the decoder started
	lines int     // newlines before the offsets still held
	nl    []int64 // offsets of newlines not yet folded into lines
	// skipLines stops recording newlines once the JSON lines decoder,
	// which counts its own, has taken over.
	skipLines bool
}

func (in *input) Read(p []byte) (int, error) {
	k, err := in.r.Read(p)
	if !in.skipLines {
		for i, c := range p[:k] {
			if c == '\n' {
				in.nl = append(in.nl, in.n+int64(i))
			}
		}
	}
	in.n += int64(k)
	return k, err
}

func (in *input) consumed(k int64) { in.base += k }

// lineAt is the 1-based line of the byte at off (from the file's start).
func (in *input) lineAt(off int64) int {
	i := 0
	for i < len(in.nl) && in.nl[i] < off {
		i++
	}
	in.lines += i
	in.nl = in.nl[:copy(in.nl, in.nl[i:])]
	return in.lines + 1
}

func decodeArray(br *bufio.Reader, in *input, name string, emit func(scout.Listing) error) error {
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil { // the '['
		return fmt.Errorf("%s: %w", name, err)
	}
	seen := make(map[string]int)
	n := 0
	for dec.More() {
		n++
		if n > MaxRecords {
			return fmt.Errorf("%s: more than %d records", name, MaxRecords)
		}
		// The record's own bytes tell exactly where it started: its end
		// minus its length. A record that does not parse is placed after
		// the separator the decoder has already seen.
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return decodeError(name, n, in.lineAt(in.base+nextValue(dec)), err)
		}
		line := in.lineAt(in.base + dec.InputOffset() - int64(len(raw)))
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return decodeError(name, n, line, err)
		}
		l, keep, ferr := rec.listing()
		if ferr == nil {
			ferr = checkRepeat(seen, l, n, "record")
		}
		if ferr != nil {
			return &RecordError{Name: name, Record: n, Line: line, Field: ferr.field, Msg: ferr.msg}
		}
		if keep {
			if err := emit(l); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the ']'
		return fmt.Errorf("%s: after record %d: %s", name, n, describeSyntax(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: unexpected data after the closing ]", name)
	}
	return nil
}

// nextValue is the decoder's offset past the separator and space that
// follow its last value, as far as its buffer holds them; it reads the
// buffer's copy, so it never consumes input.
func nextValue(dec *json.Decoder) int64 {
	off := dec.InputOffset()
	rest := dec.Buffered()
	var c [1]byte
	for {
		if k, _ := rest.Read(c[:]); k == 0 {
			return off
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
}

// decodeLines reads one record per line; lineNo is the number of lines
// before the first (the leading space skipped may hold some).
func decodeLines(br *bufio.Reader, lineNo int, name string, emit func(scout.Listing) error) error {
	seen := make(map[string]int)
	n := 0
	for {
		raw, rerr := br.ReadBytes('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return fmt.Errorf("%s: read: %w", name, rerr)
		}
		if len(raw) == 0 && rerr != nil {
			return nil
		}
		lineNo++
		line := bytes.TrimSpace(raw)
		if len(line) > 0 {
			if n++; n > MaxRecords {
				return fmt.Errorf("%s: more than %d records", name, MaxRecords)
			}
			var rec record
			if err := json.Unmarshal(line, &rec); err != nil {
				return decodeError(name, 0, lineNo, err)
			}
			l, keep, ferr := rec.listing()
			if ferr == nil {
				ferr = checkRepeat(seen, l, lineNo, "line")
			}
			if ferr != nil {
				return &RecordError{Name: name, Line: lineNo, Field: ferr.field, Msg: ferr.msg}
			}
			if keep {
				if err := emit(l); err != nil {
					return err
				}
			}
		}
		if rerr != nil {
			return nil
		}
	}
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

func firstRune(b []byte) string {
	s := string(b[:min(len(b), 4)])
	for i := range s {
		if i > 0 {
			return s[:i]
		}
	}
	return s
}
