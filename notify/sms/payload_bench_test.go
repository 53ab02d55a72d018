package sms

import (
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload: see channeltest.BenchmarkPayload.
func BenchmarkBuildPayload(b *testing.B) {
	channeltest.BenchmarkPayload(b, "sms", "loveseat",
		func(m notify.Message) (string, error) { return buildBody(m), nil },
		func(m notify.Message) { _ = buildBody(m) })
}
