package cmd

import (
	"crypto/x509"
	"net/http"
	"sync"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The embedded CA roots (golang.org/x/crypto/x509roots/fallback, pinned in
// go.mod) let TLS to eBay, Twilio, Discord and the SMTP server verify on an
// image without a certificate bundle (scratch). crypto/x509 uses fallback
// roots only when the system has none of its own, whenever they are handed
// over. Importing the fallback package hands them over at package init,
// which parses the whole bundle in every process: a few milliseconds of every
// cron poll, though a poll with nothing due (most of them) connects nowhere.
// So they are handed over just before this process's first outbound request
// or channel, through withFallbackRoots and channels.Deps.TrustRoots.

// trustFallbackRoots hands the embedded roots to crypto/x509 once per
// process: x509.SetFallbackRoots panics when called twice, so the guard is
// package-level, as the roots it sets are process-wide.
var trustFallbackRoots = sync.OnceFunc(func() { x509.SetFallbackRoots(fallbackPool()) })

// fallbackPool parses the embedded bundle as the fallback package does. A
// certificate that does not parse is left out rather than stopping the run.
func fallbackPool() *x509.CertPool {
	p := x509.NewCertPool()
	for c := range bundle.Roots() {
		cert, err := x509.ParseCertificate(c.Certificate)
		if err != nil {
			continue
		}
		if c.Constraint == nil {
			p.AddCert(cert)
		} else {
			p.AddCertWithConstraint(cert, c.Constraint)
		}
	}
	return p
}

// withFallbackRoots makes c trust the fallback roots (when the system has
// none) from its first request on. Every request, plain http too, since an
// https proxy or redirect may follow.
func withFallbackRoots(c *http.Client) *http.Client {
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = rootsTransport{next: next}
	return c
}

type rootsTransport struct{ next http.RoundTripper }

func (t rootsTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	trustFallbackRoots()
	return t.next.RoundTrip(r)
}
