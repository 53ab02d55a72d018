package gotify

import (
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// testToken is the application token; it must never show in errors or URLs.
const testToken = "AbCdEf.SecretAppToken"

func newTestNotifier(t *testing.T, f *channeltest.Fake) *Notifier {
	t.Helper()
	n, err := New(Config{HTTPClient: f.Client(), Token: testToken, Now: channeltest.Clock}, f.URL+"/gotify/")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var sent = channeltest.Reply{Status: 200, File: "testdata/answers/sent.json"}
