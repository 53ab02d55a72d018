package email

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/textproto"
	"strings"

	"github.com/wneessen/go-mail"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
)

// classify maps an SMTP failure to a SendError: a 4xx reply is temporary and
// a 5xx permanent (RFC 5321); a network failure is temporary; a certificate or
// a missing STARTTLS/AUTH mechanism is permanent until the config changes.
func classify(err error, password string) *notify.SendError {
	e := &notify.SendError{
		Channel: name,
		Status:  replyCode(err),
		Reason:  "SMTP delivery failed",
		Err:     errors.New(deliver.Scrub(err.Error(), password)),
	}
	if strings.Contains(err.Error(), "SMTP AUTH failed") {
		e.Reason = "SMTP authentication failed"
	}
	switch {
	case e.Status >= 500:
		e.Permanent = true
	case e.Status >= 400:
		e.Permanent = false
	default:
		e.Permanent = isConfigError(err)
	}
	return e
}

// replyCode finds the SMTP reply code in err; 0 when the server never answered.
func replyCode(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	return 0
}

func isConfigError(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return true
	case errors.Is(err, mail.ErrNoSupportedAuthDiscovered), errors.Is(err, mail.ErrPlainAuthNotSupported),
		errors.Is(err, mail.ErrLoginAuthNotSupported):
		return true
	}
	// go-mail has no sentinel for a server without STARTTLS.
	return strings.Contains(err.Error(), "does not support STARTTLS")
}
