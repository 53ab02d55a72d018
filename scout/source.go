package scout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Source fetches the current listings for one watch from one place.
//
// Implementations live in scout/<kind> packages, take their *http.Client and
// base URL in a constructor, and must never panic on bad input: a malformed
// response is an error naming the source, and nothing is stored.
type Source interface {
	// Fetch returns what the source offers for q now. An error means the source
	// failed; warnings in the result mean it answered with caveats.
	Fetch(ctx context.Context, q Query) (FetchResult, error)
}

// Query is what a source is asked for: the watch's search, translated into
// source terms by the source itself.
type Query struct {
	Watch      string      // watch name, for logs and errors
	Spec       SourceSpec  // the spec this fetch is for ("feed:https://…" → Kind feed, Arg URL)
	Terms      string      // the watch's query text as typed ("oak table" -broken)
	Include    []string    // parsed required words and phrases
	Exclude    []string    // words that must not appear
	MinCents   *int64      // price range in Currency, nil when open
	MaxCents   *int64      //
	Currency   string      //
	Conditions []Condition // empty = any
	HasCoords  bool
	Lat, Lng   float64
	PostalCode string
	RadiusMi   float64 // 0 = anywhere
	MaxPages   int     // paging cap for sources that page; 0 = source default
	// State is what the source stored after its previous fetch for this watch
	// (ETag, Last-Modified, cursors). Sources return the new state in the result.
	State SourceState
}

// SourceState is opaque per-(watch, source) memory kept between polls.
type SourceState struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// FetchResult is one source's answer.
type FetchResult struct {
	Listings []Listing
	// Each, when set, stands for Listings: it reads the listings and hands
	// them to fn a batch at a time (the batch is fn's only until it
	// returns), so a poll of a large answer holds one batch rather than the
	// whole of it. The poll calls it once, storing each batch in one
	// transaction as it comes; an error of the source's own (a bad record
	// deep in a file) rolls all of it back and fails the source, as an
	// error from Fetch does. An error from fn is returned as it is.
	Each func(ctx context.Context, fn func([]Listing) error) error
	// Warnings are problems the source reported while still answering
	// (eBay's 200 + warnings[]); they are shown in the run's errors but do not
	// make the source failed.
	Warnings []string
	// NotModified is true when a conditional request said nothing changed.
	NotModified bool
	// Complete is true when Listings is everything the source currently offers
	// for the query (no page cap hit), so absent listings may be counted as gone.
	Complete bool
	State    SourceState
}

// QuotaError marks a source that must not be called again until RetryAt.
type QuotaError struct {
	Source  string
	RetryAt time.Time
	Reason  string
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("%s: %s; not calling it again until %s", e.Source, e.Reason, e.RetryAt.UTC().Format(time.RFC3339))
}

// ErrLegalMode is returned when a source spec is forbidden by the legal mode.
var ErrLegalMode = errors.New("source not allowed in this legal mode")

// LegalMode says which kinds of source a user has chosen to use.
type LegalMode string

// Legal modes, from strictest to most permissive.
const (
	LegalAPIOnly LegalMode = "api_only"
	LegalGuided  LegalMode = "guided"
	LegalOff     LegalMode = "off"
)

// LegalModes lists the modes in order.
var LegalModes = []LegalMode{LegalAPIOnly, LegalGuided, LegalOff}

// Source kinds a watch may name.
const (
	KindEbay       = "ebay"
	KindFeed       = "feed"
	KindCraigslist = "craigslist"
	KindFile       = "file"
	KindDemo       = "demo"
	KindManual     = "manual" // listings a user entered by hand (guided mode)
)

// SourceSpec is a parsed source string: "ebay", "ebay:1234,5678",
// "feed:https://…", "craigslist:sfbay", "file:/path", "demo".
type SourceSpec struct {
	Kind string
	Arg  string
}

func (s SourceSpec) String() string {
	if s.Arg == "" {
		return s.Kind
	}
	return s.Kind + ":" + s.Arg
}

// ID is the spec as dealscout shows and stores it (logs, errors, poll
// reports, listings.source, source_state): a feed URL's userinfo and query
// values are masked (MaskURL), and when that hid anything a short hash of
// the whole spec follows in brackets, so two feeds that differ only in a
// hidden part (?q=couch, ?q=chair) stay apart. The hash is 32 bits of
// SHA-256: enough to tell a watch's feeds apart, too little to confirm a
// guessed password. Specs with nothing to hide are their String().
func (s SourceSpec) ID() string {
	raw := s.String()
	if s.Kind != KindFeed {
		return raw
	}
	shown := s.Kind + ":" + MaskURL(s.Arg)
	if shown == raw {
		return raw
	}
	sum := sha256.Sum256([]byte(raw))
	return shown + " [" + hex.EncodeToString(sum[:4]) + "]"
}

// MaskURL hides a URL's userinfo and every query value ("***"), keeping the
// host, path, query keys and fragment readable. Text that is not a URL is
// shown only up to its first '@', '?' or ':' after the scheme.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		scheme, rest, ok := strings.Cut(raw, "://")
		if !ok {
			return "***"
		}
		if i := strings.IndexAny(rest, "@?:"); i >= 0 {
			rest = rest[:i] + "***"
		}
		return scheme + "://" + rest
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			if k, v, ok := strings.Cut(p, "="); ok && v != "" {
				parts[i] = k + "=***"
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	// url.URL.String escapes '*' in userinfo; write it by hand instead.
	out := u.String()
	return strings.Replace(out, "%2A%2A%2A@", "***@", 1)
}

// ParseSourceSpec checks a source string's shape. It does not touch the
// network or the file system.
func ParseSourceSpec(raw string) (SourceSpec, error) {
	raw = strings.TrimSpace(raw)
	kind, arg, _ := strings.Cut(raw, ":")
	spec := SourceSpec{Kind: strings.ToLower(kind), Arg: strings.TrimSpace(arg)}
	switch spec.Kind {
	case KindEbay:
		for _, id := range strings.Split(spec.Arg, ",") {
			if spec.Arg == "" {
				break
			}
			if id == "" || strings.Trim(id, "0123456789") != "" || len(id) > 12 {
				return SourceSpec{}, fmt.Errorf("source %q: eBay category ids are comma-separated numbers, e.g. ebay:38208", raw)
			}
		}
	case KindFeed:
		shown := kind + ":" + MaskURL(spec.Arg) // a feed URL may carry credentials
		if !strings.HasPrefix(spec.Arg, "http://") && !strings.HasPrefix(spec.Arg, "https://") {
			return SourceSpec{}, fmt.Errorf("source %q: feed needs an http(s) URL, e.g. feed:https://example.com/deals.rss", shown)
		}
		if len(spec.Arg) > 2048 {
			return SourceSpec{}, fmt.Errorf("source %q: feed URL is longer than 2048 characters", truncateRunes(shown, 40)+"…")
		}
		if u, err := url.Parse(spec.Arg); err != nil || u.Host == "" || u.Hostname() == "" {
			return SourceSpec{}, fmt.Errorf("source %q: feed URL needs a host, e.g. feed:https://example.com/deals.rss", shown)
		}
	case KindCraigslist:
		if spec.Arg == "" || strings.Trim(strings.ToLower(spec.Arg), "abcdefghijklmnopqrstuvwxyz0123456789") != "" || len(spec.Arg) > 40 {
			return SourceSpec{}, fmt.Errorf("source %q: craigslist needs a site name, e.g. craigslist:sfbay", raw)
		}
		spec.Arg = strings.ToLower(spec.Arg)
	case KindFile:
		if spec.Arg == "" {
			return SourceSpec{}, fmt.Errorf("source %q: file needs a path, e.g. file:/srv/listings.jsonl", raw)
		}
	case KindDemo, KindManual:
		if spec.Arg != "" {
			return SourceSpec{}, fmt.Errorf("source %q: %s takes no argument", raw, spec.Kind)
		}
	default:
		return SourceSpec{}, fmt.Errorf("source %q: unknown kind %q; use ebay, feed:URL, craigslist:SITE, file:PATH or demo", raw, kind)
	}
	return spec, nil
}

// MinLegalMode is the least permissive legal mode that allows the source kind.
func (s SourceSpec) MinLegalMode() LegalMode {
	switch s.Kind {
	case KindCraigslist:
		return LegalOff
	case KindManual:
		return LegalGuided
	}
	return LegalAPIOnly
}

// AllowedIn returns nil when mode permits the source, else an error that says
// which mode would.
func (s SourceSpec) AllowedIn(mode LegalMode) error {
	need := s.MinLegalMode()
	if legalRank(mode) >= legalRank(need) {
		return nil
	}
	return fmt.Errorf("%w: source %q needs DEALSCOUT_LEGAL_MODE=%s (it is %s)", ErrLegalMode, s.String(), need, mode)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

func legalRank(m LegalMode) int {
	for i, x := range LegalModes {
		if x == m {
			return i
		}
	}
	return -1
}
