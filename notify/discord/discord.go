package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "discord"

// DefaultAPIURL is where discord://ID/TOKEN targets go.
const DefaultAPIURL = "https://discord.com"

// ErrWebhookURL is returned for a webhook URL that is not http(s) with
// /api/webhooks/ID/TOKEN in its path.
var ErrWebhookURL = errors.New("discord: webhook URL must look like https://discord.com/api/webhooks/ID/TOKEN")

// Config configures a Discord notifier.
type Config struct {
	HTTPClient *http.Client
	Now        func() time.Time // for Retry-After dates; default time.Now
}

// Notifier posts to one webhook.
type Notifier struct {
	cfg      Config
	endpoint string // with ?wait=false
	token    string // kept to scrub it from anything we report
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier for webhookURL (http(s)://host/…/api/webhooks/ID/TOKEN).
func New(cfg Config, webhookURL string) (*Notifier, error) {
	if cfg.HTTPClient == nil {
		return nil, fmt.Errorf("discord: %w", deliver.ErrNoHTTPClient)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, ErrWebhookURL
	}
	_, rest, ok := strings.Cut(u.Path, "/api/webhooks/")
	id, token, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || id == "" || token == "" || strings.Contains(token, "/") {
		return nil, ErrWebhookURL
	}
	q := u.Query()
	// wait=false: Discord answers 204 as soon as it accepted the message.
	q.Set("wait", "false")
	u.RawQuery = q.Encode()
	return &Notifier{cfg: cfg, endpoint: u.String(), token: token}, nil
}

// WebhookURL builds the webhook URL of a discord://ID/TOKEN target.
func WebhookURL(apiURL, id, token string) string {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	return strings.TrimRight(apiURL, "/") + "/api/webhooks/" + url.PathEscape(id) + "/" + url.PathEscape(token)
}

// Send posts m; Discord answers 204 with wait=false.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	body, err := buildPayload(m)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building payload", err)
	}
	req, err := deliver.JSONRequest(ctx, n.endpoint, body)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, n.token)
	if err != nil {
		return notify.Receipt{}, err
	}
	if a.Status/100 == 2 {
		return notify.Receipt{Status: a.Status}, nil
	}
	return notify.Receipt{}, n.failure(a)
}

// discordError is Discord's error body; 429s add retry_after (float seconds).
type discordError struct {
	Message    string  `json:"message"`
	Code       int     `json:"code"`
	RetryAfter float64 `json:"retry_after"`
	Global     bool    `json:"global"`
}

func (n *Notifier) failure(a *deliver.Answer) error {
	var de discordError
	_ = json.Unmarshal(a.Body, &de) // not JSON: fall back to the status text
	reason := ""
	if de.Message != "" {
		reason = deliver.Snippet([]byte(de.Message), n.token)
		if de.Code != 0 {
			reason = fmt.Sprintf("%s (code %d)", reason, de.Code)
		}
	}
	e := deliver.Failure(name, a, n.cfg.Now(), reason)
	// The body's float is more precise than the whole-second header.
	if d := deliver.Seconds(de.RetryAfter); d > 0 && !e.Permanent {
		e.RetryAfter = d
	}
	return e
}
