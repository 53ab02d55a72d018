package cmd

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/config"
	"github.com/dealscout/dealscout/store"
)

// pruneReport is what `prune --json` prints.
type pruneReport struct {
	store.PruneReport
	OlderThan   string `json:"older_than"`
	VacuumedTo  int64  `json:"vacuumed_to_bytes,omitempty"`
	VacuumFrom  int64  `json:"vacuumed_from_bytes,omitempty"`
	DurationSec string `json:"duration"`
}

func newPruneCmd(a *app) *cobra.Command {
	var (
		olderThan string
		dryRun    bool
		asJSON    bool
		vacuum    bool
	)
	c := &cobra.Command{
		Use:   "prune [--older-than 90d] [--dry-run] [--vacuum] [--json]",
		Short: "Remove gone listings, old price history, poll runs and finished alerts beyond the retention window; never a saved deal",
		Long: `prune removes what the retention window (--older-than, default DEALSCOUT_RETENTION) no longer needs:
listings a source reported gone before the window, with their deals and price history; listings no watch
matches that nobody has seen since; price records older than the window (the last one before it stays, so
each price chart starts at a known price); poll runs and sent or failed alerts from before it. Pending
alerts and every saved deal, with its listing and history, are kept.

It works in short transactions of at most 250 rows, so it is safe while poll or serve run. --dry-run
reports what a real run would remove and changes nothing. The file does not shrink: SQLite reuses the
freed pages for new data; --vacuum rebuilds the file to give them back to the disk, holding the write lock
while it runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			window := a.cfg.Retention
			if cmd.Flags().Changed("older-than") {
				d, err := config.ParseAge(olderThan)
				if err != nil {
					return usageError("--older-than: %v", err)
				}
				window = d
			}
			if window < config.Day {
				return usageError("--older-than must be at least 1d (got %s): a shorter window would remove listings and history the current polls still use", config.FormatAge(window))
			}
			if vacuum && dryRun {
				return usageError("--vacuum cannot be combined with --dry-run")
			}
			if window < a.cfg.CompsWindow {
				a.log.Warn("prune removes gone listings that still count as comparables",
					"older_than", config.FormatAge(window), "comps_window", config.FormatAge(a.cfg.CompsWindow))
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			start := time.Now() // wall time on purpose: this measures, it does not date
			rep, err := st.Prune(cmd.Context(), window, dryRun)
			out := pruneReport{PruneReport: rep, OlderThan: config.FormatAge(window)}
			if err != nil {
				return err
			}
			if vacuum {
				out.VacuumFrom, out.VacuumedTo, err = st.Vacuum(cmd.Context())
				if err != nil {
					return err
				}
			}
			out.DurationSec = time.Since(start).Round(time.Millisecond).String()
			a.log.Info("pruned", "dry_run", dryRun, "older_than", out.OlderThan, "listings", rep.Listings, "deals", rep.Deals,
				"price_history", rep.PriceHistory, "poll_runs", rep.PollRuns, "alerts", rep.Alerts, "duration", out.DurationSec)
			if asJSON {
				return writeJSON(a.stdout(), out)
			}
			return printPrune(a.stdout(), out)
		},
	}
	c.Flags().StringVar(&olderThan, "older-than", "", "retention window: days like 90d, or a duration like 36h (default DEALSCOUT_RETENTION, 90d)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "report what would be removed; change nothing")
	c.Flags().BoolVar(&vacuum, "vacuum", false, "rebuild the file afterwards to return the freed space to the disk (holds the write lock while it runs)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func printPrune(w io.Writer, r pruneReport) error {
	verb := "removed"
	if r.DryRun {
		verb = "would remove (dry run)"
	}
	_, err := fmt.Fprintf(w, `%s, older than %s (before %s):
  listings       %d (with %d deals)
  price records  %d
  poll runs      %d
  alerts         %d
`, verb, r.OlderThan, r.Cutoff.UTC().Format("2006-01-02 15:04 UTC"), r.Listings, r.Deals, r.PriceHistory, r.PollRuns, r.Alerts)
	if err != nil {
		return err
	}
	for t, n := range r.Other {
		fmt.Fprintf(w, "  %-14s %d\n", t, n)
	}
	if r.KeptSaved > 0 {
		fmt.Fprintf(w, "kept %d listing(s) past the window because a deal of theirs is saved\n", r.KeptSaved)
	}
	if r.VacuumedTo > 0 {
		_, err = fmt.Fprintf(w, "vacuumed: the file went from %s to %s (took %s)\n", bytesText(r.VacuumFrom), bytesText(r.VacuumedTo), r.DurationSec)
		return err
	}
	_, err = fmt.Fprintf(w, "database %s, of which %s free for reuse (took %s)\n", bytesText(r.FileBytes), bytesText(r.FreeBytes), r.DurationSec)
	return err
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
