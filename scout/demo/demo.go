package demo

import (
	"context"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/geo"
)

// Config configures the demo source.
type Config struct {
	Now func() time.Time
}

// Source serves the demo marketplace.
type Source struct {
	now func() time.Time
}

var _ scout.Source = (*Source)(nil)

// New returns the demo source.
func New(cfg Config) *Source {
	s := &Source{now: cfg.Now}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Fetch returns every listing on offer now, newest first, placed around the
// query's location (San Francisco when it has none). Listings are the same
// for every query: filtering is the pipeline's job.
func (s *Source) Fetch(ctx context.Context, q scout.Query) (scout.FetchResult, error) {
	if err := ctx.Err(); err != nil {
		return scout.FetchResult{}, err
	}
	now := s.now().UTC()
	var around *geo.Point
	if q.HasCoords && geo.ValidPoint(q.Lat, q.Lng) {
		around = &geo.Point{Lat: q.Lat, Lng: q.Lng}
	}
	var out []scout.Listing
	for n := slotAt(now); n >= slotAt(now.Add(-maxLifetime)); n-- {
		it := newItem(n)
		if it.onOffer(now) {
			out = append(out, it.listing(now, around))
		}
	}
	return scout.FetchResult{Listings: out, Complete: true}, nil
}
