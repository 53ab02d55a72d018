package slack

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
	f := channeltest.NewFake(t, okReply)
	rec, err := newTestNotifier(t, f).Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != http.StatusOK || rec.Detail != "ok" {
		t.Errorf("receipt = %v, want 200 ok", rec)
	}
	req := f.Last(t)
	want, _ := buildPayload(channeltest.DealMessage())
	if req.Path != "/services/T000/B000/"+testSecret || !bytes.Equal(req.Body, want) {
		t.Errorf("request = %s with body\n%s\nwant the webhook path and the payload", req.Path, req.Body)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited honours Retry-After", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "30"}, Body: "rate_limited"},
			channeltest.Failure{Status: 429, RetryAfter: 30 * time.Second}},
		{"rate limited with an HTTP date", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": channeltest.Now.Add(time.Minute).Format(http.TimeFormat)}},
			channeltest.Failure{Status: 429, RetryAfter: time.Minute}},
		{"server error is temporary", channeltest.Reply{Status: 500, Body: "rollup_error"},
			channeltest.Failure{Status: 500}},
		{"invalid payload is permanent", channeltest.Reply{Status: 400, File: "testdata/answers/invalid_payload.txt"},
			channeltest.Failure{Status: 400, Permanent: true}},
		{"deleted webhook is permanent", channeltest.Reply{Status: 404, File: "testdata/answers/no_service.txt"},
			channeltest.Failure{Status: 404, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestNotifier(t, channeltest.NewFake(t, tt.reply)).Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testSecret)
		})
	}
}

func TestSendSucceedsAfterServerError(t *testing.T) {
	t.Parallel()
	n := newTestNotifier(t, channeltest.NewFake(t, channeltest.Reply{Status: 503}, okReply))
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err == nil {
		t.Fatal("first Send succeeded, want the 503 reported")
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatalf("second Send: %v", err)
	}
}

func TestSendNetworkErrorHidesWebhookPath(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, okReply)
	n := newTestNotifier(t, f)
	f.Close()
	_, err := n.Send(context.Background(), channeltest.DealMessage())
	channeltest.CheckFailure(t, err, channeltest.Failure{}, testSecret)
}
