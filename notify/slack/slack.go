package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "slack"

// ErrWebhookURL is returned for a webhook URL that is not http(s) with a path.
var ErrWebhookURL = errors.New("slack: webhook URL must look like https://hooks.slack.com/services/T…/B…/…")

// Config configures a Slack notifier.
type Config struct {
	HTTPClient *http.Client
	Now        func() time.Time // for Retry-After dates; default time.Now
}

// Notifier posts to one incoming webhook.
type Notifier struct {
	cfg      Config
	endpoint string
	secrets  []string // the path segments: the webhook URL is the credential
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier for webhookURL (https://hooks.slack.com/services/…).
func New(cfg Config, webhookURL string) (*Notifier, error) {
	if cfg.HTTPClient == nil {
		return nil, fmt.Errorf("slack: %w", deliver.ErrNoHTTPClient)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return nil, ErrWebhookURL
	}
	var secrets []string
	for _, seg := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if seg != "services" && seg != "" {
			secrets = append(secrets, seg)
		}
	}
	return &Notifier{cfg: cfg, endpoint: u.String(), secrets: secrets}, nil
}

// Send posts m. Slack answers 200 "ok"; errors are short codes in the body
// (invalid_payload, no_service, channel_is_archived).
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	body, err := buildPayload(m)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building payload", err)
	}
	req, err := deliver.JSONRequest(ctx, n.endpoint, body)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, n.secrets...)
	if err != nil {
		return notify.Receipt{}, err
	}
	answer := deliver.Snippet(a.Body, n.secrets...)
	if a.Status/100 == 2 {
		return notify.Receipt{Status: a.Status, Detail: answer}, nil
	}
	return notify.Receipt{}, deliver.Failure(name, a, n.cfg.Now(), answer)
}
