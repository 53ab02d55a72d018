package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/store"
)

func newNotifyCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "notify", Short: "Deliver queued alerts and due digests"}
	c.AddCommand(&cobra.Command{
		Use:   "flush",
		Short: "Deliver every pending alert and every digest that is due",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Take the poll lock so a poll's own delivery and this one never send the same alert twice.
			lock, err := store.TryLock(a.cfg.DBPath)
			if err != nil {
				if errors.Is(err, store.ErrLocked) {
					return withCode(ExitLocked, err)
				}
				return err
			}
			defer func() { _ = lock.Release() }()
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			res, err := a.dispatcher(st).Flush(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout(), "sent %d, retrying %d, dead %d, held by rate limit %d\n", res.Sent, res.Retrying, res.Dead, res.Held)
			return nil
		},
	})
	return c
}

func newAlertsCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "alerts", Short: "Inspect and retry alerts"}
	var failed, asJSON bool
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List recent alerts (--failed: only dead ones)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			f := store.AlertFilter{Limit: limit}
			if failed {
				f.Status = store.AlertDead
			}
			as, err := st.Alerts(cmd.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				type alertJSON struct {
					ID        int64  `json:"id"`
					Watch     string `json:"watch"`
					ListingID int64  `json:"listing_id"`
					Channel   string `json:"channel"`
					Reason    string `json:"reason"`
					Status    string `json:"status"`
					Attempts  int    `json:"attempts"`
					NextAt    string `json:"next_attempt_at"`
					LastError string `json:"last_error"`
					CreatedAt string `json:"created_at"`
				}
				out := make([]alertJSON, 0, len(as))
				for _, x := range as {
					out = append(out, alertJSON{x.ID, x.Watch, x.ListingID, x.Channel, x.Reason, x.Status, x.Attempts,
						x.NextAttemptAt.UTC().Format(time.RFC3339), x.LastError, x.CreatedAt.UTC().Format(time.RFC3339)})
				}
				return writeJSON(a.stdout(), out)
			}
			if len(as) == 0 {
				fmt.Fprintln(a.stdout(), "no alerts")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tCHANNEL\tREASON\tWATCH\tATTEMPTS\tCREATED\tLAST ERROR")
			for _, x := range as {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", x.ID, x.Status, x.Channel, x.Reason, x.Watch, x.Attempts,
					a.showTime(x.CreatedAt), clip(x.LastError, 60))
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&failed, "failed", false, "only alerts that gave up (dead)")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	list.Flags().IntVar(&limit, "limit", 100, "at most `N` alerts (1 or more)")
	list.PreRunE = func(*cobra.Command, []string) error {
		if limit < 1 {
			return usageError("--limit must be 1 or more (got %d)", limit)
		}
		return nil
	}
	retry := &cobra.Command{
		Use:   "retry ID",
		Short: "Queue a dead alert again (delivered by the next poll or `notify flush`)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id < 1 {
				return usageError("alert id must be a positive number (got %q); see `dealscout alerts list --failed`", args[0])
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if err := st.RetryAlert(cmd.Context(), id); err != nil {
				return notFoundIsUsage(err)
			}
			fmt.Fprintf(a.stdout(), "alert %d queued again\n", id)
			return nil
		},
	}
	c.AddCommand(list, retry)
	return c
}

func newChannelTestCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "test NAME",
		Short: "Send a real test message through a channel and print the provider's answer",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			ch, err := st.Channel(cmd.Context(), args[0])
			if err != nil {
				return notFoundIsUsage(err)
			}
			n, err := channels.New(ch.URL, a.channelDeps())
			if err != nil {
				return usageError("channel %q: %v", ch.Name, err)
			}
			now := a.now()
			m := notify.SystemMessage(notify.KindTest, "", "dealscout test message",
				fmt.Sprintf("This is a test from dealscout at %s. If you can read it, channel %q works.", now.Format(time.RFC1123), ch.Name), now)
			m.ID = notify.MessageID(fmt.Sprintf("test|%s|%d", ch.Name, now.UnixNano()))
			receipt, err := n.Send(cmd.Context(), m)
			if err != nil {
				return fmt.Errorf("channel %q (%s): %w", ch.Name, channels.Mask(ch.URL), err)
			}
			fmt.Fprintf(a.stdout(), "sent to %s: provider answered %s\n", channels.Mask(ch.URL), receipt)
			return nil
		},
	}
}
