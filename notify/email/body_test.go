package email

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestBuildBodyGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		msg  notify.Message
	}{
		{"deal", channeltest.DealMessage()},
		{"price_drop", channeltest.DropMessage()},
		{"digest", channeltest.DigestMessage()},
		{"test", channeltest.TestMessage()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := buildBody(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			channeltest.Golden(t, tt.name+".txt", []byte("Subject: "+b.Subject+"\n\n"+b.Text))
			channeltest.Golden(t, tt.name+".html", []byte(b.HTML))
		})
	}
}

// TestBuildBodyNeutralisesLinks: a listing URL with a script scheme must not
// become a clickable link.
func TestBuildBodyNeutralisesLinks(t *testing.T) {
	t.Parallel()
	m := channeltest.DealMessage()
	m.Deals[0].URL = "javascript:alert(1)"
	b, err := buildBody(m)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.HTML, "javascript:") {
		t.Errorf("HTML contains the javascript: URL:\n%s", b.HTML)
	}
}
