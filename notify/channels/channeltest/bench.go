package channeltest

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
)

// BenchmarkPayload times one channel's payload building, the work done per
// alert before it is sent, on the sample instant deal alert and the sample
// digest. show builds the payload once as text, to check that it names the
// deal ("Ektorp") or, for the digest, digestWant (the title a short channel
// leads with); run is what is timed.
func BenchmarkPayload(b *testing.B, channel, digestWant string, show func(notify.Message) (string, error), run func(notify.Message)) {
	for _, c := range []struct {
		name, want string
		m          notify.Message
	}{{"deal", "Ektorp", DealMessage()}, {"digest", digestWant, DigestMessage()}} {
		b.Run(c.name, func(b *testing.B) {
			m := c.m
			payload, err := show(m)
			if err != nil {
				b.Fatal(err)
			}
			if !strings.Contains(payload, c.want) {
				b.Fatalf("the %s payload lacks %q: %.300s", channel, c.want, payload)
			}
			b.ReportAllocs()
			for b.Loop() {
				run(m)
			}
		})
	}
}
