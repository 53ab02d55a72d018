package sms

import (
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// The Twilio credentials of every test; the token must never show in errors.
const (
	testSID   = "AC00000000000000000000000000000000"
	testToken = "twilio-auth-token-0123456789abcdef"
	testFrom  = "+15005550006"
	testTo    = "+14155550123"
)

func newTestNotifier(t *testing.T, f *channeltest.Fake) *Notifier {
	t.Helper()
	cfg := Config{HTTPClient: f.Client(), APIURL: f.URL, AccountSID: testSID, AuthToken: testToken, From: testFrom, Now: channeltest.Clock}
	n, err := New(cfg, testTo)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var queued = channeltest.Reply{Status: 201, File: "testdata/answers/queued.json"}
