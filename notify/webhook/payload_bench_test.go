package webhook

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload builds the webhook message of an instant deal alert
// and of a digest, the work done per alert before it is sent. Each checks
// once that the best deal's title made it into the payload.
func BenchmarkBuildPayload(b *testing.B) {
	for _, c := range []struct {
		name, want string
		m          notify.Message
	}{{"deal", "Ektorp", channeltest.DealMessage()}, {"digest", "Ektorp", channeltest.DigestMessage()}} {
		b.Run(c.name, func(b *testing.B) {
			m := c.m
			payload, err := buildPayload(m)
			if err != nil {
				b.Fatal(err)
			}
			if !strings.Contains(string(payload), c.want) {
				b.Fatalf("the webhook payload lacks %q: %.300s", c.want, string(payload))
			}
			b.ReportAllocs()
			for b.Loop() {
				_, _ = buildPayload(m)
			}
		})
	}
}
