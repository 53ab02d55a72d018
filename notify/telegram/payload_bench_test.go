package telegram

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload: see channeltest.BenchmarkPayload.
func BenchmarkBuildPayload(b *testing.B) {
	channeltest.BenchmarkPayload(b, "telegram", "Ektorp",
		func(m notify.Message) (string, error) {
			p, err := buildPayload("-1001234567890", m)
			return string(p), err
		},
		func(m notify.Message) { _, _ = buildPayload("-1001234567890", m) })
}
