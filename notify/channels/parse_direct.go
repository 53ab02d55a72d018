package channels

import (
	"net/mail"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/discord"
	"github.com/dealscout/dealscout/notify/pushover"
	"github.com/dealscout/dealscout/notify/sms"
	"github.com/dealscout/dealscout/notify/telegram"
)

// This file parses the URL forms that are not http(s) URLs underneath:
// mailto:, sms:, discord://, telegram://, pushover://. Their secrets contain
// characters (":" in a bot token) that net/url would misread as a port.

const maxRecipients = 50

var (
	discordID     = newLazyRegexp(`^[0-9]{1,25}$`)
	discordToken  = newLazyRegexp(`^[A-Za-z0-9_.-]{1,200}$`)
	telegramToken = newLazyRegexp(`^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$`)
	telegramChat  = newLazyRegexp(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`)
	pushoverKey   = newLazyRegexp(`^[A-Za-z0-9]{1,64}$`)
)

// The accepted forms, for error messages.
const (
	discordForms = "use discord://ID/TOKEN or https://discord.com/api/webhooks/ID/TOKEN"
	telegramForm = "use telegram://BOT_TOKEN/CHAT_ID (token like 123456:ABC-DEF…, chat like -1001234567890 or @channel)"
	pushoverForm = "use pushover://USER_KEY@APP_TOKEN"
	emailForm    = "use mailto:a@example.com[,b@example.com]"
	smsForm      = "use sms:+14155550123 (E.164: +, country code, number, no spaces)"
)

func parseEmail(raw string) (Target, error) {
	rest := raw[len("mailto:"):]
	if strings.ContainsAny(rest, "?#") {
		return Target{}, invalid("mailto: takes only addresses, no ?subject= or other fields; %s", emailForm)
	}
	var addrs []string
	for _, part := range strings.Split(rest, ",") {
		a := strings.TrimSpace(part)
		if a == "" {
			return Target{}, invalid("mailto: has an empty address; %s", emailForm)
		}
		parsed, err := mail.ParseAddress(a)
		if err != nil || parsed.Name != "" || parsed.Address != a || !strings.Contains(a, "@") {
			return Target{}, invalid("mailto: %q is not an email address; %s", clip(a, 100), emailForm)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) > maxRecipients {
		return Target{}, invalid("mailto: has %d addresses; the limit is %d", len(addrs), maxRecipients)
	}
	return Target{
		Kind: KindEmail, Masked: "mailto:" + strings.Join(addrs, ","), public: addrs,
		build: func(d Deps) (notify.Notifier, error) { return newEmail(d, addrs) },
	}, nil
}

func parseSMS(raw string) (Target, error) {
	number := raw[len("sms:"):]
	if !sms.ValidNumber(number) {
		return Target{}, invalid("sms: the number is not E.164; %s", smsForm)
	}
	return Target{
		Kind: KindSMS, Masked: "sms:" + number, public: []string{number},
		build: func(d Deps) (notify.Notifier, error) { return newSMS(d, number) },
	}, nil
}

func parseDiscordShort(raw string) (Target, error) {
	rest, ok := cutPrefixFold(raw, "discord://")
	if !ok {
		return Target{}, invalid("discord URL must start with discord://; %s", discordForms)
	}
	id, token, _ := strings.Cut(rest, "/")
	switch {
	case !discordID.MatchString(id):
		return Target{}, invalid("discord webhook ID must be digits; %s", discordForms)
	case token == "":
		return Target{}, invalid("discord webhook token is missing; %s", discordForms)
	case !discordToken.MatchString(token):
		return Target{}, invalid("discord webhook token is malformed; %s", discordForms)
	}
	return Target{
		Kind: KindDiscord, Masked: "discord://" + id + "/***", secrets: []string{token}, public: []string{id},
		build: func(d Deps) (notify.Notifier, error) {
			return newDiscord(d, discord.WebhookURL(d.DiscordAPIURL, id, token))
		},
	}, nil
}

func parseTelegram(raw string) (Target, error) {
	rest, ok := cutPrefixFold(raw, "telegram://")
	if !ok {
		return Target{}, invalid("telegram URL must start with telegram://; %s", telegramForm)
	}
	token, chat, _ := strings.Cut(rest, "/")
	switch {
	case token == "":
		return Target{}, invalid("telegram bot token is missing; %s", telegramForm)
	case !telegramToken.MatchString(token):
		return Target{}, invalid("telegram bot token is malformed; %s", telegramForm)
	case chat == "":
		return Target{}, invalid("telegram chat ID is missing; %s", telegramForm)
	case !telegramChat.MatchString(chat):
		return Target{}, invalid("telegram chat ID %q is malformed; %s", clip(chat, 40), telegramForm)
	}
	return Target{
		Kind: KindTelegram, Masked: "telegram://***/" + chat, secrets: []string{token}, public: []string{chat},
		build: func(d Deps) (notify.Notifier, error) {
			if d.HTTPClient == nil {
				return nil, errNoHTTPClient
			}
			return telegram.New(telegram.Config{HTTPClient: d.HTTPClient, APIURL: d.TelegramAPIURL, Token: token, Now: d.Now}, chat)
		},
	}, nil
}

func parsePushover(raw string) (Target, error) {
	rest, ok := cutPrefixFold(raw, "pushover://")
	if !ok {
		return Target{}, invalid("pushover URL must start with pushover://; %s", pushoverForm)
	}
	user, token, found := strings.Cut(rest, "@")
	switch {
	case !found || user == "":
		return Target{}, invalid("pushover user key is missing; %s", pushoverForm)
	case token == "":
		return Target{}, invalid("pushover application token is missing; %s", pushoverForm)
	case !pushoverKey.MatchString(user):
		return Target{}, invalid("pushover user key must be letters and digits; %s", pushoverForm)
	case !pushoverKey.MatchString(token):
		return Target{}, invalid("pushover application token must be letters and digits; %s", pushoverForm)
	}
	return Target{
		Kind: KindPushover, Masked: "pushover://***@***", secrets: []string{user, token},
		build: func(d Deps) (notify.Notifier, error) {
			if d.HTTPClient == nil {
				return nil, errNoHTTPClient
			}
			return pushover.New(pushover.Config{HTTPClient: d.HTTPClient, APIURL: d.PushoverAPIURL, Token: token, Now: d.Now}, user)
		},
	}, nil
}

// cutPrefixFold is strings.CutPrefix ignoring the prefix's case: schemes are
// case-insensitive.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || strings.ToLower(s[:len(prefix)]) != prefix {
		return s, false
	}
	return s[len(prefix):], true
}
