package slack

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload: see channeltest.BenchmarkPayload.
func BenchmarkBuildPayload(b *testing.B) {
	channeltest.BenchmarkPayload(b, "slack", "Ektorp",
		func(m notify.Message) (string, error) { p, err := buildPayload(m); return string(p), err },
		func(m notify.Message) { _, _ = buildPayload(m) })
}
