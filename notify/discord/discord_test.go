package discord

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestSendPostsPayload(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, noContent)
	n := newTestNotifier(t, f)
	rec, err := n.Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != http.StatusNoContent {
		t.Errorf("receipt status = %d, want 204", rec.Status)
	}
	req := f.Last(t)
	want, _ := buildPayload(channeltest.DealMessage())
	if req.Method != http.MethodPost || req.Path != "/api/webhooks/123/"+testToken+"?wait=false" ||
		req.Header.Get("Content-Type") != "application/json" || !bytes.Equal(req.Body, want) {
		t.Errorf("request = %s %s (%s), body:\n%s\nwant POST /api/webhooks/123/TOKEN?wait=false with the payload", req.Method, req.Path, req.Header.Get("Content-Type"), req.Body)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited uses the body's float seconds", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "2"}, File: "testdata/answers/rate_limited.json"},
			channeltest.Failure{Status: 429, RetryAfter: 1500 * time.Millisecond}},
		{"server error is temporary", channeltest.Reply{Status: 500, Body: "oops"},
			channeltest.Failure{Status: 500}},
		{"unknown webhook is permanent", channeltest.Reply{Status: 404, File: "testdata/answers/unknown_webhook.json"},
			channeltest.Failure{Status: 404, Permanent: true}},
		{"invalid body is permanent", channeltest.Reply{Status: 400, File: "testdata/answers/invalid_form_body.json"},
			channeltest.Failure{Status: 400, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := newTestNotifier(t, channeltest.NewFake(t, tt.reply))
			_, err := n.Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testToken)
		})
	}
}

func TestSendSucceedsAfterServerError(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, channeltest.Reply{Status: 502}, noContent)
	n := newTestNotifier(t, f)
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err == nil {
		t.Fatal("first Send succeeded, want the 502 reported")
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatalf("second Send: %v", err)
	}
}

func TestSendNetworkErrorHidesToken(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, noContent)
	n := newTestNotifier(t, f)
	f.Close()
	_, err := n.Send(context.Background(), channeltest.DealMessage())
	channeltest.CheckFailure(t, err, channeltest.Failure{}, testToken)
}

func TestNewRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"https://discord.com/api/webhooks/123",
		"https://discord.com/api/webhooks//tok",
		"https://discord.com/other/123/tok",
		"ftp://discord.com/api/webhooks/123/tok",
		"https://discord.com/api/webhooks/123/tok/extra",
	} {
		if _, err := New(Config{HTTPClient: http.DefaultClient}, raw); err == nil {
			t.Errorf("New(%q) succeeded, want ErrWebhookURL", raw)
		}
	}
}
