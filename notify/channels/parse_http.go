package channels

import (
	"net/url"
	"sort"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/gotify"
	"github.com/dealscout/dealscout/notify/ntfy"
	"github.com/dealscout/dealscout/notify/slack"
)

// This file parses the URL forms that are http(s) URLs underneath: Discord's
// own webhook URLs and the webhook+, ntfy+, slack+ and gotify+ prefixes.

var (
	ntfyTopic   = newLazyRegexp(`^[-_A-Za-z0-9]{1,64}$`)
	gotifyToken = newLazyRegexp(`^[A-Za-z0-9._-]{1,128}$`)
)

const (
	webhookForm = "use webhook+https://host/path"
	ntfyForm    = "use ntfy+https://ntfy.sh/TOPIC or ntfy+https://:TOKEN@host/TOPIC"
	slackForm   = "use slack+https://hooks.slack.com/services/T…/B…/…"
	gotifyForm  = "use gotify+https://host/?token=APP_TOKEN"
)

// parseHTTP parses the http(s) URL after an optional "kind+" prefix.
func parseHTTP(raw, kind, form string) (*url.URL, error) {
	inner := raw
	if kind != "" {
		inner = raw[len(kind)+1:]
	}
	if strings.ContainsAny(inner, " \\") {
		return nil, invalid("%s URL contains a space or backslash; %s", kind, form)
	}
	u, err := url.Parse(inner)
	if err != nil {
		return nil, invalid("%s URL is malformed; %s", kind, form)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, invalid("%s URL must be http or https; %s", kind, form)
	case u.Host == "" || u.Hostname() == "":
		return nil, invalid("%s URL has no host; %s", kind, form)
	case u.Fragment != "" || strings.Contains(inner, "#"):
		return nil, invalid("%s URL must not have a #fragment; %s", kind, form)
	case u.Opaque != "":
		return nil, invalid("%s URL is malformed; %s", kind, form)
	}
	return u, nil
}

func parseDiscordURL(raw string) (Target, error) {
	u, err := parseHTTP(raw, "", discordForms)
	if err != nil {
		return Target{}, err
	}
	prefix, rest, ok := strings.Cut(u.Path, "/api/webhooks/")
	if !ok {
		return Target{}, invalid("an http(s) URL is only accepted as a Discord webhook (…/api/webhooks/ID/TOKEN); use webhook+https:// for any other endpoint")
	}
	id, token, _ := strings.Cut(rest, "/")
	switch {
	case u.User != nil:
		return Target{}, invalid("discord webhook URL must not contain user:password@")
	case u.RawQuery != "" || strings.HasSuffix(raw, "?"):
		return Target{}, invalid("discord webhook URL takes no ?query; %s", discordForms)
	case !discordID.MatchString(id):
		return Target{}, invalid("discord webhook ID must be digits; %s", discordForms)
	case token == "":
		return Target{}, invalid("discord webhook token is missing; %s", discordForms)
	case !discordToken.MatchString(token):
		return Target{}, invalid("discord webhook token is malformed; %s", discordForms)
	}
	base := u.Scheme + "://" + u.Host + prefix + "/api/webhooks/" + id + "/"
	return Target{
		Kind: KindDiscord, Masked: base + "***", secrets: []string{token}, public: []string{u.Host, prefix, id},
		build: func(d Deps) (notify.Notifier, error) { return newDiscord(d, base+token) },
	}, nil
}

func parseWebhook(raw string) (Target, error) {
	u, err := parseHTTP(raw, KindWebhook, webhookForm)
	if err != nil {
		return Target{}, err
	}
	t := Target{Kind: KindWebhook, public: []string{u.Host}}
	masked := "webhook+" + u.Scheme + "://"
	if u.User != nil {
		masked += u.User.Username()
		t.public = append(t.public, u.User.Username())
		if p, ok := u.User.Password(); ok {
			masked += ":***"
			t.secrets = append(t.secrets, p)
		}
		masked += "@"
	}
	masked += u.Host
	// The path and query of a webhook URL are often its only credential
	// (Zapier, IFTTT, n8n), so neither is shown.
	if strings.Trim(u.EscapedPath(), "/") != "" {
		masked += "/***"
		t.secrets = append(t.secrets, pathSegments(u)...)
	}
	if u.RawQuery != "" {
		masked += "?" + maskQuery(u.Query())
		for k, vs := range u.Query() {
			t.public = append(t.public, url.QueryEscape(k)) // maskQuery shows the keys
			t.secrets = append(t.secrets, vs...)
		}
	}
	t.Masked = masked
	endpoint := u.String()
	t.build = func(d Deps) (notify.Notifier, error) { return newWebhook(d, endpoint) }
	return t, nil
}

func parseNtfy(raw string) (Target, error) {
	u, err := parseHTTP(raw, KindNtfy, ntfyForm)
	if err != nil {
		return Target{}, err
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	topic := segs[len(segs)-1]
	switch {
	case !ntfyTopic.MatchString(topic):
		return Target{}, invalid("ntfy topic is missing or not letters, digits, - and _; %s", ntfyForm)
	case u.RawQuery != "":
		return Target{}, invalid("ntfy URL takes no ?query; %s", ntfyForm)
	}
	var cfg ntfy.Config
	userinfo := ""
	if u.User != nil {
		user := u.User.Username()
		pass, hasPass := u.User.Password()
		switch {
		case user == "" && pass != "":
			cfg.Token, userinfo = pass, ":***@"
		case user != "" && hasPass && pass != "":
			cfg.Username, cfg.Password, userinfo = user, pass, user+":***@"
		case user != "" && !hasPass:
			cfg.Token, userinfo = user, "***@" // ntfy tokens (tk_…) given as the user part
		default:
			return Target{}, invalid("ntfy access token is missing after ':' and before '@'; %s", ntfyForm)
		}
	}
	secrets := []string{cfg.Token, cfg.Password}
	topicURL := u.Scheme + "://" + u.Host + "/" + strings.Trim(u.EscapedPath(), "/")
	return Target{
		Kind:    KindNtfy,
		Masked:  "ntfy+" + u.Scheme + "://" + userinfo + u.Host + "/" + strings.Trim(u.EscapedPath(), "/"),
		secrets: nonEmpty(secrets), public: []string{u.Host, strings.Trim(u.EscapedPath(), "/"), cfg.Username},
		build: func(d Deps) (notify.Notifier, error) {
			if d.HTTPClient == nil {
				return nil, errNoHTTPClient
			}
			cfg.HTTPClient, cfg.Now = d.HTTPClient, d.Now
			return ntfy.New(cfg, topicURL)
		},
	}, nil
}

func parseSlack(raw string) (Target, error) {
	u, err := parseHTTP(raw, KindSlack, slackForm)
	if err != nil {
		return Target{}, err
	}
	switch {
	case u.User != nil:
		return Target{}, invalid("slack webhook URL must not contain user:password@")
	case u.RawQuery != "":
		return Target{}, invalid("slack webhook URL takes no ?query; %s", slackForm)
	case strings.Trim(u.Path, "/") == "" || strings.Trim(u.Path, "/") == "services":
		return Target{}, invalid("slack webhook path is missing; %s", slackForm)
	}
	masked := "slack+" + u.Scheme + "://" + u.Host + "/***"
	if strings.HasPrefix(u.Path, "/services/") {
		masked = "slack+" + u.Scheme + "://" + u.Host + "/services/***"
	}
	var secrets []string
	for _, s := range pathSegments(u) {
		if s != "services" {
			secrets = append(secrets, s)
		}
	}
	endpoint := u.String()
	return Target{
		Kind: KindSlack, Masked: masked, secrets: secrets, public: []string{u.Host},
		build: func(d Deps) (notify.Notifier, error) {
			if d.HTTPClient == nil {
				return nil, errNoHTTPClient
			}
			return slack.New(slack.Config{HTTPClient: d.HTTPClient, Now: d.Now}, endpoint)
		},
	}, nil
}

func parseGotify(raw string) (Target, error) {
	u, err := parseHTTP(raw, KindGotify, gotifyForm)
	if err != nil {
		return Target{}, err
	}
	q := u.Query()
	token := q.Get("token")
	switch {
	case u.User != nil:
		return Target{}, invalid("gotify URL must not contain user:password@; put the app token in ?token=")
	case token == "":
		return Target{}, invalid("gotify app token is missing; %s", gotifyForm)
	case len(q) != 1 || len(q["token"]) != 1:
		return Target{}, invalid("gotify URL takes only ?token=; %s", gotifyForm)
	case !gotifyToken.MatchString(token):
		return Target{}, invalid("gotify app token is malformed; %s", gotifyForm)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	server := u.Scheme + "://" + u.Host + path
	return Target{
		Kind: KindGotify, Masked: "gotify+" + server + "?token=***", secrets: []string{token}, public: []string{u.Host, path},
		build: func(d Deps) (notify.Notifier, error) {
			if d.HTTPClient == nil {
				return nil, errNoHTTPClient
			}
			return gotify.New(gotify.Config{HTTPClient: d.HTTPClient, Token: token, Now: d.Now}, server)
		},
	}, nil
}

// pathSegments are u's non-empty path segments, raw and decoded, so a
// scrubber finds them in either form.
func pathSegments(u *url.URL) []string {
	var out []string
	for _, s := range strings.Split(u.EscapedPath(), "/") {
		if s == "" {
			continue
		}
		out = append(out, s)
		if d, err := url.PathUnescape(s); err == nil && d != s {
			out = append(out, d)
		}
	}
	return out
}

// maskQuery keeps the query's keys and hides every value.
func maskQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, url.QueryEscape(k)+"=***")
	}
	sort.Strings(keys)
	return strings.Join(keys, "&")
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
