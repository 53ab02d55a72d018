package file

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/geo"
)

// record is one listing in the import schema (DESIGN.md §4). Fields outside
// it are ignored, so the original Deal Scout's files load unchanged.
type record struct {
	Source       string   `json:"source"`
	SourceID     string   `json:"source_id"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	PriceCents   *int64   `json:"price_cents"`
	Currency     string   `json:"currency"`
	Condition    string   `json:"condition"`
	Category     string   `json:"category"`
	PostedAt     string   `json:"posted_at"`
	Lat          *float64 `json:"lat"`
	Lng          *float64 `json:"lng"`
	LocationText string   `json:"location_text"`
	URL          string   `json:"url"`
	Images       []string `json:"images"`
	Availability string   `json:"availability"`
}

// Length limits per field, in characters: far above real listings, low
// enough that a wrong file cannot bloat the store.
const (
	maxSourceLen   = 100
	maxIDLen       = 256
	maxTitleLen    = 500
	maxDescLen     = 20_000
	maxShortLen    = 200
	maxURLLen      = 2048
	maxImagesCount = 50
)

type fieldError struct{ field, msg string }

// goneAvailability marks records that are no longer for sale.
var goneAvailability = map[string]bool{"sold": true, "gone": true, "removed": true, "expired": true, "deleted": true}

// listing validates the record and converts it. keep is false for a valid
// record that is no longer for sale.
func (r record) listing() (l scout.Listing, keep bool, ferr *fieldError) {
	l = scout.Listing{
		Source:       strings.TrimSpace(r.Source),
		SourceID:     strings.TrimSpace(r.SourceID),
		Title:        strings.TrimSpace(r.Title),
		Description:  strings.TrimSpace(r.Description),
		Currency:     strings.ToUpper(strings.TrimSpace(r.Currency)),
		Condition:    scout.NormalizeCondition(r.Condition),
		Category:     strings.TrimSpace(r.Category),
		LocationText: strings.TrimSpace(r.LocationText),
		URL:          strings.TrimSpace(r.URL),
		// The schema has no shipping field; unknown is -1.
		ShippingCents: -1,
	}
	if l.Source == "" {
		l.Source = scout.KindFile
	}
	if l.Currency == "" {
		l.Currency = scout.DefaultCurrency
	}
	for _, c := range []struct {
		field, value string
		max          int
		required     bool
	}{
		{"source", l.Source, maxSourceLen, false},
		{"source_id", l.SourceID, maxIDLen, true},
		{"title", l.Title, maxTitleLen, true},
		{"description", l.Description, maxDescLen, false},
		{"category", l.Category, maxShortLen, false},
		{"location_text", l.LocationText, maxShortLen, false},
	} {
		if c.required && c.value == "" {
			return l, false, &fieldError{c.field, "required"}
		}
		if n := utf8.RuneCountInString(c.value); n > c.max {
			return l, false, &fieldError{c.field, fmt.Sprintf("longer than %d characters (got %d)", c.max, n)}
		}
	}

	if r.PriceCents != nil {
		if p := *r.PriceCents; p < 0 || p > scout.MaxPriceCents {
			return l, false, &fieldError{"price_cents", fmt.Sprintf("must be 0–%d (got %d)", scout.MaxPriceCents, p)}
		}
		l.PriceCents, l.PriceKnown = *r.PriceCents, true
		l.Free = l.PriceCents == 0
	}
	if !isCurrencyCode(l.Currency) {
		return l, false, &fieldError{"currency", fmt.Sprintf("must be a 3-letter ISO 4217 code like USD (got %q)", r.Currency)}
	}
	if s := strings.TrimSpace(r.PostedAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return l, false, &fieldError{"posted_at", fmt.Sprintf("must be an RFC 3339 time like 2025-10-20T05:34:07Z (got %q)", r.PostedAt)}
		}
		l.PostedAt = t.UTC()
	}
	if ferr := r.coords(&l); ferr != nil {
		return l, false, ferr
	}
	if l.URL != "" && !isWebURL(l.URL) {
		return l, false, &fieldError{"url", fmt.Sprintf("must be an http(s) URL (got %q)", truncated(l.URL))}
	}
	if len(r.Images) > maxImagesCount {
		return l, false, &fieldError{"images", fmt.Sprintf("at most %d images (got %d)", maxImagesCount, len(r.Images))}
	}
	for i, img := range r.Images {
		img = strings.TrimSpace(img)
		if !isWebURL(img) && !isSitePath(img) {
			return l, false, &fieldError{fmt.Sprintf("images[%d]", i), fmt.Sprintf("must be an http(s) URL or a /path (got %q)", truncated(img))}
		}
		l.Images = append(l.Images, img)
	}
	return l, !goneAvailability[strings.ToLower(strings.TrimSpace(r.Availability))], nil
}

func (r record) coords(l *scout.Listing) *fieldError {
	switch {
	case r.Lat == nil && r.Lng == nil:
		return nil
	case r.Lat == nil:
		return &fieldError{"lat", "missing while lng is given; give both or neither"}
	case r.Lng == nil:
		return &fieldError{"lng", "missing while lat is given; give both or neither"}
	case !geo.ValidPoint(*r.Lat, *r.Lng):
		return &fieldError{"lat/lng", fmt.Sprintf("out of range (got %g, %g); lat is -90..90, lng -180..180", *r.Lat, *r.Lng)}
	}
	l.HasCoords, l.Lat, l.Lng = true, *r.Lat, *r.Lng
	return nil
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func isWebURL(s string) bool {
	if len(s) > maxURLLen {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// isSitePath accepts a root-relative image path ("/static/samples/couch_01.jpg"),
// which the original fixtures use; "//host/x" is a URL in disguise and is not one.
func isSitePath(s string) bool {
	if len(s) > maxURLLen || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == ""
}

func truncated(s string) string {
	if len(s) <= 60 {
		return s
	}
	for i := 60; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return "…"
}
