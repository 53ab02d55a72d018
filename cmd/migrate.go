package cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

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
	var redoYes bool
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
			if cmd.Flags().Changed("to") {
				if _, bin, err := st.SchemaVersion(cmd.Context()); err != nil {
					return err
				} else if upTo < 1 || upTo > bin {
					return usageError("--to must be between 1 and %d, the newest migration this dealscout knows (got %d)", bin, upTo)
				}
			}
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
	up.Flags().Int64Var(&upTo, "to", 0, "apply up to and including version `N`")
	var yes bool
	down := &cobra.Command{
		Use:   "down",
		Short: "Roll back the newest migration (or down to --to N; --to 0 removes every table); backs up first",
		Long: `down drops the tables of the migrations it rolls back, with their data. It asks first on a
terminal and needs --yes otherwise, and it backs the database up to DB.pre-migrate-down-<time>
before it changes anything.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			to := int64(-1)
			if cmd.Flags().Changed("to") {
				if downTo < 0 {
					return usageError("--to must be 0 or more (got %d)", downTo)
				}
				to = downTo
			}
			serving, err := excludeServe(a)
			if err != nil {
				return err
			}
			defer func() { _ = serving.Release() }()
			st, err := store.Open(cmd.Context(), a.cfg.DBPath, store.Options{Now: a.env.Now})
			if err != nil {
				return err
			}
			defer st.Close()
			if _, bin, err := st.SchemaVersion(cmd.Context()); err != nil {
				return err
			} else if to > bin {
				return usageError("--to must be between 0 and %d, the newest migration this dealscout knows (got %d)", bin, to)
			}
			if ok, err := a.confirmRollback(cmd, st, "migrate down", to, yes); !ok || err != nil {
				return err
			}
			rolled, err := st.MigrateDown(cmd.Context(), to)
			for _, v := range rolled {
				fmt.Fprintf(a.stdout(), "rolled back %05d\n", v)
			}
			return err
		},
	}
	down.Flags().Int64Var(&downTo, "to", 0, "roll back to version `N` (0 = empty database)")
	down.Flags().BoolVar(&yes, "yes", false, "roll back without asking (needed when not on a terminal)")
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
					state = "applied " + a.showTime(m.AppliedAt)
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
			serving, err := excludeServe(a)
			if err != nil {
				return err
			}
			defer func() { _ = serving.Release() }()
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
			if ok, err := a.confirmRollback(cmd, st, "migrate redo", -1, redoYes); !ok || err != nil {
				return err
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
	redo.Flags().BoolVar(&redoYes, "yes", false, "redo without asking (needed when not on a terminal)")
	c.AddCommand(up, down, status, version, redo)
	return c
}

// confirmRollback says what a rollback to version to (-1 = the newest only)
// would drop, asks on a terminal or needs yes, and backs the database up
// before it returns true. It returns false with no error when there is
// nothing to roll back, having said so.
func (a *app) confirmRollback(cmd *cobra.Command, st *store.Store, what string, to int64, yes bool) (bool, error) {
	ctx := cmd.Context()
	ms, err := st.MigrationStatuses(ctx)
	if err != nil {
		return false, err
	}
	var doomed []string
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		if !m.Applied || (to >= 0 && m.Version <= to) {
			continue
		}
		doomed = append(doomed, fmt.Sprintf("%05d", m.Version))
		if to < 0 {
			break
		}
	}
	if len(doomed) == 0 {
		fmt.Fprintln(a.stdout(), "nothing to roll back")
		return false, nil
	}
	damage := fmt.Sprintf("%s rolls back %s on %s, dropping %s and their data", what, plural(len(doomed), "migration"),
		a.cfg.DBPath, "the tables they created")
	if to == 0 {
		damage = fmt.Sprintf("%s rolls back every migration on %s: every table and all its data goes", what, a.cfg.DBPath)
	}
	damage += " (" + strings.Join(doomed, ", ") + ")"
	if !yes {
		if !a.env.Terminal {
			return false, usageError("%s; run it again with --yes to confirm (a backup is taken first)", damage)
		}
		fmt.Fprintf(a.stdout(), "%s.\nA backup is taken first. Continue? [y/N] ", damage)
		line, _ := bufio.NewReader(a.env.Stdin).ReadString('\n')
		if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
			fmt.Fprintln(a.stdout())
			return false, fmt.Errorf("%s: not confirmed; nothing rolled back", what)
		}
	} else {
		fmt.Fprintln(a.stdout(), damage)
	}
	backup := a.userPath(a.cfg.DBPath) + ".pre-migrate-down-" + a.now().Format("20060102T150405Z")
	if err := st.Backup(ctx, backup); err != nil {
		return false, fmt.Errorf("%s: backing up first: %w; nothing rolled back", what, err)
	}
	fmt.Fprintf(a.stdout(), "backed up %s to %s (mode 0600); `dealscout restore %s` undoes the rollback\n", a.cfg.DBPath, backup, backup)
	return true, nil
}
