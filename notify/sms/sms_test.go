package sms

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestSendQueuesMessage(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, queued)
	rec, err := newTestNotifier(t, f).Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != 201 || rec.Detail != "SM1f0e8ae6ade43cb3c0ce4525424e404f" {
		t.Errorf("receipt = %v, want 201 and the message sid", rec)
	}
	req := f.Last(t)
	form, _ := url.ParseQuery(string(req.Body))
	want := url.Values{"To": {testTo}, "From": {testFrom}, "Body": {buildBody(channeltest.DealMessage())}}
	if req.Path != "/2010-04-01/Accounts/"+testSID+"/Messages.json" || form.Encode() != want.Encode() {
		t.Errorf("request = %s form %v, want the Messages path and %v", req.Path, form, want)
	}
	user, pass, ok := (&http.Request{Header: req.Header}).BasicAuth()
	if !ok || user != testSID || pass != testToken {
		t.Errorf("basic auth = %q/%q, want the SID and token", user, pass)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited honours Retry-After", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "1"}, File: "testdata/answers/too_many_requests.json"},
			channeltest.Failure{Status: 429, RetryAfter: time.Second}},
		{"server error is temporary", channeltest.Reply{Status: 500},
			channeltest.Failure{Status: 500}},
		{"invalid number is permanent", channeltest.Reply{Status: 400, File: "testdata/answers/invalid_number.json"},
			channeltest.Failure{Status: 400, Permanent: true}},
		{"bad credentials are permanent", channeltest.Reply{Status: 401, File: "testdata/answers/authenticate.json"},
			channeltest.Failure{Status: 401, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestNotifier(t, channeltest.NewFake(t, tt.reply)).Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testToken)
		})
	}
}

// TestSendErrorNamesTwilioCode: the Twilio code is what users look up.
func TestSendErrorNamesTwilioCode(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, channeltest.Reply{Status: 400, File: "testdata/answers/invalid_number.json"})
	_, err := newTestNotifier(t, f).Send(context.Background(), channeltest.DealMessage())
	if err == nil || !strings.Contains(err.Error(), "21211") {
		t.Errorf("error = %v, want it to name Twilio code 21211", err)
	}
}

func TestSendSucceedsAfterServerError(t *testing.T) {
	t.Parallel()
	n := newTestNotifier(t, channeltest.NewFake(t, channeltest.Reply{Status: 503}, queued))
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err == nil {
		t.Fatal("first Send succeeded, want the 503 reported")
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatalf("second Send: %v", err)
	}
}
