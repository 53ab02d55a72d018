package ebay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/scout"
)

const (
	testClientID = "dealscout-test-PRD-0123456789"
	testSecret   = "PRD-s3cret-never-print-me"
)

// testNow is noon in Los Angeles: half the day's budget is available.
var testNow = time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC)

// fakeEbay speaks the identity and Browse APIs. Tokens are "tok-1",
// "tok-2", … in minting order; search answers come from onSearch, called
// with the 1-based number of the search request.
type fakeEbay struct {
	t        *testing.T
	srv      *httptest.Server
	onSearch func(w http.ResponseWriter, r *http.Request, n int)

	mu       sync.Mutex
	mints    int
	searches []*http.Request
}

func newFakeEbay(t *testing.T, onSearch func(w http.ResponseWriter, r *http.Request, n int)) *fakeEbay {
	f := &fakeEbay{t: t, onSearch: onSearch}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /identity/v1/oauth2/token", f.token)
	mux.HandleFunc("GET /buy/browse/v1/item_summary/search", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.searches = append(f.searches, r.Clone(context.Background()))
		n := len(f.searches)
		f.mu.Unlock()
		f.onSearch(w, r, n)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeEbay) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != testClientID || secret != testSecret {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(fixture(f.t, "token_invalid_client.json", ""))
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("scope") != "https://api.ebay.com/oauth/api_scope" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.mints++
	tok := fmt.Sprintf("tok-%d", f.mints)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(bytes.ReplaceAll(fixture(f.t, "token.json", ""), []byte("{{TOKEN}}"), []byte(tok)))
}

// serve writes a fixture with its next links pointing back at the fake.
func (f *fakeEbay) serve(w http.ResponseWriter, status int, name string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(fixture(f.t, name, f.srv.URL))
}

func (f *fakeEbay) counts() (mints, searches int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mints, len(f.searches)
}

func (f *fakeEbay) search(i int) *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.searches[i]
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeTokens is the store's oauth_tokens table in memory.
type fakeTokens struct {
	mu    sync.Mutex
	byKey map[string]fakeToken
}

type fakeToken struct {
	token   string
	expires time.Time
}

func (c *fakeTokens) Token(_ context.Context, key string) (string, time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.byKey[key]
	return t.token, t.expires, nil
}

func (c *fakeTokens) SaveToken(_ context.Context, key, token string, expires time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byKey == nil {
		c.byKey = map[string]fakeToken{}
	}
	c.byKey[key] = fakeToken{token, expires}
	return nil
}

// fakeUsage is the store's api_usage table in memory.
type fakeUsage struct {
	mu    sync.Mutex
	calls map[string]int // source/day → calls
	err   error
}

func (u *fakeUsage) Calls(_ context.Context, source, day string) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls[source+"/"+day], u.err
}

func (u *fakeUsage) AddCall(_ context.Context, source, day string) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.err != nil {
		return 0, u.err
	}
	if u.calls == nil {
		u.calls = map[string]int{}
	}
	u.calls[source+"/"+day]++
	return u.calls[source+"/"+day], nil
}

func (u *fakeUsage) get(key string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.calls[key]
}

type testEnv struct {
	fake   *fakeEbay
	src    *Source
	clock  *fakeClock
	tokens *fakeTokens
	usage  *fakeUsage
	logs   *bytes.Buffer
	sleeps *int
}

func newTestEnv(t *testing.T, onSearch func(w http.ResponseWriter, r *http.Request, n int), edit ...func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{
		fake:   newFakeEbay(t, onSearch),
		clock:  &fakeClock{t: testNow},
		tokens: &fakeTokens{},
		usage:  &fakeUsage{},
		logs:   &bytes.Buffer{},
		sleeps: new(int),
	}
	cfg := Config{
		Client: &http.Client{}, APIURL: env.fake.srv.URL, AuthURL: env.fake.srv.URL,
		ClientID: testClientID, ClientSecret: testSecret,
		Tokens: env.tokens, Usage: env.usage, Now: env.clock.Now,
		Logger: slog.New(slog.NewTextHandler(env.logs, nil)),
		Retry: outbound.Retry{Sleep: func(context.Context, time.Duration) error {
			*env.sleeps++
			return nil
		}},
	}
	for _, e := range edit {
		e(&cfg)
	}
	src, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.src = src
	return env
}

var oakTable = scout.Query{Watch: "tables", Spec: scout.SourceSpec{Kind: "ebay"}, Terms: "oak table", Include: []string{"oak", "table"}}

func TestFetchFollowsNextToTheLastPage(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			env.fake.serve(w, 200, "search_page1.json")
			return
		}
		env.fake.serve(w, 200, "search_page2.json")
	})
	res, err := env.src.Fetch(t.Context(), oakTable)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 3 {
		t.Errorf("got %d listings, want 3 (2 from page 1, 1 from page 2)", len(res.Listings))
	}
	if !res.Complete {
		t.Error("Complete = false after the last page, want true")
	}
	if _, searches := env.fake.counts(); searches != 2 {
		t.Errorf("%d search requests, want 2", searches)
	}
	if got := env.fake.search(1).URL.Query().Get("offset"); got != "2" {
		t.Errorf("second request offset = %q, want 2 (the next link)", got)
	}
}

func TestFetchSendsDocumentedHeaders(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { env.fake.serve(w, 200, "search_page2.json") })
	q := oakTable
	q.PostalCode = "94105"
	if _, err := env.src.Fetch(t.Context(), q); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	h := env.fake.search(0).Header
	for name, want := range map[string]string{
		"Authorization":           "Bearer tok-1",
		"X-Ebay-C-Marketplace-Id": "EBAY_US",
		"X-Ebay-C-Enduserctx":     "contextualLocation=country%3DUS%2Czip%3D94105",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
}

func TestFetchStopsAtThePageCap(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		env.fake.serve(w, 200, "search_page1.json") // always another page
	}, func(c *Config) { c.MaxPages = 2 })
	res, err := env.src.Fetch(t.Context(), oakTable)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if _, searches := env.fake.counts(); searches != 2 {
		t.Errorf("%d search requests, want 2 (MaxPages)", searches)
	}
	if res.Complete {
		t.Error("Complete = true with pages left, want false: absent listings must not be counted gone")
	}

	// The query's own cap wins over the source default.
	q := oakTable
	q.MaxPages = 1
	if _, err := env.src.Fetch(t.Context(), q); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if _, searches := env.fake.counts(); searches != 3 {
		t.Errorf("%d search requests after a MaxPages=1 fetch, want 3", searches)
	}
}

func TestFetchDoesNotFollowNextToAnotherHost(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		body := strings.ReplaceAll(string(fixture(t, "search_page1.json", "https://evil.example")), "{{BASE}}", "")
		_, _ = w.Write([]byte(body))
	})
	res, err := env.src.Fetch(t.Context(), oakTable)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if _, searches := env.fake.counts(); searches != 1 {
		t.Errorf("%d search requests, want 1: the foreign next link must not be followed", searches)
	}
	if res.Complete || len(res.Warnings) != 1 {
		t.Errorf("Complete=%v warnings=%q, want false and one warning", res.Complete, res.Warnings)
	}
}

func TestTokenIsCachedAndRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { env.fake.serve(w, 200, "search_page2.json") })
	fetch := func() {
		t.Helper()
		if _, err := env.src.Fetch(t.Context(), oakTable); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
	}
	fetch()
	fetch()
	if mints, _ := env.fake.counts(); mints != 1 {
		t.Fatalf("%d tokens minted for two fetches, want 1 (the second reuses it)", mints)
	}
	// 7200 s tokens are renewed 5 minutes early: at 1h54m they are still used…
	env.clock.Advance(114 * time.Minute)
	fetch()
	if mints, _ := env.fake.counts(); mints != 1 {
		t.Fatalf("%d tokens minted at 1h54m, want 1", mints)
	}
	// …at 1h56m they are renewed.
	env.clock.Advance(2 * time.Minute)
	fetch()
	if mints, _ := env.fake.counts(); mints != 2 {
		t.Fatalf("%d tokens minted at 1h56m, want 2", mints)
	}
	if got := env.fake.search(3).Header.Get("Authorization"); got != "Bearer tok-2" {
		t.Errorf("after renewal Authorization = %q, want Bearer tok-2", got)
	}
}

func TestTokenCacheIsSharedAndKeyedWithoutSecrets(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { env.fake.serve(w, 200, "search_page2.json") })
	if _, err := env.src.Fetch(t.Context(), oakTable); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	// A second process (same cache, fresh Source) finds the token in the cache.
	other, err := New(Config{Client: &http.Client{}, APIURL: env.fake.srv.URL, AuthURL: env.fake.srv.URL,
		ClientID: testClientID, ClientSecret: testSecret, Tokens: env.tokens, Usage: env.usage, Now: env.clock.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := other.Fetch(t.Context(), oakTable); err != nil {
		t.Fatalf("second source Fetch: %v", err)
	}
	if mints, _ := env.fake.counts(); mints != 1 {
		t.Errorf("%d tokens minted by two sources sharing a cache, want 1", mints)
	}
	for key := range env.tokens.byKey {
		if strings.Contains(key, testSecret) || strings.Contains(key, testClientID) {
			t.Errorf("cache key %q contains the client id or secret", key)
		}
	}
}

func TestUnauthorizedSearchRenewsTheTokenOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		rejections   int // searches answered 401 before a 200
		wantErr      bool
		wantMints    int
		wantSearches int
	}{
		{"renewed token works", 1, false, 2, 2},
		{"renewed token rejected too", 99, true, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var env *testEnv
			env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= tt.rejections {
					env.fake.serve(w, http.StatusUnauthorized, "error_1001.json")
					return
				}
				env.fake.serve(w, 200, "search_page2.json")
			})
			_, err := env.src.Fetch(t.Context(), oakTable)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Fetch err = %v, want error %v", err, tt.wantErr)
			}
			if mints, searches := env.fake.counts(); mints != tt.wantMints || searches != tt.wantSearches {
				t.Errorf("mints=%d searches=%d, want %d %d", mints, searches, tt.wantMints, tt.wantSearches)
			}
			if tt.wantErr && !strings.Contains(err.Error(), "1001") {
				t.Errorf("error %q does not carry eBay's errorId 1001", err)
			}
		})
	}
}

func TestDailyLimitIsAQuotaErrorAndNotRetried(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		env.fake.serve(w, http.StatusTooManyRequests, "error_2001.json")
	})
	_, err := env.src.Fetch(t.Context(), oakTable)
	var qe *scout.QuotaError
	if !errors.As(err, &qe) {
		t.Fatalf("Fetch err = %v, want a *scout.QuotaError", err)
	}
	// Next midnight in Los Angeles after 2026-11-24 12:00 PST.
	if want := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC); !qe.RetryAt.Equal(want) || qe.Source != "ebay" {
		t.Errorf("QuotaError source %q retry %v, want ebay %v", qe.Source, qe.RetryAt.UTC(), want)
	}
	if _, searches := env.fake.counts(); searches != 1 || *env.sleeps != 0 {
		t.Errorf("searches=%d sleeps=%d, want 1 and 0: the daily limit must not be retried", searches, *env.sleeps)
	}
}

func TestServerErrorsAndOtherRateLimitsAreRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			var env *testEnv
			env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.WriteHeader(status)
					_, _ = w.Write([]byte(`{"errors":[{"errorId":10001,"message":"System error"}]}`))
					return
				}
				env.fake.serve(w, 200, "search_page2.json")
			})
			res, err := env.src.Fetch(t.Context(), oakTable)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if _, searches := env.fake.counts(); searches != 2 || *env.sleeps != 1 || len(res.Listings) != 1 {
				t.Errorf("searches=%d sleeps=%d listings=%d, want 2 1 1", searches, *env.sleeps, len(res.Listings))
			}
		})
	}
}

func TestWarningsInASuccessfulAnswer(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { env.fake.serve(w, 200, "search_warnings.json") })
	res, err := env.src.Fetch(t.Context(), oakTable)
	if err != nil {
		t.Fatalf("Fetch: %v (warnings must not fail the source)", err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "12023") || len(res.Listings) != 1 {
		t.Errorf("warnings=%q listings=%d, want the 12023 warning and 1 listing", res.Warnings, len(res.Listings))
	}
	if !strings.Contains(env.logs.String(), "12023") {
		t.Errorf("warning not logged; logs: %s", env.logs)
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
		{"malformed JSON", 200, []byte(`{"itemSummaries": [`), `ebay: search "oak table": malformed response`},
		{"bad request", 400, []byte(`{"errors":[{"errorId":12001,"message":"The sort value is invalid."}]}`),
			`ebay: search "oak table": HTTP 400: error 12001: The sort value is invalid.`},
		{"not JSON", 502, []byte(`<html>bad gateway</html>`), `ebay: search "oak table": HTTP 502 Bad Gateway`},
		{"too large", 200, bytes.Repeat([]byte(" "), maxBody+1), "exceeds the size limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(tt.status)
				_, _ = w.Write(tt.body)
			})
			_, err := env.src.Fetch(t.Context(), oakTable)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Fetch err = %v, want it to contain %q", err, tt.want)
			}
			if tt.name == "too large" && !errors.Is(err, outbound.ErrBodyTooLarge) {
				t.Errorf("err = %v, want it to wrap outbound.ErrBodyTooLarge", err)
			}
			assertNoSecrets(t, err)
		})
	}
}

func TestTokenErrorsNameTheFixAndHideTheSecret(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		t.Error("searched without a token")
	}, func(c *Config) { c.ClientSecret = "wrong-" + testSecret })
	_, err := env.src.Fetch(t.Context(), oakTable)
	if err == nil || !strings.Contains(err.Error(), "get access token: HTTP 401: invalid_client") ||
		!strings.Contains(err.Error(), "DEALSCOUT_EBAY_CLIENT_SECRET") {
		t.Fatalf("Fetch err = %v, want the invalid_client error with a hint", err)
	}
	assertNoSecrets(t, err)
	if strings.Contains(env.logs.String(), testSecret) {
		t.Errorf("logs contain the client secret: %s", env.logs)
	}
}

func assertNoSecrets(t *testing.T, err error) {
	t.Helper()
	for _, secret := range []string{testSecret, "tok-1", "Bearer", "Basic "} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q contains %q", err, secret)
		}
	}
}

func TestEveryCallIsCountedOnThePacificDay(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			env.fake.serve(w, 200, "search_page1.json")
			return
		}
		env.fake.serve(w, 200, "search_page2.json")
	})
	// 02:00 UTC on the 25th is still the 24th in Los Angeles.
	env.clock.Advance(6 * time.Hour)
	if _, err := env.src.Fetch(t.Context(), oakTable); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if got := env.usage.get("ebay/2026-11-24"); got != 3 {
		t.Errorf("calls counted on 2026-11-24 = %d, want 3 (token + 2 pages)", got)
	}
}

func TestBudgetRefusesBeforeCalling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		used      int
		wantRetry time.Time
		wantWord  string
	}{
		// At noon Pacific, 2500 + 100 burst calls are allowed.
		{"paced", 2600, time.Date(2026, 11, 24, 20, 0, 1, 0, time.UTC), "spread"},
		{"spent", 5000, time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC), "used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("searched over budget") })
			env.usage.calls = map[string]int{"ebay/2026-11-24": tt.used}
			_, err := env.src.Fetch(t.Context(), oakTable)
			var qe *scout.QuotaError
			if !errors.As(err, &qe) {
				t.Fatalf("Fetch err = %v, want a *scout.QuotaError", err)
			}
			if !qe.RetryAt.Equal(tt.wantRetry) || !strings.Contains(qe.Reason, tt.wantWord) {
				t.Errorf("retry %v reason %q, want %v and a reason saying %q", qe.RetryAt.UTC(), qe.Reason, tt.wantRetry, tt.wantWord)
			}
			if mints, searches := env.fake.counts(); mints+searches != 0 {
				t.Errorf("%d calls made over budget, want 0", mints+searches)
			}
		})
	}
}

func TestPacingMidFetchKeepsThePagesAlreadyRead(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { env.fake.serve(w, 200, "search_page1.json") })
	// Two calls left in the allowance: the token and page 1.
	env.usage.calls = map[string]int{"ebay/2026-11-24": 2598}
	res, err := env.src.Fetch(t.Context(), oakTable)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 2 || res.Complete || len(res.Warnings) != 1 {
		t.Errorf("listings=%d complete=%v warnings=%q, want 2, false and one warning", len(res.Listings), res.Complete, res.Warnings)
	}
}

func TestUsageFailureFailsTheFetch(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("searched without counting") })
	env.usage.err = errors.New("database is locked")
	_, err := env.src.Fetch(t.Context(), oakTable)
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("Fetch err = %v, want the usage error", err)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no client", Config{ClientID: "x", ClientSecret: "y"}, "pass the guarded one from outbound.New"},
		{"no credentials", Config{Client: &http.Client{}}, "set DEALSCOUT_EBAY_CLIENT_ID and DEALSCOUT_EBAY_CLIENT_SECRET"},
		{"no secret", Config{Client: &http.Client{}, ClientID: "x"}, "set DEALSCOUT_EBAY_CLIENT_ID and DEALSCOUT_EBAY_CLIENT_SECRET"},
		{"bad API URL", Config{Client: &http.Client{}, ClientID: "x", ClientSecret: "y", APIURL: "ftp://api.ebay.com"}, "API URL"},
		{"bad auth URL", Config{Client: &http.Client{}, ClientID: "x", ClientSecret: "y", AuthURL: "not a url"}, "auth URL"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if _, err := New(Config{Client: &http.Client{}, ClientID: "x", ClientSecret: "y"}); err != nil {
		t.Errorf("New with only credentials: %v, want defaults for the rest", err)
	}
}

func TestItemsRepeatedAcrossPagesAreListedOnce(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) {
		env.fake.serve(w, 200, "search_page1.json") // the same two items on every page
	}, func(c *Config) { c.MaxPages = 3 })
	res, err := env.src.Fetch(t.Context(), oakTable)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(res.Listings) != 2 {
		t.Errorf("got %d listings from 3 identical pages, want 2", len(res.Listings))
	}
}

func TestConcurrentFetchesMintOneToken(t *testing.T) {
	t.Parallel()
	var env *testEnv
	env = newTestEnv(t, func(w http.ResponseWriter, r *http.Request, n int) { env.fake.serve(w, 200, "search_page2.json") })
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := env.src.Fetch(t.Context(), oakTable); err != nil {
				t.Errorf("Fetch: %v", err)
			}
		})
	}
	wg.Wait()
	if mints, _ := env.fake.counts(); mints != 1 {
		t.Errorf("%d tokens minted by 4 concurrent fetches, want 1", mints)
	}
}
