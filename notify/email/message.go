package email

import (
	"net/mail"
	"regexp"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/dealscout/dealscout/notify"
)

// message builds the mail for m: multipart/alternative, text first so that
// clients preferring the last part they understand show the HTML.
func (n *Notifier) message(m notify.Message) (*gomail.Msg, error) {
	b, err := buildBody(m)
	if err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(n.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.To(n.to...); err != nil {
		return nil, err
	}
	msg.Subject(b.Subject)
	msg.SetDateWithValue(n.cfg.Now())
	if id := messageID(m.ID, n.cfg.From); id != "" {
		msg.SetMessageIDWithValue(id)
	} else {
		msg.SetMessageID()
	}
	msg.SetUserAgent("dealscout")
	msg.SetBodyString(gomail.TypeTextPlain, b.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, b.HTML)
	return msg, nil
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9.-]`)

// messageID derives the Message-ID from the alert's ID, so a retry after a
// lost reply carries the same one and mail systems can drop the duplicate;
// "" when the alert has no usable ID.
func messageID(id, from string) string {
	domain := "dealscout.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	id = unsafeID.ReplaceAllString(id, "")
	if id == "" {
		return ""
	}
	return "dealscout." + id + "@" + domain
}
