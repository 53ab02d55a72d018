package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// verify checks a request the way a Standard Webhooks receiver does.
func verify(t *testing.T, key []byte, req channeltest.Request) {
	t.Helper()
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(req.Header.Get(HeaderID) + "." + req.Header.Get(HeaderTimestamp) + "."))
	mac.Write(req.Body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if got := req.Header.Get(HeaderSignature); got != want {
		t.Errorf("webhook-signature = %q, want %q", got, want)
	}
}

func TestSendSignsRequest(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, accepted)
	if _, err := newTestNotifier(t, f, testSecret).Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatal(err)
	}
	req := f.Last(t)
	want, _ := buildPayload(channeltest.DealMessage())
	if req.Path != testPath || !bytes.Equal(req.Body, want) {
		t.Fatalf("request = %s body\n%s\nwant the path and payload", req.Path, req.Body)
	}
	if req.Header.Get(HeaderID) != "a1b2c3d4" || req.Header.Get(HeaderTimestamp) != strconv.FormatInt(channeltest.Now.Unix(), 10) {
		t.Errorf("webhook-id %q, webhook-timestamp %q; want the message ID and the clock's unix time", req.Header.Get(HeaderID), req.Header.Get(HeaderTimestamp))
	}
	key, _ := base64.StdEncoding.DecodeString(testSecret[len("whsec_"):])
	verify(t, key, req)
}

func TestSendRawSecret(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, accepted)
	if _, err := newTestNotifier(t, f, "plain-secret").Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatal(err)
	}
	verify(t, []byte("plain-secret"), f.Last(t))
}

func TestSendUnsignedWithoutSecret(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, accepted)
	if _, err := newTestNotifier(t, f, "").Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatal(err)
	}
	if sig := f.Last(t).Header.Get(HeaderSignature); sig != "" {
		t.Errorf("webhook-signature = %q without a secret, want none", sig)
	}
}

func TestSendKeepsIDAcrossRetries(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, channeltest.Reply{Status: 500}, accepted)
	n := newTestNotifier(t, f, testSecret)
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err == nil {
		t.Fatal("first Send succeeded, want the 500 reported")
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatalf("second Send: %v", err)
	}
	rs := f.Requests()
	if rs[0].Header.Get(HeaderID) != rs[1].Header.Get(HeaderID) {
		t.Errorf("webhook-id changed between tries: %q then %q", rs[0].Header.Get(HeaderID), rs[1].Header.Get(HeaderID))
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply channeltest.Reply
		want  channeltest.Failure
	}{
		{"rate limited honours Retry-After", channeltest.Reply{Status: 429, Header: map[string]string{"Retry-After": "120"}},
			channeltest.Failure{Status: 429, RetryAfter: 2 * time.Minute}},
		{"server error is temporary", channeltest.Reply{Status: 503, Header: map[string]string{"Retry-After": channeltest.Now.Add(30 * time.Second).Format(http.TimeFormat)}},
			channeltest.Failure{Status: 503, RetryAfter: 30 * time.Second}},
		{"gone is permanent", channeltest.Reply{Status: 410},
			channeltest.Failure{Status: 410, Permanent: true}},
		{"bad request is permanent", channeltest.Reply{Status: 400},
			channeltest.Failure{Status: 400, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := newTestNotifier(t, channeltest.NewFake(t, tt.reply), testSecret).Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, "s3cr3tp4th")
		})
	}
}

func TestSendNetworkErrorHidesPath(t *testing.T) {
	t.Parallel()
	f := channeltest.NewFake(t, accepted)
	n := newTestNotifier(t, f, "")
	f.Close()
	_, err := n.Send(context.Background(), channeltest.DealMessage())
	channeltest.CheckFailure(t, err, channeltest.Failure{}, "s3cr3tp4th")
}

func TestNewRejectsBadSecret(t *testing.T) {
	t.Parallel()
	_, err := New(Config{HTTPClient: http.DefaultClient, Secret: "whsec_not base64!"}, "https://example.com/hook")
	if !errors.Is(err, ErrSecret) {
		t.Errorf("New with a bad whsec_ secret: %v, want ErrSecret", err)
	}
}
