package cmd

import (
	"context"
	"errors"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web"
)

// schedulerTick is how often serve looks for due watches and due alerts.
const schedulerTick = 30 * time.Second

// maxJitter caps the random-looking delay added to a watch's due time, so
// watches with the same --every do not all hit their sources at once.
const maxJitter = time.Minute

// scheduler is serve's built-in cron: every tick it polls the watches that
// are due, or just delivers due alerts and digests, under the same lock as
// `dealscout poll`, so the two never overlap.
type scheduler struct {
	a       *app
	st      *store.Store
	metrics *web.Metrics
	log     *slog.Logger
	tick    time.Duration
	kick    chan string // "poll now" requests: a watch name, or "" for every active watch
	// heldLogged is set once a skipped round was logged, so a long cron
	// poll is reported once, not every tick.
	heldLogged bool
	// lastPrune is when the daily prune last ran; zero = not yet, so it
	// runs in the first round.
	lastPrune time.Time
}

// pruneEvery is how often serve prunes what DEALSCOUT_RETENTION lets go.
const pruneEvery = 24 * time.Hour

func newScheduler(a *app, st *store.Store, m *web.Metrics) *scheduler {
	return &scheduler{a: a, st: st, metrics: m, log: a.log.With("component", "scheduler"), tick: schedulerTick,
		kick: make(chan string, 8)}
}

// PollNow asks for a poll of watch ("" = every active watch) as soon as
// the scheduler is free. It never blocks.
func (s *scheduler) PollNow(_ context.Context, watch string) error {
	select {
	case s.kick <- watch:
		return nil
	default:
		return errors.New("several polls are already queued; try again in a minute")
	}
}

// Run starts rounds until stop ends. Rounds run under work, so that a
// round in flight when stop ends can finish; ending work abandons it.
func (s *scheduler) Run(stop, work context.Context) {
	if stop.Err() == nil {
		s.round(work, nil)
	}
	t := time.NewTicker(s.tick)
	defer t.Stop()
	for {
		select {
		case <-stop.Done():
			return
		case w := <-s.kick:
			s.round(work, &w)
		case <-t.C:
			s.round(work, nil)
		}
	}
}

// round polls what is due (or what was asked for) and delivers the outbox.
func (s *scheduler) round(ctx context.Context, asked *string) {
	if ctx.Err() != nil {
		return
	}
	o := pollOptions{}
	switch {
	case asked != nil && *asked == "":
		o.all = true
	case asked != nil:
		o.names = []string{*asked}
	default:
		due, err := s.due(ctx)
		if err != nil {
			s.log.Error("listing due watches failed", "error", err)
			return
		}
		o.names = due
	}
	defer s.prune(ctx)
	if !o.all && len(o.names) == 0 {
		s.flush(ctx)
		return
	}
	rep, err := s.a.runPoll(ctx, o)
	if err != nil {
		if !s.skipped(err) && ctx.Err() == nil {
			s.log.Error("poll failed", "error", err)
		}
		return
	}
	s.heldLogged = false
	s.record(ctx, rep)
}

// prune removes, once a day, what the retention window lets go, under the
// poll lock so it never runs beside a poll; a held lock retries next round.
func (s *scheduler) prune(ctx context.Context) {
	now := s.a.now()
	if ctx.Err() != nil || (!s.lastPrune.IsZero() && now.Sub(s.lastPrune) < pruneEvery) {
		return
	}
	lock, err := store.TryLock(s.a.cfg.DBPath)
	if err != nil {
		if !s.skipped(err) {
			s.log.Error("taking the poll lock failed", "error", err)
		}
		return
	}
	defer func() { _ = lock.Release() }()
	s.lastPrune = now
	rep, err := s.st.Prune(ctx, s.a.cfg.Retention, false)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("daily prune failed; it is tried again tomorrow", "error", err)
		}
		return
	}
	s.log.Info("pruned", "listings", rep.Listings, "deals", rep.Deals, "price_history", rep.PriceHistory,
		"poll_runs", rep.PollRuns, "alerts", rep.Alerts, "kept_saved", rep.KeptSaved)
}

// flush delivers due alerts and digests when no watch is due.
func (s *scheduler) flush(ctx context.Context) {
	lock, err := store.TryLock(s.a.cfg.DBPath)
	if err != nil {
		if !s.skipped(err) {
			s.log.Error("taking the poll lock failed", "error", err)
		}
		return
	}
	defer func() { _ = lock.Release() }()
	s.heldLogged = false
	res, err := s.a.dispatcher(s.st).Flush(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.Error("delivering alerts failed", "error", err)
	}
	if res.Sent+res.Retrying+res.Dead > 0 {
		s.log.Info("alerts delivered", "sent", res.Sent, "retrying", res.Retrying, "dead", res.Dead)
	}
}

// skipped reports whether err is the lock held by another poll, logging the
// first of a run of such rounds.
func (s *scheduler) skipped(err error) bool {
	if !errors.Is(err, store.ErrLocked) {
		return false
	}
	s.metrics.RoundSkipped()
	if !s.heldLogged {
		s.log.Info("another dealscout poll holds the lock; skipping scheduled rounds until it finishes")
		s.heldLogged = true
	}
	return true
}

// due lists the active watches whose --every, plus their jitter, has passed
// since their last poll. Never-polled watches are due at once.
func (s *scheduler) due(ctx context.Context) ([]string, error) {
	ws, err := s.st.Watches(ctx)
	if err != nil {
		return nil, err
	}
	return dueWatches(ws, s.a.now()), nil
}

// dueWatches picks the names of the watches due at now.
func dueWatches(ws []scout.Watch, now time.Time) []string {
	var out []string
	for _, w := range ws {
		if w.Paused {
			continue
		}
		if w.LastPolledAt.IsZero() || !now.Before(w.LastPolledAt.Add(w.Every+jitter(w))) {
			out = append(out, w.Name)
		}
	}
	return out
}

// jitter is a delay of up to a tenth of the watch's interval (at most
// maxJitter), fixed for one poll of one watch: derived from its name and
// last poll, so it spreads watches apart without moving between ticks.
func jitter(w scout.Watch) time.Duration {
	span := min(w.Every/10, maxJitter)
	if span <= 0 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(w.Name))
	_, _ = h.Write([]byte(w.LastPolledAt.UTC().Format(time.RFC3339Nano)))
	return time.Duration(h.Sum64() % uint64(span)) // #nosec G115 -- the remainder is below span, at most a minute
}

// record puts a finished run into /metrics.
func (s *scheduler) record(ctx context.Context, rep scout.RunReport) {
	s.metrics.PollFinished(rep.Status)
	for _, w := range rep.Watches {
		for _, src := range w.Sources {
			kind, _, _ := strings.Cut(src.Source, ":")
			s.metrics.SourceFetched(kind, src.Fetched, src.New, src.Status == scout.SourceFailed)
		}
	}
	deals, _, err := s.st.DealsPage(ctx, store.DealQuery{Since: rep.StartedAt.Add(-time.Millisecond), Limit: 10000})
	if err != nil {
		s.log.Warn("reading the run's new deals for metrics failed", "error", err)
		return
	}
	for _, d := range deals {
		s.metrics.DealScored(d.Score.Total)
	}
}
