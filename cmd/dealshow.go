package cmd

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web"
)

// dealFilters names the filter flags given to `deals`, for the message
// shown when they leave nothing: "the filters --watch couches --free".
func dealFilters(cmd *cobra.Command) string {
	var parts []string
	for _, name := range []string{"watch", "min-score", "source", "free"} {
		f := cmd.Flags().Lookup(name)
		if f == nil || !f.Changed {
			continue
		}
		if f.Value.Type() == "bool" {
			parts = append(parts, "--"+name)
		} else {
			parts = append(parts, "--"+name+" "+f.Value.String())
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "the filters " + strings.Join(parts, " ")
}

func parseListingID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, usageError("%q is not a deal id; use the ID column of `dealscout deals`", s)
	}
	return id, nil
}

func newDealsShowCmd(a *app) *cobra.Command {
	var (
		watch  string
		asJSON bool
	)
	c := &cobra.Command{
		Use:   "show ID",
		Short: "Show a deal as its page does: score in points, comps, profit, price history, the same item elsewhere",
		Long: `show prints everything the deal's page in the web UI shows. ID is the listing's id (the ID column
of ` + "`dealscout deals`" + `); when the listing matched several watches, the best-scoring one is shown unless
--watch names one.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseListingID(args[0])
			if err != nil {
				return err
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			d, err := web.LoadDealDetail(cmd.Context(), st, id, watch, a.now(), a.cfg.SellerMessage)
			if err != nil {
				return notFoundIsUsage(err)
			}
			if asJSON {
				return writeJSON(a.stdout(), d)
			}
			printDealDetail(a.stdout(), d, a.cfg.Location)
			return nil
		},
	}
	c.Flags().StringVar(&watch, "watch", "", "the watch's deal, when the listing matched several")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON (the shape of GET /api/v1/deals/ID)")
	return c
}

func newDealsMarkCmd(a *app) *cobra.Command {
	var watch string
	c := &cobra.Command{
		Use:     "mark ID seen|saved|dismissed|new",
		Short:   "Set a deal's status, as the web UI's save and dismiss buttons do",
		Example: "  dealscout deals mark 42 saved\n  dealscout deals mark 42 dismissed --watch couches",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseListingID(args[0])
			if err != nil {
				return err
			}
			if !store.ValidDealStatus(args[1]) {
				return usageError("%q is not a deal status; use one of %s", args[1], strings.Join(store.DealStatuses, ", "))
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			err = st.MarkDeal(cmd.Context(), id, watch, args[1])
			if errors.Is(err, store.ErrAmbiguous) {
				return withCode(ExitUsage, err)
			}
			if err != nil {
				return notFoundIsUsage(err)
			}
			fmt.Fprintf(a.stdout(), "deal %d marked %s\n", id, args[1])
			return nil
		},
	}
	c.Flags().StringVar(&watch, "watch", "", "the watch's deal, when the listing matched several")
	return c
}

// printDealDetail writes a deal's detail as text, times in loc.
func printDealDetail(out io.Writer, d web.DealDetail, loc *time.Location) {
	when := func(rfc string) string {
		t, err := time.Parse(time.RFC3339, rfc)
		if err != nil {
			return rfc
		}
		return t.In(loc).Format("2006-01-02 15:04 MST")
	}
	price := scout.FormatPrice(d.PriceCents, d.Currency)
	if d.Free {
		price = "FREE"
	}
	fmt.Fprintf(out, "%s\n", d.Title)
	fmt.Fprintf(out, "deal %d · watch %s · %s · status %s\n", d.ID, d.Watch, d.Source, d.Status)
	facts := []string{price, d.Condition, fmt.Sprintf("score %.1f", d.Score)}
	if d.DistanceMi != nil {
		facts = append(facts, fmt.Sprintf("%.0f mi away", *d.DistanceMi))
	}
	fmt.Fprintf(out, "%s · first seen %s\n", strings.Join(facts, " · "), when(d.FirstSeen))
	if d.Verify != "" {
		fmt.Fprintf(out, "VERIFY: %s\n", d.Verify)
	}
	if d.Link != "" {
		fmt.Fprintf(out, "link: %s\n", d.Link)
	}
	if m := d.Market; m.MedianCents > 0 && m.Confidence != scout.ConfidenceNone {
		line := fmt.Sprintf("market value %s from %s (%s confidence)", scout.FormatPrice(m.MedianCents, d.Currency), plural(m.Samples, "comp"), m.Confidence)
		if d.UnderMarket != nil {
			if *d.UnderMarket >= 0 {
				line += fmt.Sprintf("; %.0f%% under it", *d.UnderMarket)
			} else {
				line += fmt.Sprintf("; %.0f%% over it", -*d.UnderMarket)
			}
		}
		fmt.Fprintln(out, line)
	} else {
		fmt.Fprintf(out, "market value unknown (%s; too few)\n", plural(m.Samples, "comp"))
	}
	if d.ProfitCents != nil {
		fmt.Fprintf(out, "estimated profit %s\n", minusPrice(*d.ProfitCents, d.Currency))
	}
	fmt.Fprintln(out, "\nSCORE")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, c := range d.Breakdown {
		pts := math.Round(c.Points*10) / 10
		of := ""
		if c.Max > 0 {
			of = fmt.Sprintf("of %.1f", c.Max)
		}
		fmt.Fprintf(tw, "  %s\t%+.1f\t%s\t%s\n", c.Name, pts, of, c.Reason)
	}
	_ = tw.Flush()
	if len(d.Comps) > 0 {
		fmt.Fprintf(out, "\nCOMPS USED (the %d most recently seen)\n", len(d.Comps))
		tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, c := range d.Comps {
			gone := ""
			if c.Gone {
				gone = "gone"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\n", c.ID, scout.FormatPrice(c.PriceCents, c.Currency), c.Condition, clip(c.Title, 50), gone)
		}
		_ = tw.Flush()
	}
	fmt.Fprintln(out, "\nPRICE HISTORY")
	for _, p := range d.PriceHistory {
		fmt.Fprintf(out, "  %s  %s\n", when(p.SeenAt), scout.FormatPrice(p.PriceCents, p.Currency))
	}
	if len(d.SameItem) > 0 {
		fmt.Fprintln(out, "\nSAME ITEM ELSEWHERE")
		for _, l := range d.SameItem {
			fmt.Fprintf(out, "  %d  %s  %s  %s\n", l.ID, l.Source, scout.FormatPrice(l.PriceCents, l.Currency), l.URL)
		}
	}
	if d.SellerMessage != "" {
		fmt.Fprintf(out, "\nMESSAGE TO THE SELLER\n  %s\n", d.SellerMessage)
	}
}
