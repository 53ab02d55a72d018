package slack

import (
	"net/http"
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// testSecret is the webhook path's last segment; it must never show in errors.
const testSecret = "XXXXsecretXXXX"

func newTestNotifier(t *testing.T, f *channeltest.Fake) *Notifier {
	t.Helper()
	n, err := New(Config{HTTPClient: f.Client(), Now: channeltest.Clock}, f.URL+"/services/T000/B000/"+testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var okReply = channeltest.Reply{Status: http.StatusOK, Body: "ok"}
