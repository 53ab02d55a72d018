package file

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Config configures a file Source.
type Config struct {
	Now    func() time.Time
	Logger *slog.Logger
}

// Source reads listings from the local file named by the query's spec.
type Source struct {
	now func() time.Time
	log *slog.Logger
}

var _ scout.Source = (*Source)(nil)

// New returns a file source.
func New(cfg Config) *Source {
	s := &Source{now: cfg.Now, log: cfg.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Fetch loads the whole file on every poll. The file is the complete offer,
// so a listing removed from it counts as gone.
func (s *Source) Fetch(ctx context.Context, q scout.Query) (scout.FetchResult, error) {
	path := q.Spec.Arg
	if path == "" {
		return scout.FetchResult{}, fmt.Errorf("file: no path given; use file:/path/to/listings.jsonl")
	}
	if err := ctx.Err(); err != nil {
		return scout.FetchResult{}, fmt.Errorf("file: read %s: %w", path, err)
	}
	started := s.now()
	f, err := os.Open(path) // #nosec G304 -- the user names the file in their own watch
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("file: %w", err)
	}
	defer func() { _ = f.Close() }()
	if st, err := f.Stat(); err != nil {
		return scout.FetchResult{}, fmt.Errorf("file: %w", err)
	} else if st.IsDir() {
		return scout.FetchResult{}, fmt.Errorf("file: %s is a directory; name a .json or .jsonl file", path)
	} else if st.Size() > MaxFileBytes {
		return scout.FetchResult{}, fmt.Errorf("file: %s is %d bytes; the limit is %d", path, st.Size(), MaxFileBytes)
	}
	listings, err := Decode(f, path)
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("file: %w", err)
	}
	s.log.DebugContext(ctx, "file loaded", slog.String("watch", q.Watch), slog.String("path", path),
		slog.Int("listings", len(listings)), slog.Duration("took", s.now().Sub(started)))
	return scout.FetchResult{Listings: listings, Complete: true}, nil
}
