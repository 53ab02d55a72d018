package outbound

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"time"
)

// ErrBodyTooLarge is returned while reading a response body past the limit.
var ErrBodyTooLarge = errors.New("outbound: response body exceeds the size limit")

// BlockedError is a refused connection to a forbidden address.
type BlockedError struct {
	Addr   string // the refused address; ip:port when it comes from a dial
	Reason string // which range it is in, e.g. "loopback", "private", "link-local/metadata"
}

func (e *BlockedError) Error() string {
	return "outbound: refusing to connect to " + e.Addr + " (" + e.Reason + "); set DEALSCOUT_ALLOW_PRIVATE_NETWORKS to allow it"
}

// Options configure New. The zero value is the safe default.
type Options struct {
	AllowPrivate  bool           // allow every address (DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true)
	AllowCIDRs    []netip.Prefix // allow these ranges even when private
	Timeout       time.Duration  // whole request including reading the body, default 30s
	DialTimeout   time.Duration  // default 10s
	HeaderTimeout time.Duration  // from sending the request to the response headers, default 15s
	MaxBody       int64          // bytes after decompression, default 10 MiB
	MaxRedirects  int            // default 5; negative follows none and returns the 3xx response
	UserAgent     string         // default UserAgent(""); build it with UserAgent(version)
}

// Defaults for the zero Options.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultDialTimeout   = 10 * time.Second
	DefaultHeaderTimeout = 15 * time.Second
	DefaultMaxBody       = 10 << 20
	DefaultMaxRedirects  = 5

	tlsHandshakeTimeout = 10 * time.Second
	idleConnTimeout     = 90 * time.Second
	// dealscout talks to a handful of hosts at a time (one per source or
	// channel), so a few idle connections per host is all reuse needs.
	maxIdleConnsPerHost = 4
	maxIdleConns        = 32
)

// UserAgent is the User-Agent dealscout sends: "dealscout/<version>
// (+https://github.com/dealscout/dealscout)", so site operators can see who
// is calling and where to complain.
func UserAgent(version string) string {
	name := "dealscout"
	if version != "" {
		name += "/" + version
	}
	return name + " (+https://github.com/dealscout/dealscout)"
}

// New returns the guarded client. Every source and channel gets its
// *http.Client from here; none builds its own.
func New(o Options) *http.Client {
	o = o.withDefaults()
	dialer := &net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		// Control runs after DNS resolution, on the exact address being
		// connected to, for the first request and every redirect alike.
		dialer.Control = dialGuard(slices.Clone(o.AllowCIDRs))
	}
	tr := &http.Transport{
		// No proxy, not even from the environment: with a proxy the dialer
		// connects to the proxy, so the guard would check the proxy's address
		// and never the target's.
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true, // a custom DialContext turns HTTP/2 off otherwise
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  o.HeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        idleConnTimeout,
		MaxIdleConns:           maxIdleConns,
		MaxIdleConnsPerHost:    maxIdleConnsPerHost,
		MaxResponseHeaderBytes: 1 << 20,
	}
	return &http.Client{
		// guardTransport sits outside http.Transport, which decompresses gzip
		// inside its RoundTrip, so the body limit counts decompressed bytes.
		Transport:     &guardTransport{next: tr, userAgent: o.UserAgent, maxBody: o.MaxBody},
		CheckRedirect: redirectPolicy(o.MaxRedirects),
		Timeout:       o.Timeout,
	}
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.HeaderTimeout <= 0 {
		o.HeaderTimeout = DefaultHeaderTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = UserAgent("")
	}
	return o
}
