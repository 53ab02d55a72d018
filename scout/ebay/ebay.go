package ebay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the Pacific day must be computable in a static binary with no zoneinfo

	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/scout"
)

// SourceName is the Listing.Source of every eBay listing and the source
// name under which calls are counted.
const SourceName = "ebay"

// Defaults for Config fields left zero.
const (
	DefaultURL         = "https://api.ebay.com"
	DefaultMarketplace = "EBAY_US"
	DefaultDailyCalls  = 5000
	DefaultMaxPages    = 3
	// pageSize is the most item summaries eBay returns per page.
	pageSize = 200
)

// Config configures New. ClientID and ClientSecret are required; everything
// else has a default.
type Config struct {
	Client       *http.Client
	APIURL       string // base of the Browse API, e.g. https://api.ebay.com or https://api.sandbox.ebay.com
	AuthURL      string // base of the identity API (usually the same host)
	ClientID     string
	ClientSecret string
	Marketplace  string // X-EBAY-C-MARKETPLACE-ID, default EBAY_US
	DailyCalls   int    // the application's daily call budget, default 5000
	MaxPages     int    // pages followed per fetch when the query does not say, default 3
	Tokens       TokenCache
	Usage        Usage
	Now          func() time.Time
	Logger       *slog.Logger
	Retry        outbound.Retry
}

// Source searches eBay. It is safe for concurrent use.
type Source struct {
	client      *http.Client
	apiURL      *url.URL
	authURL     *url.URL
	clientID    string
	secret      string
	marketplace string
	budget      int
	maxPages    int
	tokens      TokenCache
	usage       Usage
	now         func() time.Time
	log         *slog.Logger
	retry       outbound.Retry
	pacific     *time.Location

	tokenMu  sync.Mutex // one mint at a time; guards tok and tokExp
	tok      string
	tokExp   time.Time
	tokenKey string
}

var _ scout.Source = (*Source)(nil)

// ErrNoCredentials is returned by New when the client id or secret is missing.
var ErrNoCredentials = errors.New("ebay: set DEALSCOUT_EBAY_CLIENT_ID and DEALSCOUT_EBAY_CLIENT_SECRET (an eBay developer application's production keyset), or remove the ebay source from your watches")

// New checks cfg and returns a Source.
func New(cfg Config) (*Source, error) {
	if cfg.Client == nil {
		// Never a plain client: only outbound's refuses private addresses.
		return nil, errors.New("ebay: no HTTP client; pass the guarded one from outbound.New")
	}
	if strings.TrimSpace(cfg.ClientID) == "" || strings.TrimSpace(cfg.ClientSecret) == "" {
		return nil, ErrNoCredentials
	}
	api, err := parseBase("API URL", cfg.APIURL)
	if err != nil {
		return nil, err
	}
	auth, err := parseBase("auth URL", cfg.AuthURL)
	if err != nil {
		return nil, err
	}
	pacific, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return nil, fmt.Errorf("ebay: load US Pacific time zone: %w", err)
	}
	s := &Source{
		client: cfg.Client, apiURL: api, authURL: auth,
		clientID: cfg.ClientID, secret: cfg.ClientSecret,
		marketplace: cmp(cfg.Marketplace, DefaultMarketplace),
		budget:      cfg.DailyCalls, maxPages: cfg.MaxPages,
		tokens: cfg.Tokens, usage: cfg.Usage, now: cfg.Now, log: cfg.Logger,
		retry: cfg.Retry, pacific: pacific,
	}
	if s.budget <= 0 {
		s.budget = DefaultDailyCalls
	}
	if s.maxPages <= 0 {
		s.maxPages = DefaultMaxPages
	}
	if s.tokens == nil {
		s.tokens = newMemoryTokens()
	}
	if s.usage == nil {
		s.usage = newMemoryUsage()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.retry.StopOn = chainStop(s.retry.StopOn, isDailyQuota)
	s.tokenKey = tokenKey(s.clientID, auth)
	return s, nil
}

// Fetch searches eBay for q, following `next` links up to the page cap.
func (s *Source) Fetch(ctx context.Context, q scout.Query) (scout.FetchResult, error) {
	what := q.Terms
	if what == "" {
		what = q.Watch
	}
	u := buildSearchURL(s.apiURL, q, s.marketplace, pageSize)
	pages := s.maxPages
	if q.MaxPages > 0 {
		pages = q.MaxPages
	}
	var res scout.FetchResult
	seen := map[string]bool{} // newly listed items shift pages while we read them
	for page := 0; page < pages; page++ {
		body, err := s.search(ctx, q, u)
		if err != nil {
			var quota *scout.QuotaError
			switch {
			case errors.As(err, &quota) && page > 0:
				// The budget ran out mid-way: the pages we have are still good, just not all.
				res.Warnings = append(res.Warnings, fmt.Sprintf("ebay: stopped after %d pages: %s", page, quota.Reason))
				return res, nil
			case errors.As(err, &quota):
				return scout.FetchResult{}, err
			}
			return scout.FetchResult{}, fmt.Errorf("ebay: search %q: %w", what, err)
		}
		listings, warnings, next, err := parseSearch(body)
		if err != nil {
			return scout.FetchResult{}, fmt.Errorf("ebay: search %q: %w", what, err)
		}
		for _, w := range warnings {
			s.log.WarnContext(ctx, "ebay answered with a warning", slog.String("watch", q.Watch), slog.String("warning", w))
		}
		for _, l := range listings {
			if !seen[l.SourceID] {
				seen[l.SourceID] = true
				res.Listings = append(res.Listings, l)
			}
		}
		res.Warnings = append(res.Warnings, warnings...)
		if next == "" {
			res.Complete = true
			return res, nil
		}
		nu, ok := sameHost(s.apiURL, next)
		if !ok {
			s.log.WarnContext(ctx, "ebay next link points elsewhere; not following", slog.String("watch", q.Watch))
			res.Warnings = append(res.Warnings, "ebay: next page link points at another host; stopped paging")
			return res, nil
		}
		u = nu
	}
	return res, nil
}

// search GETs one page, renewing the token once if eBay says it is invalid.
func (s *Source) search(ctx context.Context, q scout.Query, u *url.URL) ([]byte, error) {
	tok, err := s.token(ctx, false)
	if err != nil {
		return nil, err
	}
	resp, err := s.getPage(ctx, q, u, tok)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized {
		drainClose(resp)
		s.log.InfoContext(ctx, "ebay rejected the access token; renewing it", slog.String("watch", q.Watch))
		if tok, err = s.token(ctx, true); err != nil {
			return nil, err
		}
		if resp, err = s.getPage(ctx, q, u, tok); err != nil {
			return nil, err
		}
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode == http.StatusTooManyRequests && hasErrorID(body, errDailyLimit) {
		return nil, s.dailyLimitError()
	}
	if resp.StatusCode != http.StatusOK {
		return nil, httpError(resp.StatusCode, body)
	}
	return body, nil
}

func (s *Source) getPage(ctx context.Context, q scout.Query, u *url.URL, tok string) (*http.Response, error) {
	return outbound.Do(ctx, s.client, func(ctx context.Context) (*http.Request, error) {
		if err := s.spend(ctx); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-EBAY-C-MARKETPLACE-ID", s.marketplace)
		if ctxHeader := endUserContext(q, s.marketplace); ctxHeader != "" {
			req.Header.Set("X-EBAY-C-ENDUSERCTX", ctxHeader)
		}
		return req, nil
	}, s.retry)
}

func parseBase(what, raw string) (*url.URL, error) {
	raw = cmp(strings.TrimSpace(raw), DefaultURL)
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("ebay: %s %q must be an http(s) base URL such as %s", what, raw, DefaultURL)
	}
	if u.Path == "" {
		u.Path = "/" // so joined paths are absolute
	}
	return u, nil
}

// sameHost resolves a `next` link and accepts it only on the API's own
// scheme and host, so a tampered response cannot send our token elsewhere.
func sameHost(base *url.URL, next string) (*url.URL, bool) {
	u, err := base.Parse(next)
	if err != nil || u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) {
		return nil, false
	}
	return u, true
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
