package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

const name = "sms"

// DefaultAPIURL is Twilio's API.
const DefaultAPIURL = "https://api.twilio.com"

// Sentinel errors of New.
var (
	ErrNumber      = errors.New("sms: phone number must be E.164, like +14155550123")
	ErrCredentials = errors.New("sms: Twilio account SID, auth token and sender are required")
)

// e164 is compiled on first use, not at package init: every dealscout
// process initialises this package, and most never check a number.
var e164 = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`) })

// ValidNumber reports whether s is an E.164 number: "+", country code, up to
// 15 digits in all.
func ValidNumber(s string) bool { return e164().MatchString(s) }

// Config configures the Twilio client.
type Config struct {
	HTTPClient *http.Client
	APIURL     string // default DefaultAPIURL
	AccountSID string
	AuthToken  string
	// From is the sender: an E.164 number, or a Messaging Service SID (MG…).
	From string
	Now  func() time.Time // for Retry-After dates; default time.Now
}

// Notifier texts one number.
type Notifier struct {
	cfg      Config
	to       string
	endpoint string
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier texting to (E.164).
func New(cfg Config, to string) (*Notifier, error) {
	switch {
	case cfg.HTTPClient == nil:
		return nil, fmt.Errorf("sms: %w", deliver.ErrNoHTTPClient)
	case cfg.AccountSID == "" || cfg.AuthToken == "" || cfg.From == "":
		return nil, ErrCredentials
	case !ValidNumber(to):
		return nil, ErrNumber
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	endpoint := strings.TrimRight(cfg.APIURL, "/") + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + "/Messages.json"
	return &Notifier{cfg: cfg, to: to, endpoint: endpoint}, nil
}

// twilioAnswer covers both the created message and an error.
type twilioAnswer struct {
	SID     string `json:"sid"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Send queues m with Twilio; 201 means queued, not yet delivered.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	form := url.Values{"To": {n.to}, "Body": {buildBody(m)}}
	if strings.HasPrefix(n.cfg.From, "MG") {
		form.Set("MessagingServiceSid", n.cfg.From)
	} else {
		form.Set("From", n.cfg.From)
	}
	req, err := deliver.FormRequest(ctx, n.endpoint, form)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	req.SetBasicAuth(n.cfg.AccountSID, n.cfg.AuthToken)
	secrets := []string{n.cfg.AuthToken, deliver.BasicAuth(n.cfg.AccountSID, n.cfg.AuthToken)}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, secrets...)
	if err != nil {
		return notify.Receipt{}, err
	}
	var ans twilioAnswer
	_ = json.Unmarshal(a.Body, &ans) // not JSON: fall back to the status
	if a.Status/100 == 2 {
		return notify.Receipt{Status: a.Status, Detail: deliver.Snippet([]byte(ans.SID))}, nil
	}
	reason := ""
	if ans.Code != 0 {
		reason = deliver.Snippet([]byte(fmt.Sprintf("twilio error %d: %s", ans.Code, ans.Message)), secrets...)
	}
	return notify.Receipt{}, deliver.Failure(name, a, n.cfg.Now(), reason)
}
