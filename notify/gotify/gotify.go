package gotify

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

const name = "gotify"

// Sentinel errors of New.
var (
	ErrNoToken   = errors.New("gotify: application token is empty")
	ErrServerURL = errors.New("gotify: server URL must be http(s)://host[/path]")
)

// Config configures a Gotify notifier.
type Config struct {
	HTTPClient *http.Client
	Token      string           // application token
	Now        func() time.Time // for Retry-After dates; default time.Now
}

// Notifier posts to one Gotify application.
type Notifier struct {
	cfg      Config
	endpoint string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier for the Gotify server at serverURL (without the token).
func New(cfg Config, serverURL string) (*Notifier, error) {
	switch {
	case cfg.HTTPClient == nil:
		return nil, fmt.Errorf("gotify: %w", deliver.ErrNoHTTPClient)
	case cfg.Token == "":
		return nil, ErrNoToken
	}
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, ErrServerURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimRight(u.Path, "/") + "/message"
	return &Notifier{cfg: cfg, endpoint: u.String()}, nil
}

// gotifyError is the server's error body.
type gotifyError struct {
	Error       string `json:"error"`
	Description string `json:"errorDescription"`
}

// Send posts m; Gotify answers 200 with the stored message.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	body, err := buildPayload(m)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building payload", err)
	}
	req, err := deliver.JSONRequest(ctx, n.endpoint, body)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	req.Header.Set("X-Gotify-Key", n.cfg.Token)
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, n.cfg.Token)
	if err != nil {
		return notify.Receipt{}, err
	}
	if a.Status/100 == 2 {
		var stored struct {
			ID int64 `json:"id"`
		}
		_ = json.Unmarshal(a.Body, &stored) // the id is only for the receipt
		return notify.Receipt{Status: a.Status, Detail: fmt.Sprintf("id %d", stored.ID)}, nil
	}
	var ge gotifyError
	_ = json.Unmarshal(a.Body, &ge)
	reason := ge.Error
	if ge.Description != "" {
		reason += ": " + ge.Description
	}
	return notify.Receipt{}, deliver.Failure(name, a, n.cfg.Now(), deliver.Snippet([]byte(reason), n.cfg.Token))
}
