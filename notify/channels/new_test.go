package channels

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
	"github.com/dealscout/dealscout/notify/discord"
	"github.com/dealscout/dealscout/notify/email"
	"github.com/dealscout/dealscout/notify/gotify"
	"github.com/dealscout/dealscout/notify/ntfy"
	"github.com/dealscout/dealscout/notify/pushover"
	"github.com/dealscout/dealscout/notify/slack"
	"github.com/dealscout/dealscout/notify/sms"
	"github.com/dealscout/dealscout/notify/telegram"
	"github.com/dealscout/dealscout/notify/webhook"
)

// fullDeps has every setting, so each channel can be built.
func fullDeps() Deps {
	return Deps{
		HTTPClient: http.DefaultClient, Now: channeltest.Clock,
		SMTPHost: "smtp.example.com", SMTPFrom: "alerts@example.com",
		TwilioSID: "AC1", TwilioToken: "tok", TwilioFrom: "+15005550006",
	}
}

func TestNewBuildsEachKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want any
	}{
		{"mailto:a@x.com", &email.Notifier{}},
		{"discord://1/t", &discord.Notifier{}},
		{"https://discord.com/api/webhooks/1/t", &discord.Notifier{}},
		{"sms:+14155550123", &sms.Notifier{}},
		{"webhook+https://example.com/h", &webhook.Notifier{}},
		{"ntfy+https://ntfy.sh/t", &ntfy.Notifier{}},
		{"telegram://1:a/2", &telegram.Notifier{}},
		{"slack+https://hooks.slack.com/services/a", &slack.Notifier{}},
		{"pushover://u@t", &pushover.Notifier{}},
		{"gotify+https://g.example/?token=t", &gotify.Notifier{}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			n, err := New(tt.raw, fullDeps())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprintf("%T", n), fmt.Sprintf("%T", tt.want); got != want {
				t.Errorf("New built a %s, want a %s", got, want)
			}
		})
	}
}

func TestNewNamesMissingSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		deps func(Deps) Deps
		want string
	}{
		{"sms without Twilio", "sms:+14155550123", func(d Deps) Deps { d.TwilioSID, d.TwilioToken = "", ""; return d },
			"set DEALSCOUT_TWILIO_ACCOUNT_SID, DEALSCOUT_TWILIO_AUTH_TOKEN"},
		{"email without server", "mailto:a@x.com", func(d Deps) Deps { d.SMTPHost = ""; return d }, "set DEALSCOUT_SMTP_HOST"},
		{"email without sender", "mailto:a@x.com", func(d Deps) Deps { d.SMTPFrom = ""; return d }, "set DEALSCOUT_SMTP_FROM"},
		{"email user without password", "mailto:a@x.com", func(d Deps) Deps { d.SMTPUsername = "u"; return d }, "DEALSCOUT_SMTP_PASSWORD"},
		{"email bad TLS mode", "mailto:a@x.com", func(d Deps) Deps { d.SMTPTLS = "ssl"; return d }, "DEALSCOUT_SMTP_TLS"},
		{"bad webhook secret", "webhook+https://example.com/h", func(d Deps) Deps { d.WebhookSecret = "whsec_!!"; return d }, "DEALSCOUT_WEBHOOK_SECRET"},
		{"no HTTP client", "discord://1/t", func(d Deps) Deps { d.HTTPClient = nil; return d }, "HTTPClient"},
		{"invalid URL", "foo:bar", func(d Deps) Deps { return d }, "unknown channel URL scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.raw, tt.deps(fullDeps()))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestNewErrorHidesSecrets: errors name the channel by its masked URL.
func TestNewErrorHidesSecrets(t *testing.T) {
	t.Parallel()
	d := fullDeps()
	d.HTTPClient = nil
	_, err := New("telegram://1:SECRET/2", d)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("New error = %v, want one without the token", err)
	}
}

// TestNewLogsSends: with a Logger each send is logged with the masked URL.
func TestNewLogsSends(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, channeltest.Reply{Status: 200, Body: "ok"})
	var buf bytes.Buffer
	d := fullDeps()
	d.HTTPClient = f.Client()
	d.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n, err := New("slack+"+f.URL+"/services/T1/B1/hookSECRET", d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Send(context.Background(), channeltest.TestMessage()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "alert sent") || strings.Contains(buf.String(), "hookSECRET") {
		t.Errorf("log = %q, want an \"alert sent\" line without the webhook path", buf.String())
	}
}
