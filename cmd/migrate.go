package cmd

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/store"
)

func newMigrateCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "migrate",
		Short: "Manage the database schema (up, down, status, version, redo)",
		Long: `The schema ships inside the binary. poll applies pending migrations by itself unless
DEALSCOUT_AUTO_MIGRATE=false; use these commands to inspect or roll back.`,
	}
	var upTo, downTo int64
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply pending migrations (all, or up to --to N)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := store.Open(cmd.Context(), a.cfg.DBPath, store.Options{Now: a.env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			applied, err := st.Migrate(cmd.Context(), upTo)
			for _, v := range applied {
				fmt.Fprintf(a.stdout(), "applied %05d\n", v)
			}
			if err == nil && len(applied) == 0 {
				fmt.Fprintln(a.stdout(), "no pending migrations")
			}
			return err
		},
	}
	up.Flags().Int64Var(&upTo, "to", 0, "apply up to and including this version")
	down := &cobra.Command{
		Use:   "down",
		Short: "Roll back the newest migration (or down to --to N; --to 0 removes every table)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			to := int64(-1)
			if cmd.Flags().Changed("to") {
				if downTo < 0 {
					return usageError("--to must be 0 or more (got %d)", downTo)
				}
				to = downTo
			}
			st, err := store.Open(cmd.Context(), a.cfg.DBPath, store.Options{Now: a.env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			rolled, err := st.MigrateDown(cmd.Context(), to)
			for _, v := range rolled {
				fmt.Fprintf(a.stdout(), "rolled back %05d\n", v)
			}
			if err == nil && len(rolled) == 0 {
				fmt.Fprintln(a.stdout(), "nothing to roll back")
			}
			return err
		},
	}
	down.Flags().Int64Var(&downTo, "to", 0, "roll back to this version (0 = empty database)")
	var asJSON bool
	status := &cobra.Command{
		Use:   "status",
		Short: "Show each migration as applied (with time) or pending",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := store.Open(cmd.Context(), a.cfg.DBPath, store.Options{Now: a.env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			ms, err := st.MigrationStatuses(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(a.stdout()).Encode(ms)
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tNAME\tSTATE")
			for _, m := range ms {
				state := "pending"
				if m.Applied {
					state = "applied " + m.AppliedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%05d\t%s\t%s\n", m.Version, m.Name, state)
			}
			return tw.Flush()
		},
	}
	status.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	version := &cobra.Command{
		Use:   "version",
		Short: "Print the database's schema version and the newest this binary knows",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := store.Open(cmd.Context(), a.cfg.DBPath, store.Options{Now: a.env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			db, bin, err := st.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout(), "database %d, binary %d\n", db, bin)
			return err
		},
	}
	redo := &cobra.Command{
		Use:   "redo",
		Short: "Roll back the newest migration and apply it again",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := store.Open(cmd.Context(), a.cfg.DBPath, store.Options{Now: a.env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			db, _, err := st.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			if db == 0 {
				return fmt.Errorf("no migration is applied; run `dealscout migrate up`")
			}
			if _, err := st.MigrateDown(cmd.Context(), -1); err != nil {
				return err
			}
			if _, err := st.Migrate(cmd.Context(), db); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout(), "redid %05d\n", db)
			return err
		},
	}
	c.AddCommand(up, down, status, version, redo)
	return c
}
