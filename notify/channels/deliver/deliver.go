// Package deliver is the HTTP plumbing the notify channel packages share:
// send one request, read a bounded answer, and turn failures into
// *notify.SendError with the retry decision the dispatcher needs — without
// ever letting a URL (which may carry a token) into an error.
package deliver

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/outbound"
)

// MaxAnswer bounds how much of a provider's answer is read; answers we act on
// are small JSON documents.
const MaxAnswer = 64 << 10

// ErrNoHTTPClient is returned by channel constructors given no client: they
// must not fall back to one without the outbound guard.
var ErrNoHTTPClient = errors.New("no HTTP client configured")

// Answer is a provider's response, read and closed.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req once and reads the answer. A transport failure comes back as a
// *notify.SendError for channel, temporary unless the outbound guard refused
// the address; secrets are scrubbed from its text.
func Do(c *http.Client, req *http.Request, channel string, secrets ...string) (*Answer, error) {
	resp, err := c.Do(req) // #nosec G704 -- c is the outbound client: its dialer refuses private, loopback and metadata addresses
	if err != nil {
		return nil, Transport(req.Context(), channel, err, secrets...)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer))
	if err != nil {
		return nil, Transport(req.Context(), channel, err, secrets...)
	}
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// Transport wraps a network error. *url.Error is unwrapped because its text
// holds the request URL, which for several providers contains the token.
func Transport(ctx context.Context, channel string, err error, secrets ...string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var blocked *outbound.BlockedError
	permanent := errors.As(err, &blocked)
	reason := "request failed"
	if ctx.Err() != nil {
		reason = "request cancelled"
	}
	return &notify.SendError{
		Channel:   channel,
		Permanent: permanent,
		Reason:    reason,
		Err:       errors.New(Scrub(err.Error(), secrets...)),
	}
}

// Temporary reports whether an HTTP status is worth retrying: 5xx, 429 and
// 408 (the server timed out reading us). Other non-2xx statuses will fail the
// same way again.
func Temporary(status int) bool {
	return status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout
}

// Failure builds the SendError for a non-success answer: temporary or
// permanent by status, with the Retry-After header as the hint. reason should
// be the provider's own short explanation, already free of secrets.
func Failure(channel string, a *Answer, now time.Time, reason string) *notify.SendError {
	if reason == "" {
		reason = strings.ToLower(http.StatusText(a.Status))
	}
	e := &notify.SendError{
		Channel:   channel,
		Status:    a.Status,
		Permanent: !Temporary(a.Status),
		Reason:    reason,
	}
	if e.Permanent {
		return e
	}
	if d, ok := outbound.ParseRetryAfter(a.Header.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	return e
}

// Seconds turns a provider's float seconds (Discord's retry_after: 1.5) into
// a duration, rejecting nonsense.
func Seconds(s float64) time.Duration {
	if s <= 0 || s > 7*24*3600 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// Snippet is a provider's text answer cut to a size fit for a Reason, with
// control characters removed and secrets scrubbed.
func Snippet(b []byte, secrets ...string) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, string(bytes.TrimSpace(b)))
	s = Scrub(s, secrets...)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// Scrub replaces every secret in s with "***". Providers do not echo tokens
// in their answers, but a proxy or a misconfigured server might.
func Scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

// BasicAuth is the credential of an HTTP Basic Authorization header for user
// and password, as sent on the wire. A channel that logs in with Basic auth
// scrubs it along with the password: an answer echoing our request back would
// otherwise carry the password in base64.
func BasicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// JSONRequest builds a POST with a JSON body.
func JSONRequest(ctx context.Context, endpoint string, body []byte) (*http.Request, error) {
	return newRequest(ctx, endpoint, "application/json", body)
}

// FormRequest builds a POST with a form body.
func FormRequest(ctx context.Context, endpoint string, form url.Values) (*http.Request, error) {
	return newRequest(ctx, endpoint, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

func newRequest(ctx context.Context, endpoint, contentType string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		// The parse error quotes the URL; say only that it is malformed.
		return nil, fmt.Errorf("building request: malformed endpoint URL")
	}
	req.Header.Set("Content-Type", contentType)
	return req, nil
}

// Invalid is a failure before anything was sent (a payload that cannot be
// built): permanent, since the same message will fail the same way.
func Invalid(channel, reason string, err error) *notify.SendError {
	return &notify.SendError{Channel: channel, Permanent: true, Reason: reason, Err: err}
}
