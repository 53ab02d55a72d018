package file

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// The original Deal Scout's fixture, shared by every package's tests.
const seedFixture = "../../testdata/listings.couches.json"

func TestDecodeSeedFixture(t *testing.T) {
	t.Parallel()
	f, err := os.Open(seedFixture)
	if err != nil {
		t.Fatalf("open seed fixture: %v", err)
	}
	defer func() { _ = f.Close() }()
	got, err := Decode(f, "listings.couches.json")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(got) != 1015 {
		t.Fatalf("got %d listings, want all 1015", len(got))
	}
	first := scout.Listing{
		Source: "craigslist", SourceID: "couch-free-001", Title: "Free Plush Couch - Good Condition",
		Description: "Moving out, need gone today. No stains.", PriceCents: 0, Currency: "USD", PriceKnown: true,
		Free: true, Condition: scout.CondGood, Category: "furniture>sofas",
		PostedAt:  time.Date(2025, 10, 20, 5, 34, 7, 349206000, time.UTC),
		HasCoords: true, Lat: 37.3382, Lng: -121.8863, LocationText: "San Jose, CA",
		URL:    "https://example.invalid/listing/couch-free-001",
		Images: []string{"/static/samples/couch_01.jpg"}, ShippingCents: -1,
	}
	spot := []struct {
		i    int
		want func(l scout.Listing) bool
		what string
	}{
		{0, func(l scout.Listing) bool { return reflect.DeepEqual(l, first) }, fmt.Sprintf("%+v", first)},
		{500, func(l scout.Listing) bool {
			return l.SourceID == "couch-0500" && l.Source == "fixture" && l.PriceCents == 25000 && !l.Free &&
				l.Condition == scout.CondFair && l.LocationText == "Milpitas, CA" && len(l.Images) == 6
		}, "couch-0500, fixture, $250, fair, Milpitas, 6 images"},
		{1014, func(l scout.Listing) bool { return l.SourceID == "couch-1014" }, "couch-1014"},
	}
	for _, s := range spot {
		if !s.want(got[s.i]) {
			t.Errorf("listing %d = %+v, want %s", s.i, got[s.i], s.what)
		}
	}
}

func TestDecodeFormats(t *testing.T) {
	t.Parallel()
	const a = `{"source_id":"a","title":"Sofa","price_cents":100}`
	const b = `{"source_id":"b","title":"Chair","price_cents":200}`
	tests := []struct {
		name, in string
		wantIDs  []string
	}{
		{"array", "[" + a + "," + b + "]", []string{"a", "b"}},
		{"array over lines", "[\n  " + a + ",\n  " + b + "\n]\n", []string{"a", "b"}},
		{"empty array", " [ ] ", nil},
		{"JSON lines", a + "\n" + b + "\n", []string{"a", "b"}},
		{"JSON lines, CRLF and blank lines", "\r\n" + a + "\r\n\r\n" + b, []string{"a", "b"}},
		{"byte order mark", "\xef\xbb\xbf[" + a + "]", []string{"a"}},
		{"empty", "  \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(strings.NewReader(tt.in), "in.json")
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var ids []string
			for _, l := range got {
				ids = append(ids, l.SourceID)
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) {
				t.Errorf("ids = %q, want %q", ids, tt.wantIDs)
			}
		})
	}
}

func TestDecodeNormalises(t *testing.T) {
	t.Parallel()
	in := `{"source_id":" x1 ","title":" Oak table ","currency":"eur","condition":"Used - Like New","posted_at":"2025-10-20T07:34:07+02:00","extra":{"ignored":true}}`
	got, err := Decode(strings.NewReader(in), "in.jsonl")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := scout.Listing{
		Source: "file", SourceID: "x1", Title: "Oak table", Currency: "EUR", Condition: scout.CondLikeNew,
		PostedAt: time.Date(2025, 10, 20, 5, 34, 7, 0, time.UTC), ShippingCents: -1,
		// No price_cents: the price is unknown, not zero, and so not free.
		PriceKnown: false, Free: false,
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("got %+v, want [%+v]", got, want)
	}
}

func TestDecodeLeavesOutSold(t *testing.T) {
	t.Parallel()
	in := `{"source_id":"a","title":"Sofa","availability":"active"}
{"source_id":"b","title":"Chair","availability":"SOLD"}
{"source_id":"c","title":"Lamp","availability":"gone"}`
	got, err := Decode(strings.NewReader(in), "in.jsonl")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(got) != 1 || got[0].SourceID != "a" {
		t.Fatalf("got %d listings, want only the active one", len(got))
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	ok := `{"source_id":"a","title":"Sofa","price_cents":100}`
	tests := []struct {
		name, file, in, want string
	}{
		{"negative price", "listings.jsonl", ok + "\n" + ok[:len(ok)-1] + `,"source_id":"b"}` + "\n\n" + `{"source_id":"c","title":"x","price_cents":-5}`,
			"listings.jsonl: line 4: price_cents: must be 0–100000000 (got -5)"},
		{"price too high", "l.jsonl", `{"source_id":"a","title":"x","price_cents":100000001}`,
			"l.jsonl: line 1: price_cents: must be 0–100000000 (got 100000001)"},
		{"fractional cents", "l.jsonl", `{"source_id":"a","title":"x","price_cents":12.5}`,
			"l.jsonl: line 1: price_cents: want a whole number of cents, got number 12.5"},
		{"price as text", "l.jsonl", `{"source_id":"a","title":"x","price_cents":"12"}`,
			"l.jsonl: line 1: price_cents: want a whole number of cents, got string"},
		{"no title", "listings.json", "[\n" + ok + ",\n" + `{"source_id":"b"}` + "\n]",
			"listings.json: record 2 (line 3): title: required"},
		{"blank source_id", "l.jsonl", `{"source_id":"  ","title":"x"}`, "l.jsonl: line 1: source_id: required"},
		{"numeric source_id", "l.jsonl", `{"source_id":7,"title":"x"}`, "l.jsonl: line 1: source_id: want a string, got number"},
		{"currency", "l.jsonl", `{"source_id":"a","title":"x","currency":"US"}`,
			`l.jsonl: line 1: currency: must be a 3-letter ISO 4217 code like USD (got "US")`},
		{"posted_at", "l.jsonl", `{"source_id":"a","title":"x","posted_at":"2025-10-20 05:34"}`,
			`l.jsonl: line 1: posted_at: must be an RFC 3339 time like 2025-10-20T05:34:07Z (got "2025-10-20 05:34")`},
		{"lat without lng", "l.jsonl", `{"source_id":"a","title":"x","lat":37.1}`,
			"l.jsonl: line 1: lng: missing while lat is given; give both or neither"},
		{"lng without lat", "l.jsonl", `{"source_id":"a","title":"x","lng":-122.1}`,
			"l.jsonl: line 1: lat: missing while lng is given; give both or neither"},
		{"lat out of range", "l.jsonl", `{"source_id":"a","title":"x","lat":91,"lng":0}`,
			"l.jsonl: line 1: lat/lng: out of range (got 91, 0); lat is -90..90, lng -180..180"},
		{"ftp url", "l.jsonl", `{"source_id":"a","title":"x","url":"ftp://example.com/x"}`,
			`l.jsonl: line 1: url: must be an http(s) URL (got "ftp://example.com/x")`},
		{"javascript image", "l.jsonl", `{"source_id":"a","title":"x","images":["/a.jpg","javascript:alert(1)"]}`,
			`l.jsonl: line 1: images[1]: must be an http(s) URL or a /path (got "javascript:alert(1)")`},
		{"repeated id", "l.jsonl", ok + "\n\n" + ok,
			`l.jsonl: line 3: source_id: "a" of source "file" repeats line 1`},
		{"repeated id in array", "l.json", "[" + ok + "," + ok + "]",
			`l.json: record 2 (line 1): source_id: "a" of source "file" repeats record 1`},
		{"not an object", "l.json", "[1]", "l.json: record 1 (line 1): want a JSON object, got number"},
		{"truncated array", "l.json", "[\n" + ok + ",\n" + ok[:20],
			"l.json: record 2 (line 3): unexpected end of the file; is it truncated?"},
		{"array without ]", "l.json", "[" + ok, "l.json: after record 1: unexpected end of the file; is it truncated?"},
		{"truncated line", "l.jsonl", ok + "\n" + ok[:20], "l.jsonl: line 2: unexpected end of the file; is it truncated?"},
		{"junk after array", "l.json", "[" + ok + "] x", "l.json: unexpected data after the closing ]"},
		{"junk after a line", "l.jsonl", ok + " {}", "l.jsonl: line 1: invalid character '{' after top-level value"},
		{"not JSON", "l.txt", "title,price\nsofa,20", `l.txt: want a JSON array of listings or one JSON object per line, but it starts with "t"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Decode(strings.NewReader(tt.in), tt.file)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Decode error = %v\nwant %s", err, tt.want)
			}
			if got != nil {
				t.Errorf("got %d listings with the error, want none", len(got))
			}
		})
	}
}

func TestDecodeRecordErrorType(t *testing.T) {
	t.Parallel()
	_, err := Decode(strings.NewReader(`{"source_id":"a","title":"x","price_cents":-1}`), "l.jsonl")
	var re *RecordError
	if !errors.As(err, &re) || re.Line != 1 || re.Field != "price_cents" {
		t.Fatalf("Decode error = %#v, want a *RecordError for line 1, field price_cents", err)
	}
}

func TestDecodeTooManyRecords(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	for i := 0; i <= MaxRecords; i++ {
		fmt.Fprintf(&b, "{\"source_id\":\"%d\",\"title\":\"t\"}\n", i)
	}
	_, err := Decode(&b, "big.jsonl")
	if err == nil || err.Error() != "big.jsonl: more than 100000 records" {
		t.Fatalf("Decode error = %v, want the record limit", err)
	}
}

// spaces is an endless reader of blanks, to make an oversized input cheaply.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestDecodeTooLarge(t *testing.T) {
	t.Parallel()
	r := io.MultiReader(strings.NewReader("["), io.LimitReader(spaces{}, MaxFileBytes))
	_, err := Decode(r, "huge.json")
	if err == nil || err.Error() != "huge.json: larger than the 64 MiB limit" {
		t.Fatalf("Decode error = %v, want the size limit", err)
	}
}

// FuzzDecode checks Decode never panics and never returns a listing that
// breaks the schema's rules.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`[{"source_id":"a","title":"Sofa","price_cents":100,"lat":1,"lng":2,"images":["/x.jpg"]}]`))
	f.Add([]byte("{\"source_id\":\"a\",\"title\":\"x\"}\n{\"source_id\":\"b\",\"title\":\"y\",\"availability\":\"sold\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			if got != nil {
				t.Fatalf("error %v came with %d listings", err, len(got))
			}
			return
		}
		for _, l := range got {
			if l.SourceID == "" || l.Title == "" || l.Source == "" {
				t.Fatalf("listing without source, id or title: %+v", l)
			}
			if l.PriceCents < 0 || l.PriceCents > scout.MaxPriceCents || len(l.Currency) != 3 {
				t.Fatalf("bad price %d %q", l.PriceCents, l.Currency)
			}
		}
	})
}

func TestFetch(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "listings.jsonl")
	if err := os.WriteFile(path, []byte(`{"source_id":"a","title":"Sofa","price_cents":100}`), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := New(Config{}).Fetch(t.Context(), scout.Query{Spec: scout.SourceSpec{Kind: scout.KindFile, Arg: path}})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 1 || !res.Complete {
		t.Fatalf("Fetch = %d listings, Complete=%v; want 1, true", len(res.Listings), res.Complete)
	}
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	if err := os.WriteFile(bad, []byte(`{"source_id":"a"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope.json"), "file: open " + filepath.Join(dir, "nope.json") + ": no such file or directory"},
		{"directory", dir, "file: " + dir + " is a directory; name a .json or .jsonl file"},
		{"invalid record", bad, "file: " + bad + ": line 1: title: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(Config{}).Fetch(t.Context(), scout.Query{Spec: scout.SourceSpec{Kind: scout.KindFile, Arg: tt.path}})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Fetch error = %v\nwant %s", err, tt.want)
			}
		})
	}
}
