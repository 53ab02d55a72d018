package telegram

import (
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// testToken is the bot token of every test; it must never show in errors.
const testToken = "123456:AAEsecretBotTokenXYZ"

const testChat = "-1001234567890"

func newTestNotifier(t *testing.T, f *channeltest.Fake) *Notifier {
	t.Helper()
	n, err := New(Config{HTTPClient: f.Client(), APIURL: f.URL, Token: testToken, Now: channeltest.Clock}, testChat)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var sent = channeltest.Reply{Status: 200, File: "testdata/answers/sent.json"}
