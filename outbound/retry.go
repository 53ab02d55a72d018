package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
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
}

// Do sends the request newReq builds, retrying network errors, 5xx and 429
// with exponential backoff and full jitter, honouring Retry-After (seconds or
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
	var lastErr error
	for attempt := 0; attempt < p.Attempts; attempt++ {
		req, err := newReq(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := c.Do(req)
		wait := Backoff(p.Base, p.Max, attempt)
		switch {
		case err != nil:
			if ctx.Err() != nil || !retryableError(err) {
				return nil, err
			}
			lastErr = err
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if attempt == p.Attempts-1 || (p.StopOn != nil && p.StopOn(resp)) {
				return resp, nil
			}
			if ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
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
	return nil, fmt.Errorf("gave up after %d attempts: %w", p.Attempts, lastErr)
}

// Backoff is the wait before retry number attempt+1: a random duration in
// [d/2, d] where d = base·2^attempt capped at max.
func Backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < max; i++ {
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

// ParseRetryAfter reads a Retry-After header: delta seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 || secs > 7*24*3600 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
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

func retryableError(err error) bool {
	var be *BlockedError
	if errors.As(err, &be) || errors.Is(err, ErrBodyTooLarge) {
		return false
	}
	return true
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
