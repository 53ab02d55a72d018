package ntfy

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestSendPublishes(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, sent)
	rec, err := newTestNotifier(t, f, Config{}).Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Detail != "sPs71M8A2T" {
		t.Errorf("receipt detail = %q, want the message id", rec.Detail)
	}
	req := f.Last(t)
	wantHeader, wantBody := buildRequest(channeltest.DealMessage())
	if req.Path != "/deals" || !bytes.Equal(req.Body, wantBody) || req.Header.Get("Title") != wantHeader.Get("Title") || req.Header.Get("Click") != wantHeader.Get("Click") {
		t.Errorf("request = %s Title %q Click %q body\n%s\nwant the topic path, headers and body", req.Path, req.Header.Get("Title"), req.Header.Get("Click"), req.Body)
	}
}

func TestSendAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"token", Config{Token: testToken}, "Bearer " + testToken},
		{"basic", Config{Username: "phil", Password: "pw"}, "Basic cGhpbDpwdw=="},
		{"none", Config{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := channeltest.NewFake(t, sent)
			if _, err := newTestNotifier(t, f, tt.cfg).Send(context.Background(), channeltest.TestMessage()); err != nil {
				t.Fatal(err)
			}
			if got := f.Last(t).Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited honours Retry-After", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "10"}, File: "testdata/answers/too_many_requests.json"},
			channeltest.Failure{Status: 429, RetryAfter: 10 * time.Second}},
		{"server error is temporary", channeltest.Reply{Status: 500},
			channeltest.Failure{Status: 500}},
		{"forbidden is permanent", channeltest.Reply{Status: 403, File: "testdata/answers/forbidden.json"},
			channeltest.Failure{Status: 403, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestNotifier(t, channeltest.NewFake(t, tt.reply), Config{Token: testToken}).Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testToken)
		})
	}
}

func TestSendSucceedsAfterServerError(t *testing.T) {
	t.Parallel()
	n := newTestNotifier(t, channeltest.NewFake(t, channeltest.Reply{Status: 500}, sent), Config{})
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err == nil {
		t.Fatal("first Send succeeded, want the 500 reported")
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatalf("second Send: %v", err)
	}
}
