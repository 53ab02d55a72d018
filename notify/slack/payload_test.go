package slack

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestBuildPayloadGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		golden string
		msg    notify.Message
	}{
		{"deal.json", channeltest.DealMessage()},
		{"price_drop.json", channeltest.DropMessage()},
		{"digest.json", channeltest.DigestMessage()},
		{"test.json", channeltest.TestMessage()},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			got, err := buildPayload(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			channeltest.Golden(t, tt.golden, got)
		})
	}
}
