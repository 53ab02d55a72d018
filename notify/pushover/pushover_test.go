package pushover

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestSendPostsForm(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, sent)
	rec, err := newTestNotifier(t, f).Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Detail != "647d2300-702c-4b38-8b2f-d56326ae460b" {
		t.Errorf("receipt detail = %q, want the request id", rec.Detail)
	}
	req := f.Last(t)
	form, err := url.ParseQuery(string(req.Body))
	if err != nil {
		t.Fatal(err)
	}
	want := buildForm(channeltest.DealMessage())
	want.Set("token", testToken)
	want.Set("user", testUser)
	if req.Path != "/1/messages.json" || form.Encode() != want.Encode() {
		t.Errorf("request = %s with form %v, want /1/messages.json with %v", req.Path, form, want)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited honours Retry-After", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "60"}, Body: `{"status":0,"errors":["message limit reached"]}`},
			channeltest.Failure{Status: 429, RetryAfter: time.Minute}},
		{"server error is temporary", channeltest.Reply{Status: 500},
			channeltest.Failure{Status: 500}},
		{"invalid user is permanent", channeltest.Reply{Status: 400, File: "testdata/answers/invalid_user.json"},
			channeltest.Failure{Status: 400, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestNotifier(t, channeltest.NewFake(t, tt.reply)).Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testToken, testUser)
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
