package ntfy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "ntfy"

// ErrTopicURL is returned for a topic URL that is not http(s)://host/topic.
var ErrTopicURL = errors.New("ntfy: topic URL must look like https://ntfy.sh/mytopic")

// Config configures an ntfy notifier. Set Token for access-token auth, or
// Username and Password for basic auth; neither for open topics.
type Config struct {
	HTTPClient *http.Client
	Token      string
	Username   string
	Password   string
	Now        func() time.Time // for Retry-After dates; default time.Now
}

// Notifier publishes to one topic.
type Notifier struct {
	cfg      Config
	endpoint string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier publishing to topicURL (https://host/topic).
func New(cfg Config, topicURL string) (*Notifier, error) {
	if cfg.HTTPClient == nil {
		return nil, fmt.Errorf("ntfy: %w", deliver.ErrNoHTTPClient)
	}
	u, err := url.Parse(topicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(u.Path) < 2 || u.User != nil {
		return nil, ErrTopicURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Notifier{cfg: cfg, endpoint: u.String()}, nil
}

// ntfyError is the server's error body.
type ntfyError struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// Send publishes m; ntfy answers 200 with the stored message.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	header, body := buildRequest(m)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.endpoint, bytes.NewReader(body))
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", errors.New("malformed topic URL"))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	secrets := []string{n.cfg.Token, n.cfg.Password}
	switch {
	case n.cfg.Token != "":
		req.Header.Set("Authorization", "Bearer "+n.cfg.Token)
	case n.cfg.Username != "" || n.cfg.Password != "":
		req.SetBasicAuth(n.cfg.Username, n.cfg.Password)
		secrets = append(secrets, deliver.BasicAuth(n.cfg.Username, n.cfg.Password))
	}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, secrets...)
	if err != nil {
		return notify.Receipt{}, err
	}
	if a.Status/100 == 2 {
		var stored struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(a.Body, &stored) // the id is only for the receipt
		return notify.Receipt{Status: a.Status, Detail: deliver.Snippet([]byte(stored.ID))}, nil
	}
	var ne ntfyError
	_ = json.Unmarshal(a.Body, &ne)
	reason := ne.Error
	if ne.Code != 0 {
		reason = fmt.Sprintf("%s (code %d)", ne.Error, ne.Code)
	}
	return notify.Receipt{}, deliver.Failure(name, a, n.cfg.Now(), deliver.Snippet([]byte(reason), secrets...))
}
