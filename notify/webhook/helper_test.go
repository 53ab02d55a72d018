package webhook

import (
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// testSecret is a Standard Webhooks secret: "whsec_" + base64 of the key.
const (
	testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testPath   = "/hooks/catch/s3cr3tp4th"
)

func newTestNotifier(t *testing.T, f *channeltest.Fake, secret string) *Notifier {
	t.Helper()
	n, err := New(Config{HTTPClient: f.Client(), Secret: secret, Now: channeltest.Clock}, f.URL+testPath)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var accepted = channeltest.Reply{Status: 202}
