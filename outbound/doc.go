// Package outbound is the one HTTP client every source and channel uses.
//
// It owns the rules for talking to the outside world from an unattended
// server that fetches user-supplied URLs: an SSRF guard that checks each
// resolved address in the dialer's Control hook (so DNS rebinding and
// redirects are covered too), http/https only, a redirect limit, timeouts for
// every phase, a response body limit counted after decompression, a
// User-Agent, and retries with backoff (Do).
//
// It knows nothing about eBay, feeds or channels, reads no environment and
// keeps no global state: callers pass Options built from config.Config, and
// parse DEALSCOUT_ALLOW_PRIVATE_NETWORKS with ParseAllowList.
package outbound
