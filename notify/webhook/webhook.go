package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "webhook"

// Sentinel errors of New.
var (
	ErrEndpoint = errors.New("webhook: URL must be http(s)://host/path")
	ErrSecret   = errors.New("webhook: a secret starting with whsec_ must be followed by base64")
)

// Config configures a webhook notifier.
type Config struct {
	HTTPClient *http.Client
	// Secret signs every request (DEALSCOUT_WEBHOOK_SECRET). "whsec_<base64>"
	// is decoded as Standard Webhooks does; anything else is used as is.
	// Empty sends unsigned requests.
	Secret string
	Now    func() time.Time // the webhook-timestamp; default time.Now
}

// Notifier posts to one URL.
type Notifier struct {
	cfg      Config
	key      []byte
	endpoint string
	secrets  []string // the URL's path, query and password may be credentials
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier posting to endpoint.
func New(cfg Config, endpoint string) (*Notifier, error) {
	if cfg.HTTPClient == nil {
		return nil, fmt.Errorf("webhook: %w", deliver.ErrNoHTTPClient)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, ErrEndpoint
	}
	key, err := signingKey(cfg.Secret)
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Notifier{cfg: cfg, key: key, endpoint: u.String(), secrets: urlSecrets(u)}, nil
}

func signingKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return []byte(secret), nil
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) == 0 {
		return nil, ErrSecret
	}
	return key, nil
}

// Send posts m. Any 2xx is delivered; 410 Gone means the receiver is gone
// for good, like every other 4xx but 408 and 429.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	body, err := buildPayload(m)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building payload", err)
	}
	req, err := deliver.JSONRequest(ctx, n.endpoint, body)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	for k, v := range signedHeaders(n.key, messageID(m, body), n.cfg.Now(), body) {
		req.Header.Set(k, v)
	}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, n.secrets...)
	if err != nil {
		return notify.Receipt{}, err
	}
	if a.Status/100 == 2 {
		return notify.Receipt{Status: a.Status}, nil
	}
	return notify.Receipt{}, deliver.Failure(name, a, n.cfg.Now(), "")
}

// messageID is the webhook-id: the alert's ID, the same on every retry so
// receivers can drop duplicates. Without one, the body's hash is as stable.
func messageID(m notify.Message, body []byte) string {
	if m.ID != "" {
		return m.ID
	}
	sum := sha256.Sum256(body)
	return "msg_" + hex.EncodeToString(sum[:12])
}

// urlSecrets lists the parts of u that may be credentials, to scrub them
// from anything reported.
func urlSecrets(u *url.URL) []string {
	var s []string
	if p, ok := u.User.Password(); ok {
		s = append(s, p)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if len(seg) >= 8 { // short segments ("api", "v1") are not secret and would scrub too much
			s = append(s, seg)
		}
	}
	for _, vs := range u.Query() {
		s = append(s, vs...)
	}
	return s
}

// timestamp is the webhook-timestamp value.
func timestamp(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
