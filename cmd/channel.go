package cmd

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

func newChannelCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "channel",
		Short: "Manage alert channels: add, list, rm, test",
		Long: `A channel is a named alert destination; watches refer to channels by name.
Channel URLs:
  mailto:a@x.com[,b@y.com]                    email via DEALSCOUT_SMTP_*
  https://discord.com/api/webhooks/ID/TOKEN   Discord webhook (or discord://ID/TOKEN)
  sms:+14155550123                            SMS via DEALSCOUT_TWILIO_*
  webhook+https://host/path                   signed JSON POST (DEALSCOUT_WEBHOOK_SECRET)
  ntfy+https://host/topic                     ntfy
  telegram://TOKEN/CHAT_ID                    Telegram bot
  slack+https://hooks.slack.com/services/...  Slack incoming webhook
  pushover://USER@TOKEN                       Pushover
  gotify+https://host/?token=APPTOKEN         Gotify`,
	}
	c.AddCommand(newChannelAddCmd(a), newChannelListCmd(a), newChannelRmCmd(a), newChannelTestCmd(a))
	return c
}

func newChannelAddCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "add NAME URL",
		Short: "Add a channel",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, raw := args[0], args[1]
			if err := scout.ValidateName("name", name); err != nil {
				return withCode(ExitUsage, fmt.Errorf("channel: %w", err))
			}
			target, err := channels.Parse(raw)
			if err != nil {
				return usageError("channel %q: %v", name, err)
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			ch := store.Channel{Name: name, URL: raw, Kind: target.Kind}
			if err := st.CreateChannel(cmd.Context(), &ch); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return usageError("%v; remove it first with `dealscout channel rm %s`", err, name)
				}
				return err
			}
			fmt.Fprintf(a.stdout(), "added %s channel %q (%s)\n", ch.Kind, name, channels.Mask(raw))
			return nil
		},
	}
}

// channelJSON is the shape of `channel list --json`; the URL is always masked.
type channelJSON struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	URL       string `json:"url"`
	Failures  int    `json:"failures"`
	LastError string `json:"last_error"`
	LastSent  string `json:"last_sent_at"`
}

func newChannelListCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List channels (secrets in URLs are masked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			chs, err := st.Channels(cmd.Context())
			if err != nil {
				return err
			}
			out := make([]channelJSON, 0, len(chs))
			for _, ch := range chs {
				last := ""
				if !ch.LastSentAt.IsZero() {
					last = fmtTime(ch.LastSentAt)
				}
				out = append(out, channelJSON{Name: ch.Name, Kind: ch.Kind, URL: channels.Mask(ch.URL), Failures: ch.Failures,
					LastError: ch.LastError, LastSent: last})
			}
			if asJSON {
				return writeJSON(a.stdout(), out)
			}
			if len(out) == 0 {
				fmt.Fprintln(a.stdout(), "no channels yet; add one with `dealscout channel add NAME URL`")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tKIND\tURL\tLAST SENT\tFAILURES\tLAST ERROR")
			for i, ch := range out {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", ch.Name, ch.Kind, ch.URL, a.showTime(chs[i].LastSentAt), ch.Failures, clip(ch.LastError, 60))
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newChannelRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove a channel (refused while a watch notifies it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if err := st.DeleteChannel(cmd.Context(), args[0]); err != nil {
				if errors.Is(err, store.ErrInUse) {
					return withCode(ExitUsage, err)
				}
				return notFoundIsUsage(err)
			}
			fmt.Fprintf(a.stdout(), "removed channel %q\n", args[0])
			return nil
		},
	}
}
