package channels

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/discord"
	"github.com/dealscout/dealscout/notify/email"
	"github.com/dealscout/dealscout/notify/sms"
	"github.com/dealscout/dealscout/notify/webhook"
)

// Deps are the process-wide settings channels are built from.
type Deps struct {
	HTTPClient *http.Client     // the outbound client (SSRF guard, limits); required for HTTP channels
	Now        func() time.Time // default time.Now
	Logger     *slog.Logger     // when set, every send is logged at debug level with the masked URL

	// mailto: (DEALSCOUT_SMTP_*)
	SMTPHost      string
	SMTPPort      int // default by TLS mode: 587, 465, 25
	SMTPUsername  string
	SMTPPassword  string
	SMTPFrom      string
	SMTPTLS       string        // "starttls" (default), "tls" or "none"
	SMTPTimeout   time.Duration // whole SMTP session; default 30s
	SMTPTLSConfig *tls.Config   // tests: trust a fake server's certificate

	// sms: (DEALSCOUT_TWILIO_*)
	TwilioAPIURL string // default https://api.twilio.com
	TwilioSID    string
	TwilioToken  string
	TwilioFrom   string // sender number or Messaging Service SID (MG…)

	DiscordAPIURL  string // discord://ID/TOKEN goes here; default https://discord.com
	TelegramAPIURL string // default https://api.telegram.org
	PushoverAPIURL string // default https://api.pushover.net
	WebhookSecret  string // DEALSCOUT_WEBHOOK_SECRET; empty sends unsigned webhooks

	// TrustRoots, when set, is called before a channel is built: the binary
	// hands crypto/x509 its fallback CA roots then, not at start-up, so a
	// process that sends nothing does not parse them (cmd/roots.go).
	TrustRoots func()
}

var errNoHTTPClient = errors.New("channels: Deps.HTTPClient is nil")

// New parses raw and builds its notifier. A channel whose settings are
// missing fails with the environment variables to set.
func New(raw string, deps Deps) (notify.Notifier, error) {
	t, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.TrustRoots != nil {
		deps.TrustRoots()
	}
	n, err := t.build(deps)
	if err != nil {
		return nil, fmt.Errorf("%s channel %s: %w", t.Kind, t.Masked, err)
	}
	if deps.Logger == nil {
		return n, nil
	}
	return &logged{next: n, kind: t.Kind, target: t.Masked, log: deps.Logger}, nil
}

func newEmail(d Deps, to []string) (notify.Notifier, error) {
	var missing []string
	if d.SMTPHost == "" {
		missing = append(missing, "DEALSCOUT_SMTP_HOST")
	}
	if d.SMTPFrom == "" {
		missing = append(missing, "DEALSCOUT_SMTP_FROM")
	}
	if d.SMTPUsername != "" && d.SMTPPassword == "" {
		missing = append(missing, "DEALSCOUT_SMTP_PASSWORD")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("email needs an SMTP server: set %s", strings.Join(missing, ", "))
	}
	n, err := email.New(email.Config{
		Host: d.SMTPHost, Port: d.SMTPPort, Username: d.SMTPUsername, Password: d.SMTPPassword,
		From: d.SMTPFrom, TLS: d.SMTPTLS, Timeout: d.SMTPTimeout, TLSConfig: d.SMTPTLSConfig, Now: d.Now,
	}, to)
	if errors.Is(err, email.ErrTLSMode) {
		return nil, fmt.Errorf("DEALSCOUT_SMTP_TLS must be starttls, tls or none")
	}
	return n, err
}

func newSMS(d Deps, to string) (notify.Notifier, error) {
	var missing []string
	if d.TwilioSID == "" {
		missing = append(missing, "DEALSCOUT_TWILIO_ACCOUNT_SID")
	}
	if d.TwilioToken == "" {
		missing = append(missing, "DEALSCOUT_TWILIO_AUTH_TOKEN")
	}
	if d.TwilioFrom == "" {
		missing = append(missing, "DEALSCOUT_TWILIO_FROM")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("sms needs a Twilio account: set %s", strings.Join(missing, ", "))
	}
	if d.HTTPClient == nil {
		return nil, errNoHTTPClient
	}
	return sms.New(sms.Config{
		HTTPClient: d.HTTPClient, APIURL: d.TwilioAPIURL, AccountSID: d.TwilioSID,
		AuthToken: d.TwilioToken, From: d.TwilioFrom, Now: d.Now,
	}, to)
}

func newDiscord(d Deps, webhookURL string) (notify.Notifier, error) {
	if d.HTTPClient == nil {
		return nil, errNoHTTPClient
	}
	n, err := discord.New(discord.Config{HTTPClient: d.HTTPClient, Now: d.Now}, webhookURL)
	if err != nil {
		return nil, errors.New("DEALSCOUT_DISCORD_API_URL is not an http(s) URL") // the only way a parsed target fails
	}
	return n, nil
}

func newWebhook(d Deps, endpoint string) (notify.Notifier, error) {
	if d.HTTPClient == nil {
		return nil, errNoHTTPClient
	}
	n, err := webhook.New(webhook.Config{HTTPClient: d.HTTPClient, Secret: d.WebhookSecret, Now: d.Now}, endpoint)
	if errors.Is(err, webhook.ErrSecret) {
		return nil, errors.New("DEALSCOUT_WEBHOOK_SECRET starts with whsec_ but the rest is not base64")
	}
	return n, err
}

// logged logs each send at debug level; errors are the dispatcher's to
// report, so they are not logged above debug here.
type logged struct {
	next   notify.Notifier
	kind   string
	target string // masked
	log    *slog.Logger
}

func (l *logged) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	rec, err := l.next.Send(ctx, m)
	attrs := []slog.Attr{
		slog.String("channel", l.kind), slog.String("target", l.target),
		slog.String("message_id", m.ID), slog.String("kind", m.Kind),
	}
	if err != nil {
		l.log.LogAttrs(ctx, slog.LevelDebug, "alert not sent", append(attrs, slog.Any("error", err))...)
	} else {
		l.log.LogAttrs(ctx, slog.LevelDebug, "alert sent", append(attrs, slog.String("receipt", rec.String()))...)
	}
	return rec, err
}
