package cmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// demoWatches are the sample saved searches `demo` creates over the embedded
// demo source, around San Francisco.
var demoWatches = []struct{ name, query string }{
	{"demo-couches", "sofa"},
	{"demo-bikes", "bike"},
	{"demo-tools", "drill"},
	{"demo-electronics", "tv"},
}

// demoChannel is where a serving demo's alerts go: dealscout's own log.
const demoChannel = "demo-log"

// demoReplays are the past moments a serving demo polls the sample
// marketplace at on a fresh database, oldest first, so that price history,
// price drops and alerts show at once, as on a marketplace watched for days.
var demoReplays = []time.Duration{6 * 24 * time.Hour, 4 * 24 * time.Hour, 2 * 24 * time.Hour, 24 * time.Hour, 6 * time.Hour}

func newDemoCmd(a *app) *cobra.Command {
	var (
		limit                   int
		noServe, insecureNoAuth bool
	)
	c := &cobra.Command{
		Use:   "demo",
		Short: "Try dealscout on embedded sample listings: sample watches, a poll, then the web UI with deals arriving",
		Long: `demo needs no account, key or network. It migrates the database (--db, default dealscout.db), adds
sample watches over the embedded demo source (a living marketplace of several hundred listings around
San Francisco), polls them, and serves the web UI on --addr (DEALSCOUT_ADDR, default 127.0.0.1:8080)
with the scheduler on: the watches are polled every minute, new listings and price drops keep arriving,
and alerts go to the log (channel demo-log). On a fresh database it first replays the last six days of
the sample marketplace, so price history and drops show at once. Ctrl-C stops it.

--no-serve polls once, prints the best deals and exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 1000 {
				return usageError("--limit must be between 1 and 1000 (got %d)", limit)
			}
			serveOpts := serveOptions{insecureNoAuth: insecureNoAuth, scheduler: true}
			if !noServe {
				if err := a.checkAuth(serveOpts); err != nil {
					return err
				}
			}
			added, err := a.addDemoWatches(cmd.Context(), !noServe)
			if err != nil {
				return err
			}
			names := make([]string, len(demoWatches))
			for i, d := range demoWatches {
				names[i] = d.name
			}
			if noServe {
				return a.demoPrint(cmd, added, names, limit)
			}
			if added > 0 {
				if err := a.demoReplay(cmd.Context(), names); err != nil {
					return err
				}
			}
			if _, err := a.runPoll(cmd.Context(), pollOptions{names: names}); err != nil {
				return err
			}
			serveOpts.ready = func(url string) {
				fmt.Fprintf(a.stdout(), "dealscout demo serving on %s\n", url)
				if a.cfg.AdminPassword.Reveal() != "" {
					fmt.Fprintln(a.stdout(), "log in with the password in DEALSCOUT_ADMIN_PASSWORD")
				}
				if added > 0 {
					fmt.Fprintf(a.stdout(), "added %d sample watches (see `dealscout watch list`)\n", added)
				}
				fmt.Fprintln(a.stdout(), "The sample watches are polled every minute; alerts are written to the log. Ctrl-C stops.")
			}
			return a.serve(cmd.Context(), serveOpts)
		},
	}
	f := c.Flags()
	f.IntVar(&limit, "limit", 15, "how many deals to show with --no-serve")
	f.BoolVar(&noServe, "no-serve", false, "poll once, print the best deals and exit instead of serving")
	f.String("addr", "", "HOST:PORT to serve on (env DEALSCOUT_ADDR, default 127.0.0.1:8080)")
	f.BoolVar(&insecureNoAuth, "insecure-no-auth", false, "serve without a login on a non-loopback address")
	return c
}

// addDemoWatches creates the sample watches that are missing and returns how
// many it added. For serving, the watches poll every minute and alert to the
// log channel; existing sample watches are brought to that.
func (a *app) addDemoWatches(ctx context.Context, serving bool) (int, error) {
	lock, err := lockPoll(a)
	if err != nil {
		return 0, err
	}
	defer func() { _ = lock.Release() }()
	st, err := a.store(ctx, true)
	if err != nil {
		return 0, err
	}
	if serving {
		t, err := channels.Parse("log:")
		if err != nil {
			return 0, err
		}
		ch := store.Channel{Name: demoChannel, URL: "log:", Kind: t.Kind}
		if err := st.CreateChannel(ctx, &ch); err != nil && !errors.Is(err, store.ErrConflict) {
			return 0, err
		}
	}
	added := 0
	for _, d := range demoWatches {
		w := scout.NewWatch(d.name)
		w.Query, w.Sources, w.ZIP, w.RadiusMi, w.Every = d.query, []string{scout.KindDemo}, "94105", 50, scout.DefaultEvery
		if serving {
			w.Every, w.Notify = time.Minute, []string{demoChannel}
		}
		if err := w.Validate(a.cfg.LegalMode); err != nil {
			return 0, err
		}
		err := st.CreateWatch(ctx, &w)
		switch {
		case err == nil:
			added++
		case errors.Is(err, store.ErrConflict):
			if serving {
				if err := a.demoServeSettings(ctx, st, d.name); err != nil {
					return 0, err
				}
			}
		default:
			return 0, err
		}
	}
	return added, nil
}

// demoServeSettings makes an existing sample watch poll every minute and
// alert to the log, as a serving demo needs.
func (a *app) demoServeSettings(ctx context.Context, st *store.Store, name string) error {
	w, err := st.Watch(ctx, name)
	if err != nil {
		return err
	}
	if w.Every == time.Minute && slices.Contains(w.Notify, demoChannel) {
		return nil
	}
	w.Every = time.Minute
	if !slices.Contains(w.Notify, demoChannel) {
		w.Notify = append(w.Notify, demoChannel)
	}
	// Only the schedule and channels change, which cannot unmatch a deal.
	_, _, err = st.UpdateWatch(ctx, &w, nil)
	return err
}

// demoReplay polls the sample marketplace as it was at each of demoReplays
// ago, so that the poll at the present that follows, and the pages, show the
// history a real marketplace would have built up: prices that dropped, deals
// that came and went, alerts sent.
func (a *app) demoReplay(ctx context.Context, names []string) error {
	realNow := a.env.Now
	defer func() { a.env.Now = realNow }()
	for _, ago := range demoReplays {
		a.env.Now = func() time.Time { return realNow().Add(-ago) }
		if _, err := a.runPoll(ctx, pollOptions{names: names}); err != nil {
			return err
		}
	}
	return nil
}

// demoPrint is `demo --no-serve`: poll once and print the best deals.
func (a *app) demoPrint(cmd *cobra.Command, added int, names []string, limit int) error {
	if added > 0 {
		fmt.Fprintf(a.stdout(), "added %d sample watches (see `dealscout watch list`)\n", added)
	}
	rep, err := a.runPoll(cmd.Context(), pollOptions{names: names})
	if err != nil {
		return err
	}
	printPollSummary(a, rep)
	st, err := a.store(cmd.Context(), true)
	if err != nil {
		return err
	}
	deals, err := st.Deals(cmd.Context(), store.DealFilter{Source: scout.KindDemo, Limit: limit})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout())
	printDeals(a, deals)
	fmt.Fprintln(a.stdout(), "\nExplain one: dealscout deals show ID    All deals: dealscout deals    The web UI: dealscout demo")
	return nil
}
