package outbound

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

var (
	errUnsupportedScheme = errors.New("outbound: unsupported URL scheme")
	errTooManyRedirects  = errors.New("outbound: too many redirects")
)

// guardTransport refuses non-HTTP schemes before anything is dialled, fills in
// the User-Agent and limits every response body.
type guardTransport struct {
	next      http.RoundTripper
	userAgent string
	maxBody   int64
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkScheme(req.URL); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // a RoundTripper must close the body even on error
		}
		return nil, err
	}
	// A header that is present but empty means the caller wants none.
	if _, ok := req.Header["User-Agent"]; !ok {
		req = req.Clone(req.Context()) // a RoundTripper must not modify the caller's request
		req.Header.Set("User-Agent", t.userAgent)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	// A 101 body is the raw connection, not a document to limit.
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body = &limitedBody{rc: resp.Body, remaining: t.maxBody}
	}
	return resp, nil
}

func checkScheme(u *url.URL) error {
	if u == nil {
		return fmt.Errorf("%w: request has no URL", errUnsupportedScheme)
	}
	switch u.Scheme {
	case "http", "https":
		return nil
	}
	return fmt.Errorf("%w %q: only http and https are allowed", errUnsupportedScheme, u.Scheme)
}

// redirectPolicy limits redirects and re-checks each target's scheme; the
// dialer re-checks its address.
func redirectPolicy(maxRedirects int) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if maxRedirects < 0 {
			return http.ErrUseLastResponse
		}
		// via holds every request already sent, so len(via) is the number of
		// redirects followed once this one is.
		if len(via) > maxRedirects {
			return fmt.Errorf("%w: stopped after %d", errTooManyRedirects, maxRedirects)
		}
		return checkScheme(req.URL)
	}
}

// limitedBody reads at most remaining bytes and then fails loudly, so a
// caller never mistakes a truncated feed or JSON document for a whole one.
type limitedBody struct {
	rc        io.ReadCloser
	remaining int64
	err       error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	// Ask for one byte past the limit: getting it is the only proof the
	// body is too large, rather than exactly at the limit.
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.remaining {
		n = int(b.remaining)
		b.remaining = 0
		b.err = ErrBodyTooLarge
		return n, b.err
	}
	b.remaining -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
