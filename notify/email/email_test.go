package email

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// parts reads a received multipart/alternative mail into its parts by type.
func parts(t *testing.T, raw []byte) (*mail.Message, map[string]string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, want multipart/alternative", msg.Header.Get("Content-Type"))
	}
	out := map[string]string{}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p) // NextPart decodes quoted-printable
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = strings.ReplaceAll(string(b), "\r\n", "\n") // SMTP lines end in CRLF
	}
	return msg, out
}

func TestSendDeliversBothParts(t *testing.T) {
	t.Parallel()
	f := newFakeSMTP(t)
	n, err := New(f.config(t), []string{testTo})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := n.Send(context.Background(), channeltest.DealMessage())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != 250 {
		t.Errorf("receipt = %v, want 250", rec)
	}
	got := f.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	msg, p := parts(t, got[0])
	want, _ := buildBody(channeltest.DealMessage())
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	if subject != want.Subject || msg.Header.Get("Message-Id") != "<dealscout.a1b2c3d4@example.com>" {
		t.Errorf("Subject %q, Message-ID %q; want %q and one derived from the alert ID", subject, msg.Header.Get("Message-Id"), want.Subject)
	}
	if strings.TrimSpace(p["text/plain"]) != strings.TrimSpace(want.Text) {
		t.Errorf("text part:\n%s\nwant:\n%s", p["text/plain"], want.Text)
	}
	if strings.TrimSpace(p["text/html"]) != strings.TrimSpace(want.HTML) {
		t.Errorf("html part:\n%s\nwant:\n%s", p["text/html"], want.HTML)
	}
}

// TestSendEscapesListingText: the title's "<3 &" arrives escaped in HTML.
func TestSendEscapesListingText(t *testing.T) {
	t.Parallel()
	f := newFakeSMTP(t)
	n, err := New(f.config(t), []string{testTo})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Send(context.Background(), channeltest.DealMessage()); err != nil {
		t.Fatal(err)
	}
	_, p := parts(t, f.received()[0])
	if !strings.Contains(p["text/html"], "sofa &lt;3 &amp; *ottoman*") || strings.Contains(p["text/html"], "sofa <3") {
		t.Errorf("html part does not escape the listing title:\n%s", p["text/html"])
	}
	if !strings.Contains(p["text/html"], `<img src="https://images.example.com/sofa.jpg"`) {
		t.Errorf("html part has no photo:\n%s", p["text/html"])
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		mailErr  error
		rcptErr  error
		want     channeltest.Failure
	}{
		{name: "wrong password is permanent", password: "wrong-password",
			want: channeltest.Failure{Status: 535, Permanent: true}},
		{name: "4xx reply is temporary", password: testPassword,
			mailErr: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"},
			want:    channeltest.Failure{Status: 451}},
		{name: "421 is temporary", password: testPassword,
			mailErr: &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "too busy"},
			want:    channeltest.Failure{Status: 421}},
		{name: "5xx reply is permanent", password: testPassword,
			rcptErr: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"},
			want:    channeltest.Failure{Status: 550, Permanent: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeSMTP(t)
			f.mailErr, f.rcptErr = tt.mailErr, tt.rcptErr
			cfg := f.config(t)
			cfg.Password = tt.password
			n, err := New(cfg, []string{testTo})
			if err != nil {
				t.Fatal(err)
			}
			_, err = n.Send(context.Background(), channeltest.DealMessage())
			channeltest.CheckFailure(t, err, tt.want, testPassword, "wrong-password")
		})
	}
}

// TestSendUntrustedCertificateIsPermanent: without the fake's CA the
// STARTTLS handshake fails, and retrying cannot fix that.
func TestSendUntrustedCertificateIsPermanent(t *testing.T) {
	t.Parallel()
	f := newFakeSMTP(t)
	cfg := f.config(t)
	cfg.TLSConfig = nil
	n, err := New(cfg, []string{testTo})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Send(context.Background(), channeltest.DealMessage())
	channeltest.CheckFailure(t, err, channeltest.Failure{Permanent: true}, testPassword)
}

func TestSendUnreachableIsTemporary(t *testing.T) {
	t.Parallel()
	f := newFakeSMTP(t)
	cfg := f.config(t)
	cfg.Port = 1 // nothing listens there
	n, err := New(cfg, []string{testTo})
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Send(context.Background(), channeltest.DealMessage())
	channeltest.CheckFailure(t, err, channeltest.Failure{}, testPassword)
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	good := Config{Host: "smtp.example.com", From: testFrom}
	tests := []struct {
		name string
		cfg  func(Config) Config
		to   []string
	}{
		{"no host", func(c Config) Config { c.Host = ""; return c }, []string{testTo}},
		{"no sender", func(c Config) Config { c.From = ""; return c }, []string{testTo}},
		{"unknown TLS mode", func(c Config) Config { c.TLS = "ssl3"; return c }, []string{testTo}},
		{"no recipients", func(c Config) Config { return c }, nil},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg(good), tt.to); err == nil {
			t.Errorf("%s: New succeeded, want an error", tt.name)
		}
	}
}
