package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newConfigCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration (secrets masked) and where each value came from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			entries := a.cfg.Entries()
			if asJSON {
				return writeJSON(a.stdout(), entries)
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
			for _, e := range entries {
				from := string(e.Origin)
				if e.ReadFrom != "" {
					from += ", read from " + e.ReadFrom
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Key, e.Value, from)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
