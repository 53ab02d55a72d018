package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry says how Do retries a request.
type Retry struct {
	Attempts int           // total tries, at least 1; default 4
	Base     time.Duration // first backoff; default 1s
	Max      time.Duration // longest single wait, including Retry-After; default 30s
	// StopOn, when set, is asked about every retryable response (5xx, 429); true
	// means hand it to the caller now (e.g. eBay's 429 daily quota).
	StopOn func(*http.Response) bool
	// Sleep waits d or until ctx ends; tests replace it. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now dates a Retry-After HTTP date; tests replace it. Default: time.Now.
	Now func() time.Time
}

// Do sends the request newReq builds, retrying network errors, 5xx and 429
// with exponential backoff and jitter (see Backoff), honouring Retry-After (seconds or
// HTTP date) up to Max. It returns the last response whatever its status —
// the caller closes it — or the last network error.
func Do(ctx context.Context, c *http.Client, newReq func(ctx context.Context) (*http.Request, error), p Retry) (*http.Response, error) {
	if p.Attempts < 1 {
		p.Attempts = 4
	}
	if p.Base <= 0 {
		p.Base = time.Second
	}
	if p.Max <= 0 {
		p.Max = 30 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	var lastErr error
	for attempt := 0; attempt < p.Attempts; attempt++ {
		req, err := newReq(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req)
		last := attempt == p.Attempts-1
		wait := Backoff(p.Base, p.Max, attempt)
		switch {
		case err != nil:
			if ctx.Err() != nil || !retryableError(err) {
				return nil, err
			}
			lastErr = err
			if last {
				continue // no point waiting before giving up
			}
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if last || (p.StopOn != nil && p.StopOn(resp)) {
				return resp, nil
			}
			if ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), p.Now()); ok {
				if ra > p.Max {
					return resp, nil // the server asks for longer than we wait in one run
				}
				wait = ra
			}
			drain(resp)
		default:
			return resp, nil
		}
		if err := p.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("outbound: gave up after %d attempts: %w", p.Attempts, lastErr)
}

// Backoff is the wait before retry number attempt+1: a random duration in
// [d/2, d] where d = base·2^attempt capped at max.
func Backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < max; i++ {
		if d > max/2 {
			d = max // doubling would pass max, or overflow when max is huge
			break
		}
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1) // #nosec G404 -- jitter, not security
}

// maxRetryAfter caps a Retry-After so that a huge value still reads as "longer
// than we wait" (Do hands the response back) instead of overflowing.
const maxRetryAfter = 7 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After header: delta seconds (digits only, as
// RFC 9110 says; capped at a week) or an HTTP date (a past date is 0).
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil || secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true // only ErrRange is possible: too many digits
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// retryableError is false for refusals by this package's own policy: asking
// again gets the same answer.
func retryableError(err error) bool {
	var be *BlockedError
	return !errors.As(err, &be) &&
		!errors.Is(err, ErrBodyTooLarge) &&
		!errors.Is(err, errUnsupportedScheme) &&
		!errors.Is(err, errTooManyRedirects)
}

func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
