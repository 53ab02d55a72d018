package channels

import (
	"context"
	"log/slog"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/render"
)

// KindLog is the log: channel, which writes alerts to dealscout's own log
// (stderr) instead of sending them anywhere: for `demo`, and for trying
// watches out before wiring a real channel.
const KindLog = "log"

func parseLog(raw string) (Target, error) {
	if rest := raw[len("log:"):]; rest != "" {
		return Target{}, invalid("log channel takes nothing after log: (got %q); use log:", clip(rest, 24))
	}
	return Target{Kind: KindLog, Masked: "log:",
		build: func(d Deps) (notify.Notifier, error) { return &logNotifier{log: d.Logger}, nil }}, nil
}

// logNotifier writes each alert as one info line.
type logNotifier struct{ log *slog.Logger }

func (n *logNotifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	if n.log == nil {
		return notify.Receipt{Status: 200, Detail: "no logger"}, nil
	}
	var lines []string
	switch m.Kind {
	case notify.KindDeal:
		if len(m.Deals) > 0 {
			lines = render.DealLines(m.Deals[0])
		}
	case notify.KindDigest:
		lines = render.DigestLines(m)
	default:
		lines = []string{m.Text}
	}
	n.log.LogAttrs(ctx, slog.LevelInfo, "alert: "+m.Title, slog.String("channel", KindLog), slog.String("watch", m.Watch),
		slog.String("kind", m.Kind), slog.String("text", strings.Join(lines, " | ")))
	return notify.Receipt{Status: 200, Detail: "logged"}, nil
}
