package craigslist

import (
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

// SourceName is the Listing.Source of every Craigslist listing.
const SourceName = "craigslist"

// DefaultURL is the search API's base URL.
const DefaultURL = "https://sapi.craigslist.org"

// maxBody bounds the response: a full batch of 360 items is about 150 KB.
const maxBody = 10 << 20

// Config configures New. Every field has a default.
type Config struct {
	Client *http.Client
	APIURL string // default https://sapi.craigslist.org
	Now    func() time.Time
	Logger *slog.Logger
	Retry  outbound.Retry
	// AreaIDs adds or overrides site → Craigslist area id (the first number
	// of the batch parameter) for sites missing from the built-in table.
	AreaIDs map[string]int
}

// Source searches one Craigslist site per watch. It is safe for concurrent use.
type Source struct {
	client *http.Client
	apiURL *url.URL
	now    func() time.Time
	log    *slog.Logger
	retry  outbound.Retry
	areas  map[string]int
}

var _ scout.Source = (*Source)(nil)

// New checks cfg and returns a Source.
func New(cfg Config) (*Source, error) {
	if cfg.Client == nil {
		// Never a plain client: only outbound's refuses private addresses.
		return nil, errors.New("craigslist: no HTTP client; pass the guarded one from outbound.New")
	}
	raw := strings.TrimRight(strings.TrimSpace(cfg.APIURL), "/")
	if raw == "" {
		raw = DefaultURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("craigslist: API URL %q must be an http(s) base URL such as %s", cfg.APIURL, DefaultURL)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	s := &Source{client: cfg.Client, apiURL: u, now: cfg.Now, log: cfg.Logger, retry: cfg.Retry, areas: map[string]int{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for site, id := range knownAreas {
		s.areas[site] = id
	}
	for site, id := range cfg.AreaIDs {
		site = strings.ToLower(strings.TrimSpace(site))
		if !validSite(site) || id <= 0 {
			return nil, fmt.Errorf("craigslist: area id %d for site %q: need a site name such as sfbay and a positive id", id, site)
		}
		s.areas[site] = id
	}
	return s, nil
}

// Fetch runs one search on the site named by the spec ("craigslist:sfbay").
func (s *Source) Fetch(ctx context.Context, q scout.Query) (scout.FetchResult, error) {
	site := strings.ToLower(strings.TrimSpace(q.Spec.Arg))
	if !validSite(site) {
		return scout.FetchResult{}, fmt.Errorf("craigslist: watch %q: source %q needs a site name, e.g. craigslist:sfbay", q.Watch, q.Spec.String())
	}
	what := q.Terms
	if what == "" {
		what = q.Watch
	}
	area, knownArea := s.areas[site]
	u := buildSearchURL(s.apiURL, q, area)
	body, err := s.get(ctx, u, site)
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("craigslist: search %q on %s: %w", what, site, err)
	}
	// Without a postal code the API falls back to the caller's IP for an
	// unknown area; other sites' postings are then not what was asked for.
	onlySite := ""
	if postal(q) == "" {
		onlySite = site
	}
	pg, err := decodeSearch(body, decodeOptions{Site: site, OnlySite: onlySite, Query: searchText(q), Currency: q.Currency, Now: s.now()})
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("craigslist: search %q on %s: %w", what, site, err)
	}
	if pg.Skipped > 0 {
		s.log.DebugContext(ctx, "craigslist items skipped", slog.String("watch", q.Watch), slog.Int("skipped", pg.Skipped))
	}
	res := scout.FetchResult{Listings: pg.Listings, Complete: pg.Complete}
	if !knownArea && postal(q) == "" {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"craigslist: no area id is known for site %q, so results may be missing; give the watch a zip and radius", site))
	}
	return res, nil
}

func (s *Source) get(ctx context.Context, u *url.URL, site string) ([]byte, error) {
	origin := "https://" + site + ".craigslist.org"
	resp, err := outbound.Do(ctx, s.client, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		// The web UI's own requests carry these; the API scopes answers by them.
		req.Header.Set("Origin", origin)
		req.Header.Set("Referer", origin+"/")
		return req, nil
	}, s.retry)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if len(body) > maxBody {
		return nil, outbound.ErrBodyTooLarge
	}
	switch {
	case resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("HTTP 403: Craigslist refused the request (it blocks some networks and automated clients)")
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return body, nil
}
