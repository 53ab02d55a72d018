package gotify

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestSendPostsPayloadWithKeyHeader(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, sent)
	rec, err := newTestNotifier(t, f).Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Detail != "id 25" {
		t.Errorf("receipt detail = %q, want id 25", rec.Detail)
	}
	req := f.Last(t)
	want, _ := buildPayload(channeltest.DealMessage())
	if req.Path != "/gotify/message" || req.Header.Get("X-Gotify-Key") != testToken || !bytes.Equal(req.Body, want) {
		t.Errorf("request = %s key %q body\n%s\nwant /gotify/message, the token header and the payload", req.Path, req.Header.Get("X-Gotify-Key"), req.Body)
	}
	if strings.Contains(req.Path, testToken) {
		t.Errorf("the token is in the request URL %q", req.Path)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited honours Retry-After", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "5"}},
			channeltest.Failure{Status: 429, RetryAfter: 5 * time.Second}},
		{"server error is temporary", channeltest.Reply{Status: 500},
			channeltest.Failure{Status: 500}},
		{"bad token is permanent", channeltest.Reply{Status: 401, File: "testdata/answers/unauthorized.json"},
			channeltest.Failure{Status: 401, Permanent: true}},
		{"bad request is permanent", channeltest.Reply{Status: 400, File: "testdata/answers/bad_request.json"},
			channeltest.Failure{Status: 400, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestNotifier(t, channeltest.NewFake(t, tt.reply)).Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testToken)
		})
	}
}

func TestSendSucceedsAfterServerError(t *testing.T) {
	t.Parallel()
	n := newTestNotifier(t, channeltest.NewFake(t, channeltest.Reply{Status: 500}, sent))
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err == nil {
		t.Fatal("first Send succeeded, want the 500 reported")
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatalf("second Send: %v", err)
	}
}
