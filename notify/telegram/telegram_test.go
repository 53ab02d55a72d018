package telegram

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestSendPostsPayload(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, sent)
	rec, err := newTestNotifier(t, f).Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Detail != "message_id 4711" {
		t.Errorf("receipt detail = %q, want the message id", rec.Detail)
	}
	req := f.Last(t)
	want, _ := buildPayload(testChat, channeltest.DealMessage())
	if req.Path != "/bot"+testToken+"/sendMessage" || !bytes.Equal(req.Body, want) {
		t.Errorf("request = %s with body\n%s\nwant /botTOKEN/sendMessage and the payload", req.Path, req.Body)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited uses parameters.retry_after", channeltest.Reply{Status: 429, File: "testdata/answers/too_many_requests.json"},
			channeltest.Failure{Status: 429, RetryAfter: 17 * time.Second}},
		{"server error is temporary", channeltest.Reply{Status: 502, Body: "<html>Bad Gateway</html>"},
			channeltest.Failure{Status: 502}},
		{"unknown chat is permanent", channeltest.Reply{Status: 400, File: "testdata/answers/chat_not_found.json"},
			channeltest.Failure{Status: 400, Permanent: true}},
		{"blocked bot is permanent", channeltest.Reply{Status: 403, File: "testdata/answers/blocked.json"},
			channeltest.Failure{Status: 403, Permanent: true}},
		{"a proxy echoing the path is scrubbed", channeltest.Reply{Status: 404, Body: `{"ok":false,"description":"no route /bot` + testToken + `/sendMessage"}`},
			channeltest.Failure{Status: 404, Permanent: true}},
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

// TestSendNetworkErrorHidesToken: http.Client's *url.Error quotes the URL,
// which holds the bot token.
func TestSendNetworkErrorHidesToken(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, sent)
	n := newTestNotifier(t, f)
	f.Close()
	_, err := n.Send(context.Background(), channeltest.DealMessage())
	channeltest.CheckFailure(t, err, channeltest.Failure{}, testToken)
}
