package channeltest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
)

// Reply is one scripted answer of a fake provider.
type Reply struct {
	Status int
	Header map[string]string
	Body   string // literal body
	File   string // or a body fixture under testdata/
}

// Request is what the fake received.
type Request struct {
	Method string
	Path   string // URL path with the raw query, as sent
	Header http.Header
	Body   []byte
}

// Fake is an httptest server that answers with its replies in order (the
// last one repeats) and records every request.
type Fake struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []Reply
	requests []Request
}

// NewFake starts a fake provider; it is closed when the test ends.
func NewFake(t *testing.T, replies ...Reply) *Fake {
	t.Helper()
	if len(replies) == 0 {
		t.Fatal("channeltest: NewFake needs at least one reply")
	}
	f := &Fake{replies: replies}
	for i, r := range replies {
		if r.File != "" {
			b, err := os.ReadFile(r.File)
			if err != nil {
				t.Fatal(err)
			}
			f.replies[i].Body = string(b)
		}
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
	reply := f.replies[min(n, len(f.replies)-1)]
	f.mu.Unlock()
	for k, v := range reply.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(reply.Status)
	_, _ = io.WriteString(w, reply.Body)
}

// Requests returns the requests received so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Last returns the last request, failing the test when there was none.
func (f *Fake) Last(t *testing.T) Request {
	t.Helper()
	rs := f.Requests()
	if len(rs) == 0 {
		t.Fatal("the fake provider received no request")
	}
	return rs[len(rs)-1]
}
