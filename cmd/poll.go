package cmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

func newPollCmd(a *app) *cobra.Command {
	var (
		names                                   []string
		all, dryRun, asJSON, noNotify, backfill bool
	)
	c := &cobra.Command{
		Use:   "poll",
		Short: "Fetch new listings for every due watch, score them and send alerts",
		Long: `poll fetches new listings for each watch that is due (its --every has passed since its last poll;
paused watches never), stores and de-duplicates them, tracks prices, scores deals and sends alerts.
Run it from cron; only one poll runs at a time (a second exits 75 at once).

Exit codes: 0 ok, 1 error, 2 bad usage or configuration, 3 some sources failed (the rest were
processed), 75 another poll is running, 130 interrupted by SIGINT, 143 by SIGTERM (what was
stored before the signal is kept and reported).`,
		Example: "  */5 * * * * dealscout --db /var/lib/dealscout/dealscout.db poll",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := a.runPoll(cmd.Context(), pollOptions{names: names, all: all, dryRun: dryRun, noNotify: noNotify, backfill: backfill})
			if in := interruptedBy(cmd.Context()); in != nil {
				if err == nil && asJSON {
					_ = writeJSON(a.stdout(), rep)
				}
				return &interruptedError{in: in, detail: committedSummary(rep, dryRun)}
			}
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(a.stdout(), rep); err != nil {
					return err
				}
			} else {
				printPollSummary(a, rep)
			}
			switch rep.Status {
			case scout.StatusPartial:
				a.exitCode = ExitPartial
			case scout.StatusFailed:
				a.exitCode = ExitError
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringSliceVar(&names, "watch", nil, "poll exactly the watch `NAME`, due or not (repeatable)")
	f.BoolVar(&all, "all", false, "poll every active watch, ignoring the schedule")
	f.BoolVar(&dryRun, "dry-run", false, "fetch, match and score, but store nothing and send nothing")
	f.BoolVar(&asJSON, "json", false, "print the run report as JSON")
	f.BoolVar(&noNotify, "no-notify", false, "queue alerts but do not deliver them now (dealscout notify flush sends them)")
	f.BoolVar(&backfill, "alert-backfill", false, "alert on what a new watch's first poll finds, too")
	return c
}

type pollOptions struct {
	names                           []string
	all, dryRun, noNotify, backfill bool
}

// runPoll takes the lock, picks the watches, runs the pipeline, delivers
// alerts and records the run.
func (a *app) runPoll(ctx context.Context, o pollOptions) (scout.RunReport, error) {
	lock, err := store.TryLock(a.cfg.DBPath)
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return scout.RunReport{}, withCode(ExitLocked, err)
		}
		return scout.RunReport{}, err
	}
	defer func() { _ = lock.Release() }()
	// A poll writes a fetch and reads little: a memory map and a 32 MB page
	// cache cost a poll more resident memory than its listings (every page
	// it touches stays resident: 97 → 74–80 MB for 10,000 new listings,
	// 91–95 → 59–60 MB for their re-poll), for about a tenth more CPU time
	// in an unchanged re-poll.
	a.leanDB = true
	st, err := a.store(ctx, true)
	if err != nil {
		return scout.RunReport{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.PollTimeout)
	defer cancel()
	watches, err := a.pickWatches(ctx, st, o)
	if err != nil {
		return scout.RunReport{}, err
	}
	p := a.poller(st)
	p.Log = slog.New(cutShortFilter{h: a.log.Handler(), ctx: ctx})
	p.DryRun, p.AlertBackfill = o.dryRun, o.backfill
	if f, ok := a.env.Stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.Progress = func(done, total int, watch string) {
			fmt.Fprintf(a.env.Stderr, "\r\033[K[%d/%d] polling %s…", done+1, total, watch)
			if done+1 == total {
				fmt.Fprint(a.env.Stderr, "\r\033[K")
			}
		}
	}
	// A poll with nothing to poll records no run: cron starts one a minute,
	// and its rows would bury the real polls on the health page and cost
	// every such poll its only writes (fsyncs of 2–160 ms on a busy disk).
	// Its report says run_id 0.
	record := !o.dryRun && len(watches) > 0
	var runID int64
	if record {
		if runID, err = st.StartRun(ctx, a.now()); err != nil {
			return scout.RunReport{}, err
		}
	}
	rep := p.Run(ctx, watches)
	rep.RunID = runID
	if in := interruptedBy(ctx); in != nil {
		rep.Errors = append(rep.Errors, in.Error())
	}
	if !o.dryRun && !o.noNotify && ctx.Err() == nil {
		res, err := a.dispatcher(st).Flush(ctx)
		if err != nil {
			rep.Errors = append(rep.Errors, "delivering alerts: "+err.Error()) // printed with the report, once
		}
		byName := map[int64]string{}
		for _, w := range watches {
			byName[w.ID] = w.Name
		}
		for i := range rep.Watches {
			for id, n := range res.SentByWatch {
				if byName[id] == rep.Watches[i].Watch {
					rep.Watches[i].AlertsSent += n
				}
			}
		}
	}
	rep.FinishedAt = a.now()
	if record {
		if err := st.FinishRun(context.WithoutCancel(ctx), rep); err != nil {
			return rep, err
		}
	}
	a.log.Info("poll finished", "run_id", rep.RunID, "status", rep.Status, "watches", len(rep.Watches))
	return rep, nil
}

// committedSummary is what an interrupted poll had stored before the
// signal: each source's listings are committed in one transaction, so the
// counts of the sources that finished are exactly what is in the database.
func committedSummary(rep scout.RunReport, dryRun bool) string {
	if dryRun {
		return "a dry run; nothing was stored"
	}
	var c scout.Counts
	whole := 0
	for _, w := range rep.Watches {
		c.New += w.New
		c.Updated += w.Updated
		c.PriceDrops += w.PriceDrops
		c.AlertsQueued += w.AlertsQueued
		if !slices.ContainsFunc(w.Errors, isCutShort) {
			whole++
		}
	}
	s := fmt.Sprintf("stored before it: %s, %d updated, %s, %s queued (%d of %s polled in full; the rest are polled next time)",
		plural(c.New, "new listing"), c.Updated, plural(c.PriceDrops, "price drop"), plural(c.AlertsQueued, "alert"),
		whole, plural(len(rep.Watches), "watch"))
	if rep.RunID != 0 {
		s += fmt.Sprintf("; run %d recorded", rep.RunID)
	}
	return s
}

// isCutShort recognises the error of a step the run's cancellation stopped.
func isCutShort(msg string) bool {
	return strings.Contains(msg, context.Canceled.Error()) || strings.Contains(msg, "interrupted by")
}

// cutShortFilter drops the "context canceled" warnings of every source and
// step a signal cut short: the command reports the interruption once.
type cutShortFilter struct {
	h   slog.Handler
	ctx context.Context
}

func (f cutShortFilter) Enabled(ctx context.Context, l slog.Level) bool { return f.h.Enabled(ctx, l) }

func (f cutShortFilter) Handle(ctx context.Context, r slog.Record) error {
	if interruptedBy(f.ctx) != nil {
		cut := false
		r.Attrs(func(at slog.Attr) bool {
			if at.Key == "error" && isCutShort(at.Value.String()) {
				cut = true
			}
			return !cut
		})
		if cut {
			return nil
		}
	}
	return f.h.Handle(ctx, r)
}

func (f cutShortFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return cutShortFilter{h: f.h.WithAttrs(as), ctx: f.ctx}
}

func (f cutShortFilter) WithGroup(name string) slog.Handler {
	return cutShortFilter{h: f.h.WithGroup(name), ctx: f.ctx}
}

func (a *app) pickWatches(ctx context.Context, st *store.Store, o pollOptions) ([]scout.Watch, error) {
	if len(o.names) > 0 {
		var out []scout.Watch
		for _, n := range o.names {
			w, err := st.Watch(ctx, n)
			if err != nil {
				return nil, notFoundIsUsage(err)
			}
			out = append(out, w)
		}
		return out, nil
	}
	if !o.all {
		// Most cron runs find nothing due: read only the schedules.
		return st.DueWatches(ctx, a.now())
	}
	ws, err := st.Watches(ctx)
	if err != nil {
		return nil, err
	}
	var out []scout.Watch
	for _, w := range ws {
		if !w.Paused {
			out = append(out, w)
		}
	}
	return out, nil
}

func printPollSummary(a *app, rep scout.RunReport) {
	out := a.stdout()
	if len(rep.Watches) == 0 {
		fmt.Fprintln(out, "no watch is due; `dealscout poll --all` polls them anyway")
		return
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "WATCH\tFETCHED\tMATCHED\tNEW\tUPDATED\tDROPS\tGONE\tQUEUED\tSENT\t")
	for _, w := range rep.Watches {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", w.Watch, w.Fetched, w.Matched, w.New, w.Updated,
			w.PriceDrops, w.Gone, w.AlertsQueued, w.AlertsSent)
	}
	_ = tw.Flush()
	for _, w := range rep.Watches {
		for _, e := range w.Errors {
			fmt.Fprintf(out, "%s: %s\n", w.Watch, e)
		}
	}
	for _, e := range rep.Errors {
		fmt.Fprintln(out, e)
	}
	fmt.Fprintf(out, "run %d: %s in %s\n", rep.RunID, rep.Status, rep.FinishedAt.Sub(rep.StartedAt).Round(time.Millisecond))
}
