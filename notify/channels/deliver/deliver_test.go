package deliver

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
	"github.com/dealscout/dealscout/outbound"
)

func TestFailureClassifies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		retryAfter string
		want       channeltest.Failure
	}{
		{429, "7", channeltest.Failure{Status: 429, RetryAfter: 7 * time.Second}},
		{503, channeltest.Now.Add(90 * time.Second).Format(http.TimeFormat), channeltest.Failure{Status: 503, RetryAfter: 90 * time.Second}},
		{500, "", channeltest.Failure{Status: 500}},
		{408, "", channeltest.Failure{Status: 408}},
		{400, "5", channeltest.Failure{Status: 400, Permanent: true}},
		{404, "", channeltest.Failure{Status: 404, Permanent: true}},
		{410, "", channeltest.Failure{Status: 410, Permanent: true}},
	}
	for _, tt := range tests {
		a := &Answer{Status: tt.status, Header: http.Header{}}
		if tt.retryAfter != "" {
			a.Header.Set("Retry-After", tt.retryAfter)
		}
		channeltest.CheckFailure(t, Failure("x", a, channeltest.Now, ""), tt.want)
	}
}

// TestTransportDropsURL: *url.Error quotes the URL, which may hold a token.
func TestTransportDropsURL(t *testing.T) {
	t.Parallel()
	err := &url.Error{Op: "Post", URL: "https://api.example.com/botSECRET/send", Err: errors.New("connection refused")}
	got := Transport(context.Background(), "x", err)
	channeltest.CheckFailure(t, got, channeltest.Failure{}, "SECRET")
}

func TestTransportBlockedIsPermanent(t *testing.T) {
	t.Parallel()
	err := &url.Error{Op: "Post", URL: "http://10.0.0.1/", Err: &outbound.BlockedError{Addr: "10.0.0.1:80", Reason: "private"}}
	if !notify.IsPermanent(Transport(context.Background(), "x", err)) {
		t.Error("a refused private address is not permanent")
	}
}

func TestSnippetScrubsAndCuts(t *testing.T) {
	t.Parallel()
	got := Snippet([]byte("bad token SECRET\n"+strings.Repeat("x", 300)), "SECRET")
	if strings.Contains(got, "SECRET") || strings.Contains(got, "\n") || len(got) > 210 {
		t.Errorf("Snippet = %q, want it scrubbed, on one line and cut", got)
	}
}
