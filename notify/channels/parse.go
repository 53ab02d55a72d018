package channels

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dealscout/dealscout/notify"
)

// MaxURLLength bounds a channel URL.
const MaxURLLength = 2048

// ErrInvalidURL wraps every Parse error.
var ErrInvalidURL = errors.New("invalid channel URL")

// accepted lists the URL forms for error messages.
const accepted = "use mailto:, discord://, sms:, webhook+https://, ntfy+https://, telegram://, slack+https://, pushover://, gotify+https://"

// Channel kinds, as Kind and Target.Kind report them.
const (
	KindEmail    = "email"
	KindDiscord  = "discord"
	KindSMS      = "sms"
	KindWebhook  = "webhook"
	KindNtfy     = "ntfy"
	KindTelegram = "telegram"
	KindSlack    = "slack"
	KindPushover = "pushover"
	KindGotify   = "gotify"
)

// Target is a parsed, valid channel URL.
type Target struct {
	Kind   string // KindEmail, KindDiscord, …
	Masked string // the URL with every secret replaced by ***; safe to show and log

	secrets []string // what Masked hides
	public  []string // the parts Masked shows (addresses, hosts, IDs)
	build   func(Deps) (notify.Notifier, error)
}

// String is the masked URL, so a Target printed by mistake leaks nothing.
func (t Target) String() string { return t.Masked }

// parser parses the URL of one kind; raw has passed the common checks.
type parser func(raw string) (Target, error)

// schemes maps a lower-case scheme to its parser. http and https are
// Discord's own webhook URLs.
var schemes = map[string]parser{
	"mailto":        parseEmail,
	"discord":       parseDiscordShort,
	"http":          parseDiscordURL,
	"https":         parseDiscordURL,
	"sms":           parseSMS,
	"webhook+http":  parseWebhook,
	"webhook+https": parseWebhook,
	"ntfy+http":     parseNtfy,
	"ntfy+https":    parseNtfy,
	"telegram":      parseTelegram,
	"slack+http":    parseSlack,
	"slack+https":   parseSlack,
	"pushover":      parsePushover,
	"gotify+http":   parseGotify,
	"gotify+https":  parseGotify,
	"log":           parseLog,
}

// Parse validates a channel URL and says what is wrong with it. Errors never
// quote the URL's secret parts.
func Parse(raw string) (Target, error) {
	if len(raw) > MaxURLLength {
		return Target{}, invalid("channel URL is %d characters long; the limit is %d", len(raw), MaxURLLength)
	}
	if !utf8.ValidString(raw) {
		return Target{}, invalid("channel URL is not valid UTF-8")
	}
	for i, r := range raw {
		if unicode.IsControl(r) {
			return Target{}, invalid("channel URL contains a control character at byte %d", i)
		}
	}
	if raw == "" {
		return Target{}, invalid("channel URL is empty; %s", accepted)
	}
	scheme, ok := schemeOf(raw)
	if !ok {
		return Target{}, invalid("channel URL has no scheme; %s", accepted)
	}
	p, ok := schemes[scheme]
	if !ok {
		return Target{}, invalid("unknown channel URL scheme %q; %s", clip(scheme, 24), accepted)
	}
	return p(raw)
}

// Kind is the channel kind raw names by its scheme ("email", "discord", …),
// or "" when the scheme is unknown. It does not validate the rest.
func Kind(raw string) string {
	scheme, ok := schemeOf(raw)
	if !ok {
		return ""
	}
	switch scheme {
	case "mailto":
		return KindEmail
	case "http", "https":
		if strings.Contains(raw, "/api/webhooks/") {
			return KindDiscord
		}
		return ""
	}
	if _, ok := schemes[scheme]; !ok {
		return ""
	}
	kind, _, _ := strings.Cut(scheme, "+")
	return kind
}

// schemeOf returns the lower-cased scheme before the first ":".
func schemeOf(raw string) (string, bool) {
	scheme, _, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" {
		return "", false
	}
	return strings.ToLower(scheme), true
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidURL}, args...)...)
}

// clip shortens a non-secret part quoted in an error.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
