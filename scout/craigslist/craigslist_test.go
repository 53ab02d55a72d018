package craigslist

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/scout"
)

// fakeSAPI answers search requests with respond, called with the 1-based
// request number; it records every request.
type fakeSAPI struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []*http.Request
	respond func(w http.ResponseWriter, n int)
}

func newFakeSAPI(t *testing.T, respond func(w http.ResponseWriter, n int)) *fakeSAPI {
	f := &fakeSAPI{respond: respond}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /web/v8/postings/search/full", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Clone(context.Background()))
		n := len(f.reqs)
		f.mu.Unlock()
		f.respond(w, n)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSAPI) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func newTestSource(t *testing.T, f *fakeSAPI, sleeps *int) *Source {
	t.Helper()
	src, err := New(Config{
		Client: &http.Client{}, APIURL: f.srv.URL, Now: func() time.Time { return testNow },
		Retry: outbound.Retry{Sleep: func(context.Context, time.Duration) error {
			if sleeps != nil {
				*sleeps++
			}
			return nil
		}},
		AreaIDs: map[string]int{"Portland": 9},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return src
}

func sfbayQuery() scout.Query {
	return scout.Query{Watch: "tables", Spec: scout.SourceSpec{Kind: "craigslist", Arg: "sfbay"},
		Terms: `oak table -broken`, Include: []string{"oak", "table"}, Exclude: []string{"broken"}}
}

func TestFetchSearchesTheSite(t *testing.T) {
	t.Parallel()
	f := newFakeSAPI(t, func(w http.ResponseWriter, n int) { _, _ = w.Write(fixture(t, "search.json")) })
	res, err := newTestSource(t, f, nil).Fetch(t.Context(), sfbayQuery())
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 4 || !res.Complete || len(res.Warnings) != 0 {
		t.Errorf("listings=%d complete=%v warnings=%q, want 4 sfbay listings, complete, no warnings",
			len(res.Listings), res.Complete, res.Warnings)
	}
	r := f.requests()[0]
	if got, want := r.URL.Query().Get("batch"), "1-0-360-0-0"; got != want {
		t.Errorf("batch = %q, want %q (sfbay is area 1)", got, want)
	}
	if got := r.Header.Get("Referer"); got != "https://sfbay.craigslist.org/" {
		t.Errorf("Referer = %q, want the site's home page", got)
	}
}

func TestFetchWithPostalCodeKeepsNearbySites(t *testing.T) {
	t.Parallel()
	f := newFakeSAPI(t, func(w http.ResponseWriter, n int) { _, _ = w.Write(fixture(t, "search.json")) })
	q := sfbayQuery()
	q.Spec.Arg = "yubasutter" // no built-in area id: the postal code places the search
	q.PostalCode, q.RadiusMi = "95901", 100
	res, err := newTestSource(t, f, nil).Fetch(t.Context(), q)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 5 || len(res.Warnings) != 0 {
		t.Errorf("listings=%d warnings=%q, want all 5 (nearby sites kept) and no warning", len(res.Listings), res.Warnings)
	}
}

func TestFetchWarnsWhenTheAreaIsUnknown(t *testing.T) {
	t.Parallel()
	f := newFakeSAPI(t, func(w http.ResponseWriter, n int) { _, _ = w.Write(fixture(t, "search_empty.json")) })
	q := sfbayQuery()
	q.Spec.Arg = "yubasutter"
	res, err := newTestSource(t, f, nil).Fetch(t.Context(), q)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "yubasutter") {
		t.Errorf("warnings = %q, want one naming the site", res.Warnings)
	}
	if got := f.requests()[0].URL.Query().Get("batch"); got != "0-0-360-0-0" {
		t.Errorf("batch = %q, want area 0 for an unknown site", got)
	}
}

func TestFetchUsesConfiguredAreaIDs(t *testing.T) {
	t.Parallel()
	f := newFakeSAPI(t, func(w http.ResponseWriter, n int) { _, _ = w.Write(fixture(t, "search_empty.json")) })
	q := sfbayQuery()
	q.Spec.Arg = "portland"
	res, err := newTestSource(t, f, nil).Fetch(t.Context(), q)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if got := f.requests()[0].URL.Query().Get("batch"); got != "9-0-360-0-0" || len(res.Warnings) != 0 {
		t.Errorf("batch = %q warnings = %q, want 9-0-360-0-0 from Config.AreaIDs and no warning", got, res.Warnings)
	}
}

func TestFetchRetriesServerErrors(t *testing.T) {
	t.Parallel()
	f := newFakeSAPI(t, func(w http.ResponseWriter, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(fixture(t, "search.json"))
	})
	sleeps := 0
	res, err := newTestSource(t, f, &sleeps).Fetch(t.Context(), sfbayQuery())
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(f.requests()) != 2 || sleeps != 1 || len(res.Listings) != 4 {
		t.Errorf("requests=%d sleeps=%d listings=%d, want 2 1 4", len(f.requests()), sleeps, len(res.Listings))
	}
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   []byte
		want   string
	}{
		{"forbidden", 403, []byte("blocked"), `craigslist: search "oak table -broken" on sfbay: HTTP 403`},
		{"not found", 404, nil, "HTTP 404 Not Found"},
		{"malformed", 200, []byte(`{"data": [`), "malformed response"},
		{"too large", 200, bytes.Repeat([]byte(" "), maxBody+1), "exceeds the size limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeSAPI(t, func(w http.ResponseWriter, n int) {
				w.WriteHeader(tt.status)
				_, _ = w.Write(tt.body)
			})
			_, err := newTestSource(t, f, nil).Fetch(t.Context(), sfbayQuery())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Fetch err = %v, want it to contain %q", err, tt.want)
			}
			if tt.name == "too large" && !errors.Is(err, outbound.ErrBodyTooLarge) {
				t.Errorf("err = %v, want it to wrap outbound.ErrBodyTooLarge", err)
			}
		})
	}
}

func TestFetchNeedsASite(t *testing.T) {
	t.Parallel()
	f := newFakeSAPI(t, func(w http.ResponseWriter, n int) { t.Error("searched without a site") })
	for _, arg := range []string{"", "sf bay", "../x"} {
		q := sfbayQuery()
		q.Spec.Arg = arg
		_, err := newTestSource(t, f, nil).Fetch(t.Context(), q)
		if err == nil || !strings.Contains(err.Error(), "craigslist:sfbay") {
			t.Errorf("site %q: err = %v, want one showing craigslist:sfbay as an example", arg, err)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad URL", Config{Client: &http.Client{}, APIURL: "sapi.craigslist.org"}, "API URL"},
		{"bad area site", Config{Client: &http.Client{}, AreaIDs: map[string]int{"sf bay": 1}}, "area id"},
		{"bad area id", Config{Client: &http.Client{}, AreaIDs: map[string]int{"sfbay": 0}}, "area id"},
		{"no client", Config{}, "pass the guarded one from outbound.New"},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	src, err := New(Config{Client: &http.Client{}})
	if err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
	if src.apiURL.String() != "https://sapi.craigslist.org/" {
		t.Errorf("default API URL = %s", src.apiURL)
	}
}

func TestBuildSearchURL(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://sapi.craigslist.org/")
	min, max := int64(1050), int64(25001)
	zero := int64(0)
	tests := []struct {
		name string
		q    scout.Query
		area int
		want url.Values
	}{
		{"terms go as typed", scout.Query{Terms: `"oak table" -broken`}, 1, url.Values{
			"batch": {"1-0-360-0-0"}, "cc": {"US"}, "lang": {"en"}, "searchPath": {"sss"}, "sort": {"date"},
			"query": {`"oak table" -broken`}}},
		{"prices widen to whole dollars", scout.Query{Include: []string{"oak"}, MinCents: &min, MaxCents: &max}, 1, url.Values{
			"batch": {"1-0-360-0-0"}, "cc": {"US"}, "lang": {"en"}, "searchPath": {"sss"}, "sort": {"date"},
			"query": {"oak"}, "min_price": {"10"}, "max_price": {"251"}}},
		{"zero bounds", scout.Query{Terms: "oak", MinCents: &zero, MaxCents: &zero}, 1, url.Values{
			"batch": {"1-0-360-0-0"}, "cc": {"US"}, "lang": {"en"}, "searchPath": {"sss"}, "sort": {"date"},
			"query": {"oak"}, "max_price": {"0"}}},
		{"postal code and radius", scout.Query{Terms: "oak", PostalCode: "94105-0001", RadiusMi: 12.2}, 0, url.Values{
			"batch": {"0-0-360-0-0"}, "cc": {"US"}, "lang": {"en"}, "searchPath": {"sss"}, "sort": {"date"},
			"query": {"oak"}, "postal": {"94105"}, "search_distance": {"13"}}},
		{"malformed postal code left out", scout.Query{Terms: "oak", PostalCode: "941", RadiusMi: 5}, 1, url.Values{
			"batch": {"1-0-360-0-0"}, "cc": {"US"}, "lang": {"en"}, "searchPath": {"sss"}, "sort": {"date"},
			"query": {"oak"}}},
	}
	for _, tt := range tests {
		u := buildSearchURL(base, tt.q, tt.area)
		if u.Path != "/web/v8/postings/search/full" {
			t.Errorf("%s: path = %q", tt.name, u.Path)
		}
		if got := u.Query(); got.Encode() != tt.want.Encode() {
			t.Errorf("%s: query\n got: %v\nwant: %v", tt.name, got, tt.want)
		}
	}
}
