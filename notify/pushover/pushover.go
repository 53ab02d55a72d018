package pushover

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "pushover"

// DefaultAPIURL is Pushover's API.
const DefaultAPIURL = "https://api.pushover.net"

// Sentinel errors of New.
var (
	ErrNoToken = errors.New("pushover: application token is empty")
	ErrNoUser  = errors.New("pushover: user key is empty")
)

// Config configures a Pushover notifier.
type Config struct {
	HTTPClient *http.Client
	APIURL     string           // default DefaultAPIURL
	Token      string           // application token
	Now        func() time.Time // for Retry-After dates; default time.Now
}

// Notifier sends to one user (or group) key.
type Notifier struct {
	cfg      Config
	user     string
	endpoint string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier for the user key.
func New(cfg Config, userKey string) (*Notifier, error) {
	switch {
	case cfg.HTTPClient == nil:
		return nil, fmt.Errorf("pushover: %w", deliver.ErrNoHTTPClient)
	case cfg.Token == "":
		return nil, ErrNoToken
	case userKey == "":
		return nil, ErrNoUser
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Notifier{cfg: cfg, user: userKey, endpoint: strings.TrimRight(cfg.APIURL, "/") + "/1/messages.json"}, nil
}

// answer is Pushover's reply: status 1 on success, 0 with errors otherwise.
type answer struct {
	Status  int      `json:"status"`
	Request string   `json:"request"`
	Errors  []string `json:"errors"`
}

// Send posts m.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	form := buildForm(m)
	form.Set("token", n.cfg.Token)
	form.Set("user", n.user)
	req, err := deliver.FormRequest(ctx, n.endpoint, form)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	secrets := []string{n.cfg.Token, n.user}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, secrets...)
	if err != nil {
		return notify.Receipt{}, err
	}
	var ans answer
	_ = json.Unmarshal(a.Body, &ans) // not JSON: fall back to the status
	if a.Status/100 == 2 && ans.Status == 1 {
		return notify.Receipt{Status: a.Status, Detail: deliver.Snippet([]byte(ans.Request))}, nil
	}
	reason := deliver.Snippet([]byte(strings.Join(ans.Errors, "; ")), secrets...)
	if a.Status/100 == 2 {
		return notify.Receipt{}, &notify.SendError{Channel: name, Status: a.Status, Permanent: true, Reason: "status is not 1: " + reason}
	}
	return notify.Receipt{}, deliver.Failure(name, a, n.cfg.Now(), reason)
}
