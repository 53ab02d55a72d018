package email

import (
	"context"
	"crypto/tls"
	"errors"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "email"

// TLS modes of Config.TLS.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only for a relay on a trusted network
)

// Sentinel errors of New.
var (
	ErrNoHost       = errors.New("email: SMTP host is empty")
	ErrNoFrom       = errors.New("email: sender address is empty")
	ErrTLSMode      = errors.New(`email: TLS mode must be "starttls", "tls" or "none"`)
	ErrNoRecipients = errors.New("email: no recipients")
)

// Config configures the SMTP client.
type Config struct {
	Host     string
	Port     int // default by TLS: 587, 465, 25
	Username string
	Password string
	From     string
	TLS      string        // TLSStartTLS (default), TLSImplicit or TLSNone
	Timeout  time.Duration // whole session; default 30s
	// TLSConfig overrides the TLS settings, e.g. to trust a test server's
	// certificate. ServerName defaults to Host.
	TLSConfig *tls.Config
	Now       func() time.Time // the Date header; default time.Now
}

// Notifier mails a fixed list of recipients.
type Notifier struct {
	cfg Config
	to  []string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier mailing to; addresses must already be validated.
func New(cfg Config, to []string) (*Notifier, error) {
	switch {
	case cfg.Host == "":
		return nil, ErrNoHost
	case cfg.From == "":
		return nil, ErrNoFrom
	case len(to) == 0:
		return nil, ErrNoRecipients
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Port == 0 {
		switch cfg.TLS {
		case TLSImplicit:
			cfg.Port = 465
		case TLSNone:
			cfg.Port = 25
		default:
			cfg.Port = 587
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if _, err := cfg.options(); err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, to: append([]string(nil), to...)}, nil
}

// options turns the Config into go-mail client options.
func (c Config) options() ([]mail.Option, error) {
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(c.Timeout)}
	switch c.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, ErrTLSMode
	}
	if c.TLSConfig != nil {
		tc := c.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = c.Host
		}
		opts = append(opts, mail.WithTLSConfig(tc))
	}
	if c.Username != "" {
		// Auto-discovery picks the strongest mechanism offered and refuses
		// PLAIN and LOGIN on an unencrypted connection.
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	return opts, nil
}

// Send mails m in one SMTP session.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	msg, err := n.message(m)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building message", err)
	}
	opts, err := n.cfg.options()
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "configuring SMTP", err)
	}
	client, err := mail.NewClient(n.cfg.Host, opts...)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "configuring SMTP", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return notify.Receipt{}, classify(err, n.cfg.Password)
	}
	return notify.Receipt{Status: 250, Detail: deliver.Snippet([]byte(msg.ServerResponse()))}, nil
}
