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
	// StreamAbove is the file size above which a poll reads the file a
	// batch at a time, storing each as it comes, instead of holding all its
	// listings; default DefaultStreamAbove.
	StreamAbove int64
}

// DefaultStreamAbove: a file up to 16 MiB (about 30,000 listings, some
// 25 MB once decoded) is held whole, and priced against its newest listings;
// a larger one is read a batch at a time, and each batch priced against the
// listings read so far, so a poll of 100,000 listings stays within a small
// server's memory.
const DefaultStreamAbove int64 = 16 << 20

// Source reads listings from the local file named by the query's spec.
type Source struct {
	now         func() time.Time
	log         *slog.Logger
	streamAbove int64
}

var _ scout.Source = (*Source)(nil)

// New returns a file source.
func New(cfg Config) *Source {
	s := &Source{now: cfg.Now, log: cfg.Logger, streamAbove: cfg.StreamAbove}
	if s.streamAbove <= 0 {
		s.streamAbove = DefaultStreamAbove
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Fetch reads the whole file on every poll: at once when it is small, a
// batch at a time (FetchResult.Each) when it is larger than StreamAbove. The
// file is the complete offer, so a listing removed from it counts as gone.
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
	st, err := f.Stat()
	switch {
	case err != nil:
		return scout.FetchResult{}, fmt.Errorf("file: %w", err)
	case st.IsDir():
		return scout.FetchResult{}, fmt.Errorf("file: %s is a directory; name a .json or .jsonl file", path)
	case st.Size() > MaxFileBytes:
		return scout.FetchResult{}, fmt.Errorf("file: %s is %d bytes; the limit is %d", path, st.Size(), MaxFileBytes)
	case st.Size() > s.streamAbove:
		return scout.FetchResult{Each: s.each(path, st), Complete: true}, nil
	}
	listings, err := Decode(f, path)
	if err != nil {
		return scout.FetchResult{}, fmt.Errorf("file: %w", err)
	}
	s.log.DebugContext(ctx, "file loaded", slog.String("watch", q.Watch), slog.String("path", path),
		slog.Int("listings", len(listings)), slog.Duration("took", s.now().Sub(started)))
	return scout.FetchResult{Listings: listings, Complete: true}, nil
}

// each reads the file at path a batch at a time, as long as it is still
// the file Fetch found: a file replaced or rewritten since is an error (the
// next poll reads the new one).
func (s *Source) each(path string, found os.FileInfo) func(context.Context, func([]scout.Listing) error) error {
	return func(ctx context.Context, fn func([]scout.Listing) error) error {
		f, err := os.Open(path) // #nosec G304 -- the user names the file in their own watch
		if err != nil {
			return fmt.Errorf("file: %w", err)
		}
		defer func() { _ = f.Close() }()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("file: %w", err)
		}
		if !os.SameFile(st, found) || st.Size() != found.Size() || !st.ModTime().Equal(found.ModTime()) {
			return fmt.Errorf("file: %s changed while it was being polled; the next poll reads it again", path)
		}
		batch := make([]scout.Listing, 0, scout.BatchSize)
		var fnErr error
		err = DecodeEach(f, path, func(l scout.Listing) error {
			batch = append(batch, l)
			if len(batch) < scout.BatchSize {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			fnErr = fn(batch)
			batch = batch[:0]
			return fnErr
		})
		if fnErr != nil {
			return fnErr
		}
		if err != nil {
			return fmt.Errorf("file: %w", err)
		}
		if len(batch) > 0 {
			return fn(batch)
		}
		return nil
	}
}
