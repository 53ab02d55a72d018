package telegram

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

const name = "telegram"

// DefaultAPIURL is the Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Sentinel errors of New.
var (
	ErrNoToken = errors.New("telegram: bot token is empty")
	ErrNoChat  = errors.New("telegram: chat ID is empty")
)

// Config configures a Telegram notifier.
type Config struct {
	HTTPClient *http.Client
	APIURL     string           // default DefaultAPIURL
	Token      string           // bot token, "123456:ABC…"
	Now        func() time.Time // for Retry-After dates; default time.Now
}

// Notifier sends to one chat.
type Notifier struct {
	cfg      Config
	chatID   string
	endpoint string // contains the token
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a notifier for chatID (a number, or @channelname).
func New(cfg Config, chatID string) (*Notifier, error) {
	switch {
	case cfg.HTTPClient == nil:
		return nil, fmt.Errorf("telegram: %w", deliver.ErrNoHTTPClient)
	case cfg.Token == "":
		return nil, ErrNoToken
	case chatID == "":
		return nil, ErrNoChat
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	endpoint := strings.TrimRight(cfg.APIURL, "/") + "/bot" + cfg.Token + "/sendMessage"
	return &Notifier{cfg: cfg, chatID: chatID, endpoint: endpoint}, nil
}

// answer is the Bot API's envelope for success and failure alike.
type answer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Result      struct {
		MessageID int64 `json:"message_id"`
	} `json:"result"`
	Parameters struct {
		RetryAfter int `json:"retry_after"` // seconds, on 429
	} `json:"parameters"`
}

// Send posts m with sendMessage.
func (n *Notifier) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	body, err := buildPayload(n.chatID, m)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building payload", err)
	}
	req, err := deliver.JSONRequest(ctx, n.endpoint, body)
	if err != nil {
		return notify.Receipt{}, deliver.Invalid(name, "building request", err)
	}
	a, err := deliver.Do(n.cfg.HTTPClient, req, name, n.cfg.Token)
	if err != nil {
		return notify.Receipt{}, err
	}
	var ans answer
	_ = json.Unmarshal(a.Body, &ans) // a proxy's HTML error page: fall back to the status
	if a.Status/100 == 2 && ans.OK {
		return notify.Receipt{Status: a.Status, Detail: fmt.Sprintf("message_id %d", ans.Result.MessageID)}, nil
	}
	if a.Status/100 == 2 {
		return notify.Receipt{}, &notify.SendError{Channel: name, Status: a.Status, Permanent: true, Reason: "answer is not ok: " + deliver.Snippet(a.Body, n.cfg.Token)}
	}
	e := deliver.Failure(name, a, n.cfg.Now(), deliver.Snippet([]byte(ans.Description), n.cfg.Token))
	if !e.Permanent && ans.Parameters.RetryAfter > 0 {
		e.RetryAfter = time.Duration(ans.Parameters.RetryAfter) * time.Second
	}
	return notify.Receipt{}, e
}
