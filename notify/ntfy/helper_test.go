package ntfy

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// testToken is the access token of the tests; it must never show in errors.
const testToken = "tk_secretaccesstoken0123456789"

func newTestNotifier(t *testing.T, f *channeltest.Fake, cfg Config) *Notifier {
	t.Helper()
	cfg.HTTPClient, cfg.Now = f.Client(), channeltest.Clock
	n, err := New(cfg, f.URL+"/deals")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// requestText shows headers (sorted) and body the way an HTTP request reads.
func requestText(h http.Header, body []byte) []byte {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + ": " + strings.Join(h[k], ", ") + "\n")
	}
	b.WriteString("\n")
	b.Write(body)
	b.WriteString("\n")
	return []byte(b.String())
}

var sent = channeltest.Reply{Status: 200, File: "testdata/answers/sent.json"}
