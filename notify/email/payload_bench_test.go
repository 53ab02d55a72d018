package email

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload: see channeltest.BenchmarkPayload.
func BenchmarkBuildPayload(b *testing.B) {
	channeltest.BenchmarkPayload(b, "email", "Ektorp",
		func(m notify.Message) (string, error) { p, err := buildBody(m); return p.Text + p.HTML, err },
		func(m notify.Message) { _, _ = buildBody(m) })
}
