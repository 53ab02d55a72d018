// Package outbound is the one HTTP client every source and channel uses: an
// SSRF guard that checks each resolved address in the dialer's Control hook,
// redirect and timeout limits, a body limit counted after decompression, and
// retries with backoff.
package outbound

import (
	"errors"
	"net/http"
	"net/netip"
	"time"
)

// ErrBodyTooLarge is returned while reading a response body past the limit.
var ErrBodyTooLarge = errors.New("outbound: response body exceeds the size limit")

// BlockedError is a refused connection to a forbidden address.
type BlockedError struct {
	Addr   string
	Reason string
}

func (e *BlockedError) Error() string {
	return "outbound: refusing to connect to " + e.Addr + " (" + e.Reason + "); set DEALSCOUT_ALLOW_PRIVATE_NETWORKS to allow it"
}

// Options configure New.
type Options struct {
	AllowPrivate  bool           // allow every address (DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true)
	AllowCIDRs    []netip.Prefix // allow these ranges even when private
	Timeout       time.Duration  // whole request, default 30s
	DialTimeout   time.Duration  // default 10s
	HeaderTimeout time.Duration  // default 15s
	MaxBody       int64          // bytes after decompression, default 10 MiB
	MaxRedirects  int            // default 5
	UserAgent     string         // default "dealscout"
}

// New returns the guarded client.
func New(o Options) *http.Client {
	panic("outbound.New: written by the outbound work item")
}
