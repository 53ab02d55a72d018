package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

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

func newDemoCmd(a *app) *cobra.Command {
	var limit int
	c := &cobra.Command{
		Use:   "demo",
		Short: "Try dealscout on embedded sample listings: create sample watches, poll them, show the best deals",
		Long: `demo needs no account, key or network. It migrates the database (--db, default dealscout.db),
adds sample watches over the embedded demo source (a living feed of several hundred listings around
San Francisco), polls them and prints the best deals. Run it again later: new listings appear over time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 || limit > 1000 {
				return usageError("--limit must be between 1 and 1000 (got %d)", limit)
			}
			lock, err := lockPoll(a)
			if err != nil {
				return err
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				_ = lock.Release()
				return err
			}
			added := 0
			for _, d := range demoWatches {
				w := scout.NewWatch(d.name)
				w.Query, w.Sources, w.ZIP, w.RadiusMi, w.Every = d.query, []string{scout.KindDemo}, "94105", 50, scout.DefaultEvery
				if err := w.Validate(a.cfg.LegalMode); err != nil {
					_ = lock.Release()
					return err
				}
				err := st.CreateWatch(cmd.Context(), &w)
				switch {
				case err == nil:
					added++
				case errors.Is(err, store.ErrConflict):
				default:
					_ = lock.Release()
					return err
				}
			}
			_ = lock.Release()
			if added > 0 {
				fmt.Fprintf(a.stdout(), "added %d sample watches (see `dealscout watch list`)\n", added)
			}
			names := make([]string, len(demoWatches))
			for i, d := range demoWatches {
				names[i] = d.name
			}
			rep, err := a.runPoll(cmd.Context(), pollOptions{names: names})
			if err != nil {
				return err
			}
			printPollSummary(a, rep)
			deals, err := st.Deals(cmd.Context(), store.DealFilter{Source: scout.KindDemo, Limit: limit})
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout())
			printDeals(a, deals)
			fmt.Fprintln(a.stdout(), "\nExplain one: dealscout score --listing ID --explain    All deals: dealscout deals")
			return nil
		},
	}
	c.Flags().IntVar(&limit, "limit", 15, "how many deals to show")
	return c
}
