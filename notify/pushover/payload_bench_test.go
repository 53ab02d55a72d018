package pushover

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload: see channeltest.BenchmarkPayload.
func BenchmarkBuildPayload(b *testing.B) {
	channeltest.BenchmarkPayload(b, "pushover", "Ektorp",
		func(m notify.Message) (string, error) { return buildForm(m).Encode(), nil },
		func(m notify.Message) { _ = buildForm(m) })
}
