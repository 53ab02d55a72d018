package feed

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/scout"
)

// DefaultMaxBody is the largest feed, after decompression, that Fetch reads.
const DefaultMaxBody int64 = 10 << 20

// Config configures a feed Source.
type Config struct {
	Client  *http.Client // the outbound client; required
	Now     func() time.Time
	Logger  *slog.Logger
	MaxBody int64          // bytes after decompression; default DefaultMaxBody
	Retry   outbound.Retry // backoff for 5xx, 429 and network errors
}

// Source fetches one feed per query; the URL is the query's spec argument.
type Source struct {
	client  *http.Client
	now     func() time.Time
	log     *slog.Logger
	maxBody int64
	retry   outbound.Retry
}

var _ scout.Source = (*Source)(nil)

// New returns a feed source. The client is required and is the guarded one
// from outbound.New: a plain client would fetch feeds on private addresses.
func New(cfg Config) (*Source, error) {
	if cfg.Client == nil {
		return nil, errors.New("feed: no HTTP client; pass the guarded one from outbound.New")
	}
	s := &Source{client: cfg.Client, now: cfg.Now, log: cfg.Logger, maxBody: cfg.MaxBody, retry: cfg.Retry}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	return s, nil
}

// Fetch GETs the feed, conditionally on the ETag and Last-Modified kept from
// the previous fetch, and returns every item in it.
func (s *Source) Fetch(ctx context.Context, q scout.Query) (scout.FetchResult, error) {
	feedURL := q.Spec.Arg
	shown := redact(feedURL)
	if !strings.HasPrefix(feedURL, "http://") && !strings.HasPrefix(feedURL, "https://") {
		return scout.FetchResult{}, fmt.Errorf("feed: %q is not an http(s) URL", shown)
	}
	started := s.now()
	resp, err := outbound.Do(ctx, s.client, func(ctx context.Context) (*http.Request, error) {
		return newRequest(ctx, feedURL, q.State)
	}, s.retry)
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("feed: fetch %s: %w", shown, maskURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()

	switch {
	case resp.StatusCode == http.StatusNotModified:
		s.log.DebugContext(ctx, "feed not modified", slog.String("watch", q.Watch), slog.String("url", shown))
		// Not Complete: an empty answer must not mark the feed's listings gone.
		return scout.FetchResult{NotModified: true, State: q.State}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return scout.FetchResult{}, fmt.Errorf("feed: fetch %s: server answered %s", shown, resp.Status)
	}

	body, err := s.readBody(resp)
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("feed: read %s: %w", shown, err)
	}
	// The body is parseData's alone from here: it can be collected once
	// parsed, before the listings are made and stored.
	size := len(body)
	res, err := parseData(body, feedURL)
	if err != nil {
		return scout.FetchResult{}, err
	}
	res.State = scout.SourceState{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	s.log.DebugContext(ctx, "feed fetched", slog.String("watch", q.Watch), slog.String("url", shown),
		slog.Int("bytes", size), slog.Int("listings", len(res.Listings)),
		slog.Duration("took", s.now().Sub(started)))
	return res, nil
}

func newRequest(ctx context.Context, feedURL string, st scout.SourceState) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feedURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
	// Accept-Encoding is left to the transport: when it asks for gzip itself
	// it also decompresses, which it does not do for a header we set.
	if st.ETag != "" {
		req.Header.Set("If-None-Match", st.ETag)
	}
	if st.LastModified != "" {
		req.Header.Set("If-Modified-Since", st.LastModified)
	}
	return req, nil
}

// readBody reads at most maxBody bytes of the decompressed body. A body the
// transport did not decompress — a server gzipping unasked, or a client with
// compression disabled — is gunzipped here, recognised by its magic bytes
// rather than its headers, which such servers get wrong; the limit applies
// after that so a small gzip bomb cannot blow up memory.
func (s *Source) readBody(resp *http.Response) ([]byte, error) {
	br := bufio.NewReader(resp.Body)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		defer func() { _ = zr.Close() }()
		r = zr
	}
	body, err := io.ReadAll(io.LimitReader(r, s.maxBody+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > s.maxBody {
		return nil, fmt.Errorf("%w: more than %d bytes", outbound.ErrBodyTooLarge, s.maxBody)
	}
	return body, nil
}

// maskURLError hides the URL net/http quotes in its errors, which shows the
// query (API keys) in full and the username. The wrapping errors' texts were
// fixed when they were made, so the text is rewritten and the chain kept
// for errors.Is and errors.As.
func maskURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &maskedError{msg: strings.ReplaceAll(err.Error(), ue.URL, redact(ue.URL)), err: err}
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// redact hides credentials — userinfo and query values, where API keys
// travel — in a feed URL before it reaches logs and errors.
func redact(raw string) string { return scout.MaskURL(raw) }
