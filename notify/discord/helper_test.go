package discord

import (
	"net/http"
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// testToken is the webhook token of every test; it must never show in errors.
const testToken = "s3cr3t-webhook-token"

// newTestNotifier returns a notifier posting to the fake provider f.
func newTestNotifier(t *testing.T, f *channeltest.Fake) *Notifier {
	t.Helper()
	n, err := New(Config{HTTPClient: f.Client(), Now: channeltest.Clock}, WebhookURL(f.URL, "123", testToken))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var noContent = channeltest.Reply{Status: http.StatusNoContent}
