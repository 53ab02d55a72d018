package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/scout"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// newTestSource returns a feed source over a plain client whose retries do not
// wait, counting the sleeps.
func newTestSource(client *http.Client, maxBody int64, sleeps *atomic.Int32) *Source {
	src, err := New(Config{
		Client:  client,
		Now:     func() time.Time { return testNow },
		MaxBody: maxBody,
		Retry: outbound.Retry{Attempts: 3, Sleep: func(context.Context, time.Duration) error {
			if sleeps != nil {
				sleeps.Add(1)
			}
			return nil
		}},
	})
	if err != nil {
		panic(err)
	}
	return src
}

func query(url string, st scout.SourceState) scout.Query {
	return scout.Query{Watch: "couches", Spec: scout.SourceSpec{Kind: scout.KindFeed, Arg: url}, State: st}
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return buf.Bytes()
}

func TestFetchConditionalGET(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "rss2.xml")
	const etag, lastMod = `"v1"`, "Sat, 21 Nov 2026 18:04:00 GMT"
	var sawIfNoneMatch, sawIfModifiedSince atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawIfNoneMatch.Store(r.Header.Get("If-None-Match"))
		sawIfModifiedSince.Store(r.Header.Get("If-Modified-Since"))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	src := newTestSource(&http.Client{}, 0, nil)

	first, err := src.Fetch(context.Background(), query(srv.URL, scout.SourceState{}))
	if err != nil {
		t.Fatalf("first Fetch: %v", err)
	}
	if first.NotModified || len(first.Listings) != 4 || !first.Complete {
		t.Fatalf("first Fetch: NotModified=%v listings=%d Complete=%v, want false, 4, true", first.NotModified, len(first.Listings), first.Complete)
	}
	if first.State != (scout.SourceState{ETag: etag, LastModified: lastMod}) {
		t.Fatalf("first Fetch state = %+v, want the server's ETag and Last-Modified", first.State)
	}

	second, err := src.Fetch(context.Background(), query(srv.URL, first.State))
	if err != nil {
		t.Fatalf("second Fetch: %v", err)
	}
	if sawIfNoneMatch.Load() != etag || sawIfModifiedSince.Load() != lastMod {
		t.Errorf("second request sent If-None-Match %q, If-Modified-Since %q; want %q, %q", sawIfNoneMatch.Load(), sawIfModifiedSince.Load(), etag, lastMod)
	}
	if !second.NotModified || len(second.Listings) != 0 || second.State != first.State || second.Complete {
		t.Errorf("second Fetch: NotModified=%v listings=%d state=%+v Complete=%v; want true, 0, the kept state, false",
			second.NotModified, len(second.Listings), second.State, second.Complete)
	}
}

func TestFetchGzip(t *testing.T) {
	t.Parallel()
	zipped := gzipBytes(t, readFixture(t, "atom.xml"))
	tests := []struct {
		name   string
		client *http.Client
		// always: the server gzips whatever the request asked for.
		always bool
	}{
		{"transport asks and decompresses", &http.Client{}, false},
		{"server gzips unasked", &http.Client{Transport: &http.Transport{DisableCompression: true}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tt.always && !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
					t.Errorf("request did not accept gzip")
				}
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(zipped)
			}))
			defer srv.Close()
			res, err := newTestSource(tt.client, 0, nil).Fetch(context.Background(), query(srv.URL, scout.SourceState{}))
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if len(res.Listings) != 2 {
				t.Errorf("got %d listings, want the 2 in atom.xml", len(res.Listings))
			}
		})
	}
}

func TestFetchBodyLimit(t *testing.T) {
	t.Parallel()
	// Both bodies are 64 KiB of valid-looking feed once decompressed; the
	// gzipped one is a few hundred bytes on the wire, so only a limit counted
	// after decompression catches it.
	big := []byte(`<rss version="2.0"><channel><title>` + strings.Repeat("x", 64<<10) + `</title></channel></rss>`)
	tests := []struct {
		name string
		body []byte
		gzip bool
	}{
		{"plain", big, false},
		{"gzip bomb", gzipBytes(t, big), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.gzip {
					w.Header().Set("Content-Encoding", "gzip")
				}
				_, _ = w.Write(tt.body)
			}))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
			res, err := newTestSource(client, 32<<10, nil).Fetch(context.Background(), query(srv.URL, scout.SourceState{}))
			if !errors.Is(err, outbound.ErrBodyTooLarge) {
				t.Fatalf("Fetch error = %v, want ErrBodyTooLarge", err)
			}
			if len(res.Listings) != 0 {
				t.Errorf("got %d listings with the error, want none", len(res.Listings))
			}
		})
	}
}

func TestFetchMalformed(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "malformed.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) }))
	defer srv.Close()
	res, err := newTestSource(&http.Client{}, 0, nil).Fetch(context.Background(), query(srv.URL, scout.SourceState{}))
	if err == nil || !strings.HasPrefix(err.Error(), "feed: parse "+srv.URL+": ") {
		t.Fatalf("Fetch error = %v, want one starting %q", err, "feed: parse "+srv.URL+": ")
	}
	if len(res.Listings) != 0 {
		t.Errorf("got %d listings with the error, want none", len(res.Listings))
	}
}

func TestFetchRetriesServerError(t *testing.T) {
	t.Parallel()
	body := readFixture(t, "rss1.rdf")
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "overloaded", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	var sleeps atomic.Int32
	res, err := newTestSource(&http.Client{}, 0, &sleeps).Fetch(context.Background(), query(srv.URL, scout.SourceState{}))
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 2 || calls.Load() != 2 || sleeps.Load() != 1 {
		t.Errorf("listings=%d calls=%d sleeps=%d, want 2 listings after 2 calls and 1 backoff", len(res.Listings), calls.Load(), sleeps.Load())
	}
}

func TestFetchStatusError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		want   string
	}{
		{http.StatusNotFound, "404 Not Found"},
		{http.StatusForbidden, "403 Forbidden"},
		{http.StatusServiceUnavailable, "503 Service Unavailable"}, // after the retries
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "no", tt.status)
			}))
			defer srv.Close()
			_, err := newTestSource(&http.Client{}, 0, nil).Fetch(context.Background(), query(srv.URL, scout.SourceState{}))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "feed: fetch ") {
				t.Fatalf("Fetch error = %v, want a feed: fetch error naming %q", err, tt.want)
			}
		})
	}
}

func TestFetchRejectsNonHTTPURL(t *testing.T) {
	t.Parallel()
	_, err := newTestSource(&http.Client{}, 0, nil).Fetch(context.Background(), query("file:///etc/passwd", scout.SourceState{}))
	if err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Fatalf("Fetch error = %v, want a refusal of the file: URL", err)
	}
}
