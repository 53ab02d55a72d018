package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

// The fake server's account; the password must never show in errors.
const (
	testUser     = "alerts@example.com"
	testPassword = "smtp-s3cret-password"
	testFrom     = "dealscout <alerts@example.com>"
	testTo       = "buyer@example.org"
)

// fakeSMTP is a go-smtp server offering STARTTLS and PLAIN auth (only after
// STARTTLS), recording what it receives. mailErr and rcptErr script failures.
type fakeSMTP struct {
	addr    string
	caPool  *x509.CertPool
	mailErr error
	rcptErr error

	mu       sync.Mutex
	messages [][]byte
	rcpts    []string
}

func newFakeSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	cert, pool := selfSignedCert(t)
	f := &fakeSMTP{caPool: pool}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &fakeSession{f: f}, nil }))
	s.Domain = "localhost"
	s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.ReadTimeout, s.WriteTimeout = 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = l.Addr().String()
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return f
}

// config returns a Config for the fake, trusting its certificate.
func (f *fakeSMTP) config(t *testing.T) Config {
	t.Helper()
	host, port, _ := net.SplitHostPort(f.addr)
	p, _ := strconv.Atoi(port)
	return Config{
		Host: host, Port: p, Username: testUser, Password: testPassword, From: testFrom,
		TLS: TLSStartTLS, Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: f.caPool, MinVersion: tls.VersionTLS12},
		Now: channeltest.Clock,
	}
}

func (f *fakeSMTP) received() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.messages...)
}

type fakeSession struct {
	f      *fakeSMTP
	authed bool
}

func (s *fakeSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *fakeSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != testUser || pass != testPassword {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *fakeSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return s.f.mailErr
}

func (s *fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.f.rcptErr != nil {
		return s.f.rcptErr
	}
	s.f.mu.Lock()
	s.f.rcpts = append(s.f.rcpts, to)
	s.f.mu.Unlock()
	return nil
}

func (s *fakeSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.f.mu.Lock()
	s.f.messages = append(s.f.messages, b)
	s.f.mu.Unlock()
	return nil
}

func (s *fakeSession) Reset()        {}
func (s *fakeSession) Logout() error { return nil }

// selfSignedCert makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fake smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
