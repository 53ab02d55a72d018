package channels

import (
	"strings"
	"testing"
)

func TestMaskHidesSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    string
		secrets []string
	}{
		{"discord://123/tokSECRET", "discord://123/***", []string{"tokSECRET"}},
		{"https://discord.com/api/webhooks/123/tokSECRET", "https://discord.com/api/webhooks/123/***", []string{"tokSECRET"}},
		{"telegram://123456:botSECRET/42", "telegram://***/42", []string{"botSECRET", "123456:"}},
		{"pushover://userSECRET@appSECRET", "pushover://***@***", []string{"userSECRET", "appSECRET"}},
		{"gotify+https://host/?token=appSECRET", "gotify+https://host/?token=***", []string{"appSECRET"}},
		{"slack+https://hooks.slack.com/services/T1/B2/hookSECRET", "slack+https://hooks.slack.com/services/***", []string{"T1", "B2", "hookSECRET"}},
		{"ntfy+https://:tk_SECRET@ntfy.sh/deals", "ntfy+https://:***@ntfy.sh/deals", []string{"tk_SECRET"}},
		{"webhook+https://u:pwSECRET@h.example/catch/pathSECRET?sig=qSECRET", "webhook+https://u:***@h.example/***?sig=***", []string{"pwSECRET", "pathSECRET", "qSECRET"}},
		{"mailto:a@x.com,b@y.com", "mailto:a@x.com,b@y.com", nil},
		{"sms:+14155550123", "sms:+14155550123", nil},
		// Invalid URLs keep only their scheme.
		{"telegram://botSECRET", "telegram://***", []string{"botSECRET"}},
		{"pushover://onlySECRET", "pushover://***", []string{"onlySECRET"}},
		{"https://example.com/notdiscord/SECRET", "https://***", []string{"SECRET"}},
		{"foo://SECRET", "***", []string{"SECRET"}},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			got := Mask(tt.raw)
			if got != tt.want {
				t.Errorf("Mask = %q, want %q", got, tt.want)
			}
			for _, s := range tt.secrets {
				if strings.Contains(got, s) {
					t.Errorf("Mask = %q still contains %q", got, s)
				}
			}
		})
	}
}
