package pushover

import (
	"net/url"
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

// The credentials of every test; neither may show in errors.
const (
	testToken = "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
	testUser  = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"
)

func newTestNotifier(t *testing.T, f *channeltest.Fake) *Notifier {
	t.Helper()
	n, err := New(Config{HTTPClient: f.Client(), APIURL: f.URL, Token: testToken, Now: channeltest.Clock}, testUser)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// formJSON shows a form as sorted JSON, for golden files people can read.
func formJSON(t *testing.T, v url.Values) []byte {
	t.Helper()
	b, err := deliver.JSON(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var sent = channeltest.Reply{Status: 200, File: "testdata/answers/sent.json"}
