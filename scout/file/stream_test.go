package file

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// endless yields head, then valid records for ever, counting what is read.
type endless struct {
	head   string
	record func(i int) string
	i      int
	buf    []byte
	read   int64
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.buf) == 0 {
		e.buf = append(e.buf[:0], e.head...)
		e.head = ""
		for len(e.buf) < 64<<10 {
			e.buf = append(e.buf, e.record(e.i)...)
			e.i++
		}
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	e.read += int64(n)
	return n, nil
}

// TestDecodeStreams checks that Decode reads records as it goes instead of
// loading the whole input first: a bad record near the start fails the
// decode after reading little, in both layouts. Before streaming, Decode
// read up to the 64 MiB limit and then failed on the size.
func TestDecodeStreams(t *testing.T) {
	t.Parallel()
	good := func(sep string) func(int) string {
		return func(i int) string { return fmt.Sprintf(`{"source_id":"s%d","title":"oak table"}`, i) + sep }
	}
	tests := []struct {
		name, file, head string
		record           func(int) string
		want             string
	}{
		{"JSON lines", "l.jsonl", `{"source_id":"a","title":"x"}` + "\n" + `{"source_id":"b","price_cents":-1,"title":"x"}` + "\n",
			good("\n"), "l.jsonl: line 2: price_cents: must be 0–100000000 (got -1)"},
		{"JSON array", "l.json", "[\n" + `{"source_id":"a","title":"x"},` + "\n" + `{"source_id":"b","title":""},` + "\n",
			good(",\n"), "l.json: record 2 (line 3): title: required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &endless{head: tc.head, record: tc.record}
			_, err := Decode(r, tc.file)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Decode error = %v, want %q", err, tc.want)
			}
			if r.read > 1<<20 {
				t.Fatalf("Decode read %d bytes before failing on a record near the start; it should stream, reading little more than its buffer", r.read)
			}
		})
	}
}

// TestDecodeLinesOfLaterRecords checks record lines deep into a streamed
// array, past several buffer refills, where the decoder's offsets and the
// newline bookkeeping must agree.
func TestDecodeLinesOfLaterRecords(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("\n\n[\n")
	const n = 5000
	for i := range n {
		// Pretty-printed: each record spans three lines.
		fmt.Fprintf(&b, "  {\n    \"source_id\": \"s%d\", \"title\": \"oak table\", \"description\": %q\n  },\n", i, strings.Repeat("x", i%300))
	}
	b.WriteString("  {\n    \"source_id\": \"last\", \"title\": \"\"\n  }\n]\n")
	_, err := Decode(strings.NewReader(b.String()), "big.json")
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("Decode error = %v, want a *RecordError for the last record", err)
	}
	// Three lines before "[" ends, then three per record: the last starts on line 4+3n.
	if re.Record != n+1 || re.Line != 4+3*n || re.Field != "title" {
		t.Fatalf("Decode error = record %d, line %d, field %q; want record %d, line %d, field title", re.Record, re.Line, re.Field, n+1, 4+3*n)
	}
}

func BenchmarkDecodeJSONL(b *testing.B) {
	var sb strings.Builder
	for i := range 10_000 {
		fmt.Fprintf(&sb, `{"source":"bench","source_id":"b%d","title":"Oak dining table T%02d","description":"Solid and sturdy, a few marks from use.","price_cents":%d,"currency":"USD","condition":"good","posted_at":"2026-11-30T10:00:00Z","lat":37.75,"lng":-122.42,"url":"https://example.com/l/%d","images":["https://img.example.com/%d.jpg"]}`+"\n", i, i%40, 10000+i, i, i)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ls, err := Decode(strings.NewReader(data), "bench.jsonl")
		if err != nil || len(ls) != 10_000 {
			b.Fatalf("Decode = %d listings, %v", len(ls), err)
		}
	}
}

// TestDecodeLinesAfterLeadingSpace checks that lines skipped before the
// first record (and a byte-order mark) still count.
func TestDecodeLinesAfterLeadingSpace(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, file, in, want string }{
		{"array", "l.json", "\n\n\n" + `[{"source_id":"a","title":""}]`, "l.json: record 1 (line 4): title: required"},
		{"array after a BOM", "l.json", "\xef\xbb\xbf\n \n[\n" + `{"source_id":"a","title":""}]`, "l.json: record 1 (line 4): title: required"},
		{"JSON lines", "l.jsonl", "\r\n\n" + `{"source_id":"a","title":""}`, "l.jsonl: line 3: title: required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(strings.NewReader(tc.in), tc.file)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("Decode error = %v, want %q", err, tc.want)
			}
		})
	}
}
