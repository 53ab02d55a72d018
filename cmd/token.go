package cmd

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

func newTokenCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "Manage API bearer tokens: create, list, revoke",
		Long: `API clients send "Authorization: Bearer TOKEN" to serve's /api/v1/. A token is shown once, when it
is created; only its SHA-256 hash is stored, so a lost token cannot be recovered: revoke it and create
another.`,
	}
	c.AddCommand(newTokenCreateCmd(a), newTokenListCmd(a), newTokenRevokeCmd(a))
	return c
}

func newTokenCreateCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:     "create NAME",
		Short:   "Create an API token and print it (the only time it is shown)",
		Example: "  dealscout token create phone-shortcut",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := scout.ValidateName("name", args[0]); err != nil {
				return withCode(ExitUsage, fmt.Errorf("token: %w", err))
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			tok, t, err := st.CreateToken(cmd.Context(), args[0])
			if errors.Is(err, store.ErrConflict) {
				return withCode(ExitUsage, err)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout(), map[string]any{"name": t.Name, "token": tok, "created_at": t.CreatedAt.Format(time.RFC3339)})
			}
			fmt.Fprintln(a.stdout(), tok)
			fmt.Fprintf(a.env.Stderr, "created token %q; copy it now, it is not shown again. Use it as: Authorization: Bearer TOKEN\n", t.Name)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the token and its name as JSON")
	return c
}

func newTokenListCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List API tokens (names and use, never the tokens)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			ts, err := st.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				type tokenJSON struct {
					Name     string  `json:"name"`
					Created  string  `json:"created_at"`
					LastUsed *string `json:"last_used_at"`
				}
				out := make([]tokenJSON, 0, len(ts))
				for _, t := range ts {
					j := tokenJSON{Name: t.Name, Created: t.CreatedAt.Format(time.RFC3339)}
					if !t.LastUsedAt.IsZero() {
						s := t.LastUsedAt.Format(time.RFC3339)
						j.LastUsed = &s
					}
					out = append(out, j)
				}
				return writeJSON(a.stdout(), out)
			}
			if len(ts) == 0 {
				fmt.Fprintln(a.stdout(), "no API tokens; create one with `dealscout token create NAME`")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCREATED\tLAST USED")
			for _, t := range ts {
				used := "never"
				if !t.LastUsedAt.IsZero() {
					used = t.LastUsedAt.In(a.cfg.Location).Format("2006-01-02 15:04 MST")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.CreatedAt.In(a.cfg.Location).Format("2006-01-02 15:04 MST"), used)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newTokenRevokeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke an API token; requests using it fail from now on",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if err := st.RevokeToken(cmd.Context(), args[0]); err != nil {
				return notFoundIsUsage(err)
			}
			fmt.Fprintf(a.stdout(), "revoked token %q\n", args[0])
			return nil
		},
	}
}
