package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web"
)

func newDealsCmd(a *app) *cobra.Command {
	var (
		f      store.DealFilter
		asJSON bool
	)
	c := &cobra.Command{
		Use:   "deals",
		Short: "List matched deals, best first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.MinScore < 0 || f.MinScore > 100 {
				return usageError("--min-score must be between 0 and 100 (got %g)", f.MinScore)
			}
			if f.Limit < 1 || f.Limit > 10000 {
				return usageError("--limit must be between 1 and 10000 (got %d)", f.Limit)
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if f.Watch != "" {
				if _, err := st.Watch(cmd.Context(), f.Watch); err != nil {
					return notFoundIsUsage(err)
				}
			}
			deals, err := st.Deals(cmd.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				out := make([]web.DealJSON, 0, len(deals))
				for _, d := range deals {
					out = append(out, web.NewDealJSON(d))
				}
				return writeJSON(a.stdout(), out)
			}
			printDealsFiltered(a, deals, dealFilters(cmd))
			return nil
		},
	}
	c.AddCommand(newDealsShowCmd(a), newDealsMarkCmd(a))
	fl := c.Flags()
	fl.StringVar(&f.Watch, "watch", "", "only this watch's deals")
	fl.Float64Var(&f.MinScore, "min-score", 0, "only deals scoring at least this")
	fl.StringVar(&f.Source, "source", "", "only deals from this source (ebay, craigslist, demo, or a watch source spec)")
	fl.BoolVar(&f.Free, "free", false, "only free items")
	fl.IntVar(&f.Limit, "limit", 50, "at most this many")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func printDeals(a *app, deals []scout.Deal) {
	printDealsFiltered(a, deals, "")
}

// printDealsFiltered prints deals; filters names the flags that narrowed
// them, so an empty list says whether the filters or the database are empty.
func printDealsFiltered(a *app, deals []scout.Deal, filters string) {
	if len(deals) == 0 {
		if filters != "" {
			fmt.Fprintf(a.stdout(), "no deals match %s; `dealscout deals` without them lists every deal\n", filters)
			return
		}
		fmt.Fprintln(a.stdout(), "no deals yet; run `dealscout poll`")
		return
	}
	tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSCORE\tPRICE\tCONDITION\tDIST\tWATCH\tSOURCE\tTITLE\tFIRST SEEN")
	for _, d := range deals {
		price := scout.FormatPrice(d.Listing.PriceCents, d.Listing.Currency)
		if d.Listing.Free {
			price = "FREE"
		}
		dist := "-"
		if d.DistanceMi != nil {
			dist = fmt.Sprintf("%.0f mi", *d.DistanceMi)
		}
		fmt.Fprintf(tw, "%d\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Listing.ID, d.Score.Total, price, d.Listing.Condition,
			dist, d.Watch, clip(d.Listing.Source, 20), clip(d.Listing.Title, 50), a.showTime(d.FirstSeen))
	}
	_ = tw.Flush()
	if len(deals) > 0 && deals[0].Listing.URL != "" {
		fmt.Fprintf(a.stdout(), "\nbest: %s\n", deals[0].Listing.URL)
	}
}
