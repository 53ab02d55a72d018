package channels

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, kind, masked string
	}{
		{"mailto:a@x.com", KindEmail, "mailto:a@x.com"},
		{"mailto:a@x.com, b@y.org", KindEmail, "mailto:a@x.com,b@y.org"},
		{"discord://123456/tok-EN_1", KindDiscord, "discord://123456/***"},
		{"https://discord.com/api/webhooks/123456/tok-EN_1", KindDiscord, "https://discord.com/api/webhooks/123456/***"},
		{"https://ptb.discord.com/api/webhooks/123456/tok", KindDiscord, "https://ptb.discord.com/api/webhooks/123456/***"},
		{"sms:+14155550123", KindSMS, "sms:+14155550123"},
		{"webhook+https://hooks.example.com/in/abc123secret?key=k3y", KindWebhook, "webhook+https://hooks.example.com/***?key=***"},
		{"webhook+http://127.0.0.1:9000", KindWebhook, "webhook+http://127.0.0.1:9000"},
		{"webhook+https://bob:pw123456@example.com/hook", KindWebhook, "webhook+https://bob:***@example.com/***"},
		{"ntfy+https://ntfy.sh/couch-deals", KindNtfy, "ntfy+https://ntfy.sh/couch-deals"},
		{"ntfy+https://:tk_abc123@ntfy.example.com/deals", KindNtfy, "ntfy+https://:***@ntfy.example.com/deals"},
		{"ntfy+http://phil:pw@10.0.0.2:8080/sub/deals", KindNtfy, "ntfy+http://phil:***@10.0.0.2:8080/sub/deals"},
		{"telegram://123456:AAE-secret_1/-1001234567890", KindTelegram, "telegram://***/-1001234567890"},
		{"telegram://123456:AAEsecret/@dealchannel", KindTelegram, "telegram://***/@dealchannel"},
		{"slack+https://hooks.slack.com/services/T000/B000/XXXX", KindSlack, "slack+https://hooks.slack.com/services/***"},
		{"pushover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi", KindPushover, "pushover://***@***"},
		{"gotify+https://push.example.com/?token=AbC.123", KindGotify, "gotify+https://push.example.com/?token=***"},
		{"gotify+http://push.example.com/gotify?token=AbC", KindGotify, "gotify+http://push.example.com/gotify?token=***"},
		{"DISCORD://1/t", KindDiscord, "discord://1/***"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Kind != tt.kind || got.Masked != tt.masked {
				t.Errorf("Parse = {%s %s}, want {%s %s}", got.Kind, got.Masked, tt.kind, tt.masked)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, wantMsg string
	}{
		{"unknown scheme", "foo://bar", `unknown channel URL scheme "foo"; use mailto:, discord://`},
		{"no scheme", "just-text", "has no scheme"},
		{"empty", "", "empty"},
		{"too long", "webhook+https://example.com/" + strings.Repeat("a", 2048), "the limit is 2048"},
		{"control character", "mailto:a@x.com\nBcc:evil@x.com", "control character"},
		{"bad email", "mailto:not-an-address", "is not an email address"},
		{"named email", "mailto:Bob <bob@x.com>", "is not an email address"},
		{"empty address", "mailto:a@x.com,,b@y.com", "empty address"},
		{"mailto query", "mailto:a@x.com?subject=hi", "only addresses"},
		{"discord no token", "discord://123", "token is missing"},
		{"discord bad id", "discord://abc/tok", "ID must be digits"},
		{"plain https", "https://example.com/hook", "webhook+https://"},
		{"discord url with user", "https://u:p@discord.com/api/webhooks/1/t", "user:password"},
		{"sms not E.164", "sms:4155550123", "not E.164"},
		{"sms with spaces", "sms:+1 415 555 0123", "not E.164"},
		{"webhook ftp", "webhook+ftp://example.com/x", "unknown channel URL scheme"},
		{"webhook no host", "webhook+https:///path", "no host"},
		{"ntfy no topic", "ntfy+https://ntfy.sh/", "topic is missing"},
		{"ntfy empty token", "ntfy+https://:@ntfy.sh/t", "token is missing"},
		{"telegram no token", "telegram:///-100123", "bot token is missing"},
		{"telegram bad token", "telegram://nocolon/-100123", "bot token is malformed"},
		{"telegram no chat", "telegram://123:abc/", "chat ID is missing"},
		{"slack no path", "slack+https://hooks.slack.com/", "path is missing"},
		{"pushover no token", "pushover://user@", "application token is missing"},
		{"pushover no user", "pushover://@token", "user key is missing"},
		{"gotify no token", "gotify+https://push.example.com/", "app token is missing"},
		{"gotify extra query", "gotify+https://push.example.com/?token=a&x=1", "only ?token="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.raw)
			if !errors.Is(err, ErrInvalidURL) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Parse(%q) error = %v, want ErrInvalidURL saying %q", tt.raw, err, tt.wantMsg)
			}
		})
	}
}

// TestParseErrorsHideSecrets: a malformed token must not be echoed back.
func TestParseErrorsHideSecrets(t *testing.T) {
	t.Parallel()
	for raw, secret := range map[string]string{
		"telegram://123456:SECRETTOKEN!/chat!": "SECRETTOKEN",
		"discord://123/SECRET$TOKEN":           "SECRET",
		"pushover://USERKEY@TOKEN!!":           "USERKEY",
		"gotify+https://h/?token=SECRET$$":     "SECRET",
	} {
		_, err := Parse(raw)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%q) error = %v, want an error without %q", raw, err, secret)
		}
	}
}

func TestKind(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"mailto:a@x.com":                     KindEmail,
		"https://discord.com/api/webhooks/1": KindDiscord,
		"https://example.com/":               "",
		"ntfy+https://ntfy.sh/t":             KindNtfy,
		"webhook+http://x":                   KindWebhook,
		"telegram://x":                       KindTelegram,
		"foo:bar":                            "",
		"nothing":                            "",
	} {
		if got := Kind(raw); got != want {
			t.Errorf("Kind(%q) = %q, want %q", raw, got, want)
		}
	}
}
