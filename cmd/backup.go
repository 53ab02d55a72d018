package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/store"
)

func newBackupCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent, checked snapshot of the database to FILE (mode 0600)",
		Long:  "backup is safe while poll or serve run: it copies one consistent snapshot and checks it before renaming it into place.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.checkOutput(args[0]); err != nil {
				return err
			}
			st, err := a.store(cmd.Context(), false)
			if err != nil {
				return err
			}
			if err := st.Backup(cmd.Context(), a.userPath(args[0])); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout(), "backed up %s to %s (integrity ok)\n", a.cfg.DBPath, args[0])
			return nil
		},
	}
}

func newRestoreCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database with a backup (refused, exit 75, while serve or a poll runs)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			serving, err := excludeServe(a)
			if err != nil {
				return err
			}
			defer func() { _ = serving.Release() }()
			lock, err := lockPoll(a)
			if err != nil {
				return err
			}
			defer func() { _ = lock.Release() }()
			kept, err := store.Restore(cmd.Context(), a.userPath(args[0]), a.userPath(a.cfg.DBPath), a.now())
			if errors.Is(err, store.ErrNotBackup) {
				return withCode(ExitUsage, err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout(), "restored %s from %s\n", a.cfg.DBPath, args[0])
			if kept != "" {
				fmt.Fprintf(a.stdout(), "the database it replaced is kept as %s (mode 0600); delete it when you no longer need it\n", kept)
			}
			return nil
		},
	}
}
