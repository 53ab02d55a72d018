package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// writeLines writes n JSON lines of listings, the last one bad when bad is set.
func writeLines(t *testing.T, path string, n int, bad bool) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		price := fmt.Sprint(1000 + i)
		if bad && i == n-1 {
			price = `"ten dollars"`
		}
		fmt.Fprintf(&b, `{"source":"f","source_id":"l%05d","title":"Oak table %d","price_cents":%s,"currency":"USD"}`+"\n", i, i, price)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

func fetchFile(t *testing.T, src *Source, path string) scout.FetchResult {
	t.Helper()
	res, err := src.Fetch(t.Context(), scout.Query{Spec: scout.SourceSpec{Kind: scout.KindFile, Arg: path}})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return res
}

// collect reads res.Each through, copying each batch (a batch is only the
// callee's until it returns).
func collect(ctx context.Context, res scout.FetchResult) (all []scout.Listing, sizes []int, err error) {
	err = res.Each(ctx, func(ls []scout.Listing) error {
		sizes = append(sizes, len(ls))
		all = append(all, ls...)
		return nil
	})
	return all, sizes, err
}

// A file larger than StreamAbove is read a batch at a time, as often as
// asked, into exactly the listings Decode gives; a smaller one at once.
func TestFetchLargeFileReadsBatches(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "big.jsonl")
	const n = 2*scout.BatchSize + 123
	writeLines(t, path, n, false)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode(f, path)
	_ = f.Close()
	if err != nil {
		t.Fatal(err)
	}

	small := fetchFile(t, New(Config{}), path)
	if small.Each != nil || len(small.Listings) != n {
		t.Errorf("file under the default StreamAbove: Each set %v, %d listings; want all %d at once", small.Each != nil, len(small.Listings), n)
	}

	res := fetchFile(t, New(Config{StreamAbove: 1024}), path)
	if res.Each == nil || res.Listings != nil || !res.Complete {
		t.Fatalf("file over StreamAbove: Each set %v, %d listings, complete %v; want Each only, complete", res.Each != nil, len(res.Listings), res.Complete)
	}
	for read := 1; read <= 2; read++ {
		got, sizes, err := collect(t.Context(), res)
		if err != nil {
			t.Fatalf("read %d: %v", read, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read %d: %d listings differ from Decode's %d", read, len(got), len(want))
		}
		if !reflect.DeepEqual(sizes, []int{scout.BatchSize, scout.BatchSize, 123}) {
			t.Errorf("read %d: batches of %v, want %d, %d, 123", read, sizes, scout.BatchSize, scout.BatchSize)
		}
	}
}

// A bad record deep in a large file is the same error Decode gives, and an
// error from the callee stops the read and comes back as it is.
func TestFetchLargeFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.jsonl")
	writeLines(t, path, scout.BatchSize+5, true)
	res := fetchFile(t, New(Config{StreamAbove: 1024}), path)
	_, _, err := collect(t.Context(), res)
	var re *RecordError
	if !errors.As(err, &re) || re.Line != scout.BatchSize+5 || re.Field != "price_cents" {
		t.Errorf("bad last record: %v, want a RecordError for price_cents on line %d", err, scout.BatchSize+5)
	}

	writeLines(t, path, scout.BatchSize+5, false)
	res = fetchFile(t, New(Config{StreamAbove: 1024}), path)
	stop := errors.New("the store is full")
	calls := 0
	err = res.Each(t.Context(), func([]scout.Listing) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("callee error: %v after %d calls, want it as it is after 1", err, calls)
	}
}

// A file replaced or rewritten between Fetch and the read is refused,
// never read as a mix of two files.
func TestFetchLargeFileChangedBetweenReads(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, path string)
	}{
		{"replaced", func(t *testing.T, path string) {
			tmp := path + ".new"
			writeLines(t, tmp, 3000, false)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"rewritten in place", func(t *testing.T, path string) {
			writeLines(t, path, 3100, false)
			later := time.Now().Add(time.Minute)
			if err := os.Chtimes(path, later, later); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "l.jsonl")
			writeLines(t, path, 3000, false)
			res := fetchFile(t, New(Config{StreamAbove: 1024}), path)
			tc.change(t, path)
			_, _, err := collect(t.Context(), res)
			if err == nil || !strings.Contains(err.Error(), "changed while it was being polled") {
				t.Errorf("read after the file changed: %v, want it refused as changed", err)
			}
		})
	}
}
