package pushover

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// BenchmarkBuildPayload builds the pushover message of an instant deal alert
// and of a digest, the work done per alert before it is sent. Each checks
// once that the best deal's title made it into the payload.
func BenchmarkBuildPayload(b *testing.B) {
	for _, c := range []struct {
		name, want string
		m          notify.Message
	}{{"deal", "Ektorp", channeltest.DealMessage()}, {"digest", "Ektorp", channeltest.DigestMessage()}} {
		b.Run(c.name, func(b *testing.B) {
			m := c.m
			payload := buildForm(m)
			if !strings.Contains(payload.Encode(), c.want) {
				b.Fatalf("the pushover payload lacks %q: %.300s", c.want, payload.Encode())
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = buildForm(m)
			}
		})
	}
}
