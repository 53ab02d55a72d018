package ntfy

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestBuildRequestGolden(t *testing.T) {
	t.Parallel()
	free := channeltest.DealMessage()
	free.Deals[0].Free, free.Deals[0].Title, free.Title = true, "Canapé gratuit", "Free: Canapé gratuit"
	tests := []struct {
		golden string
		msg    notify.Message
	}{
		{"deal.txt", channeltest.DealMessage()},
		{"price_drop.txt", channeltest.DropMessage()},
		{"free_non_ascii.txt", free},
		{"digest.txt", channeltest.DigestMessage()},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			channeltest.Golden(t, tt.golden, requestText(buildRequest(tt.msg)))
		})
	}
}
