package ntfy

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload: see channeltest.BenchmarkPayload.
func BenchmarkBuildPayload(b *testing.B) {
	channeltest.BenchmarkPayload(b, "ntfy", "Ektorp",
		func(m notify.Message) (string, error) { _, p := buildRequest(m); return string(p), nil },
		func(m notify.Message) { _, _ = buildRequest(m) })
}
