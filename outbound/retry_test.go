package outbound

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// step is one scripted outcome of a round trip: a response or an error.
type step struct {
	status     int
	retryAfter string
	err        error
}

// scriptedTransport plays steps in order, repeating the last one, and
// remembers every body it handed out so tests can see which were closed.
type scriptedTransport struct {
	steps  []step
	calls  atomic.Int64
	bodies []*trackedBody
	onCall func(n int64) // optional, runs after each call
}

func (s *scriptedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := s.calls.Add(1)
	if s.onCall != nil {
		defer s.onCall(n)
	}
	st := s.steps[min(int(n)-1, len(s.steps)-1)]
	if st.err != nil {
		return nil, st.err
	}
	body := &trackedBody{Reader: strings.NewReader(http.StatusText(st.status))}
	s.bodies = append(s.bodies, body)
	resp := &http.Response{StatusCode: st.status, Header: http.Header{}, Body: body, Request: req}
	if st.retryAfter != "" {
		resp.Header.Set("Retry-After", st.retryAfter)
	}
	return resp, nil
}

type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

// sleeps records Do's waits without waiting.
type sleeps []time.Duration

func (s *sleeps) sleep(_ context.Context, d time.Duration) error { *s = append(*s, d); return nil }

func getExample(ctx context.Context) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, "http://example.test/", nil)
}

var (
	errNetwork = errors.New("connection reset by peer")
	errBlocked = &BlockedError{Addr: "127.0.0.1:80", Reason: "loopback"}
)

func TestDo(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		steps      []step
		policy     Retry
		wantStatus int   // 0 when an error is expected
		wantErr    error // matched with errors.Is
		wantCalls  int64
		wantSleeps []time.Duration // exact waits; nil means none
		sleepRange [][2]time.Duration
	}{
		{
			name:       "500 then 200",
			steps:      []step{{status: 500}, {status: 200}},
			policy:     Retry{Base: time.Second},
			wantStatus: 200, wantCalls: 2,
			sleepRange: [][2]time.Duration{{500 * time.Millisecond, time.Second}},
		},
		{
			name:       "backoff doubles between retries",
			steps:      []step{{status: 502}, {status: 503}, {status: 504}, {status: 200}},
			policy:     Retry{Base: time.Second},
			wantStatus: 200, wantCalls: 4,
			sleepRange: [][2]time.Duration{{time.Second / 2, time.Second}, {time.Second, 2 * time.Second}, {2 * time.Second, 4 * time.Second}},
		},
		{
			name:       "Retry-After seconds",
			steps:      []step{{status: 503, retryAfter: "7"}, {status: 200}},
			wantStatus: 200, wantCalls: 2,
			wantSleeps: []time.Duration{7 * time.Second},
		},
		{
			name:       "Retry-After HTTP date",
			steps:      []step{{status: 429, retryAfter: now.Add(12 * time.Second).Format(http.TimeFormat)}, {status: 200}},
			wantStatus: 200, wantCalls: 2,
			wantSleeps: []time.Duration{12 * time.Second},
		},
		{
			name:       "StopOn hands the response back at once",
			steps:      []step{{status: 429}, {status: 200}},
			policy:     Retry{StopOn: func(r *http.Response) bool { return r.StatusCode == 429 }},
			wantStatus: 429, wantCalls: 1,
		},
		{
			name:       "Retry-After longer than Max hands the response back",
			steps:      []step{{status: 503, retryAfter: "120"}, {status: 200}},
			policy:     Retry{Max: 30 * time.Second},
			wantStatus: 503, wantCalls: 1,
		},
		{
			name:       "attempts used up returns the last response",
			steps:      []step{{status: 500}},
			policy:     Retry{Attempts: 3, Base: time.Millisecond},
			wantStatus: 500, wantCalls: 3,
			sleepRange: [][2]time.Duration{{0, time.Millisecond}, {0, 2 * time.Millisecond}},
		},
		{
			name:       "4xx is not retried",
			steps:      []step{{status: 404}, {status: 200}},
			wantStatus: 404, wantCalls: 1,
		},
		{
			name:       "network error retried",
			steps:      []step{{err: errNetwork}, {status: 200}},
			policy:     Retry{Base: time.Millisecond},
			wantStatus: 200, wantCalls: 2,
			sleepRange: [][2]time.Duration{{0, time.Millisecond}},
		},
		{
			name:      "network error every time is returned, without a last wait",
			steps:     []step{{err: errNetwork}},
			policy:    Retry{Attempts: 3, Base: time.Millisecond},
			wantErr:   errNetwork,
			wantCalls: 3,
			// two waits between three tries; none after the last
			sleepRange: [][2]time.Duration{{0, time.Millisecond}, {0, 2 * time.Millisecond}},
		},
		{
			name:      "blocked address is not retried",
			steps:     []step{{err: errBlocked}},
			wantErr:   errBlocked,
			wantCalls: 1,
		},
		{
			name:      "unsupported scheme is not retried",
			steps:     []step{{err: errUnsupportedScheme}},
			wantErr:   errUnsupportedScheme,
			wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := &scriptedTransport{steps: tt.steps}
			var slept sleeps
			p := tt.policy
			p.Sleep = slept.sleep
			p.Now = func() time.Time { return now }

			resp, err := Do(context.Background(), &http.Client{Transport: tr}, getExample, p)

			if tt.wantStatus == 0 {
				if err == nil {
					t.Fatalf("Do returned status %d, want an error", resp.StatusCode)
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Do err = %v, want %v", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
			}
			if n := tr.calls.Load(); n != tt.wantCalls {
				t.Fatalf("round trips = %d, want %d", n, tt.wantCalls)
			}
			checkSleeps(t, slept, tt.wantSleeps, tt.sleepRange)
		})
	}
}

func checkSleeps(t *testing.T, got, exact []time.Duration, ranges [][2]time.Duration) {
	t.Helper()
	if ranges == nil {
		if len(got) != len(exact) || (len(exact) > 0 && !equalDurations(got, exact)) {
			t.Fatalf("waits = %v, want %v", got, exact)
		}
		return
	}
	if len(got) != len(ranges) {
		t.Fatalf("waits = %v, want %d of them within %v", got, len(ranges), ranges)
	}
	for i, r := range ranges {
		if got[i] < r[0] || got[i] > r[1] {
			t.Fatalf("wait %d = %v, want within [%v, %v]", i, got[i], r[0], r[1])
		}
	}
}

func equalDurations(a, b []time.Duration) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDoClosesResponsesItRetries(t *testing.T) {
	t.Parallel()
	tr := &scriptedTransport{steps: []step{{status: 500}, {status: 503}, {status: 200}}}
	var slept sleeps

	resp, err := Do(context.Background(), &http.Client{Transport: tr}, getExample, Retry{Sleep: slept.sleep})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer resp.Body.Close()

	for i, b := range tr.bodies[:2] {
		if !b.closed {
			t.Fatalf("body of retried response %d left open; it holds the connection", i)
		}
	}
	if tr.bodies[2].closed {
		t.Fatal("body of the returned response was closed; the caller owns it")
	}
}

func TestDoStopsWhenContextCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	tr := &scriptedTransport{steps: []step{{status: 500}}, onCall: func(int64) { cancel() }}
	start := time.Now()

	// The default Sleep is used: an hour's backoff must end with ctx.
	_, err := Do(ctx, &http.Client{Transport: tr}, getExample, Retry{Base: time.Hour, Max: time.Hour})

	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Do returned after %v, want promptly after cancel", d)
	}
	if n := tr.calls.Load(); n != 1 {
		t.Fatalf("round trips = %d, want 1", n)
	}
}

func TestDoReturnsRequestBuildError(t *testing.T) {
	t.Parallel()
	errBuild := errors.New("bad request template")
	tr := &scriptedTransport{steps: []step{{status: 200}}}

	_, err := Do(context.Background(), &http.Client{Transport: tr}, func(context.Context) (*http.Request, error) {
		return nil, errBuild
	}, Retry{})

	if !errors.Is(err, errBuild) {
		t.Fatalf("Do err = %v, want the build error", err)
	}
	if n := tr.calls.Load(); n != 0 {
		t.Fatalf("round trips = %d, want 0", n)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		base, max time.Duration
		attempt   int
		d         time.Duration // the ceiling; waits fall in [d/2, d]
	}{
		{"first", time.Second, time.Minute, 0, time.Second},
		{"third", time.Second, time.Minute, 2, 4 * time.Second},
		{"capped", time.Second, 30 * time.Second, 10, 30 * time.Second},
		{"huge attempt", time.Second, 30 * time.Second, 1 << 30, 30 * time.Second},
		{"base above max", time.Hour, time.Minute, 0, time.Minute},
		{"no overflow near MaxInt64", 1 << 62, math.MaxInt64, 5, math.MaxInt64},
		{"one nanosecond", 1, time.Second, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for range 1000 {
				if got := Backoff(tt.base, tt.max, tt.attempt); got < tt.d/2 || got > tt.d {
					t.Fatalf("Backoff(%v, %v, %d) = %v, want within [%v, %v]", tt.base, tt.max, tt.attempt, got, tt.d/2, tt.d)
				}
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(1994, 11, 6, 8, 49, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"864000", maxRetryAfter, true},                  // ten days, capped
		{"99999999999999999999999", maxRetryAfter, true}, // overflows uint64, capped
		{"-1", 0, false},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"1e3", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"soon", 0, false},
		{"Sun, 06 Nov 1994 08:49:37 GMT", 37 * time.Second, true},  // IMF-fixdate
		{"Sunday, 06-Nov-94 08:49:37 GMT", 37 * time.Second, true}, // RFC 850
		{"Sun Nov  6 08:49:37 1994", 37 * time.Second, true},       // asctime
		{"Sun, 06 Nov 1994 08:48:00 GMT", 0, true},                 // in the past
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
