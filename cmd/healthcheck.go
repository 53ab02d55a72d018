package cmd

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"
)

// newHealthcheckCmd asks a running serve for /healthz. It exists for
// container images without a shell or curl (the Dockerfile's HEALTHCHECK
// runs it), and for monitoring scripts.
func newHealthcheckCmd(a *app) *cobra.Command {
	var (
		rawURL  string
		timeout time.Duration
	)
	c := &cobra.Command{
		Use:   "healthcheck [--url URL] [--timeout 3s]",
		Short: "Exit 0 when serve answers /healthz at DEALSCOUT_ADDR with 200, 1 otherwise",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if timeout <= 0 || timeout > time.Minute {
				return usageError("--timeout must be from 1ms to 1m (got %s)", timeout)
			}
			target := rawURL
			if target == "" {
				var err error
				if target, err = healthzURL(a.cfg.Addr); err != nil {
					return usageError("DEALSCOUT_ADDR: %v", err)
				}
			} else if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usageError("--url must be an http(s) URL such as http://127.0.0.1:8080/healthz (got %q)", rawURL)
			}
			return checkHealth(cmd.Context(), a, target, timeout)
		},
	}
	c.Flags().StringVar(&rawURL, "url", "", "URL to check (default http://DEALSCOUT_ADDR/healthz, with a wildcard host asked on loopback)")
	c.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	return c
}

// healthzURL is /healthz on addr. A wildcard or empty host is where serve
// listens on every interface; ask it on loopback.
func healthzURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%q is not HOST:PORT", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return (&url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: "/healthz"}).String(), nil
}

func checkHealth(ctx context.Context, a *app, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	// A plain client on purpose: this asks our own server, which the
	// outbound guard (no loopback) is there to keep sources away from.
	client := withFallbackRoots(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }})
	resp, err := client.Do(req) // #nosec G704 -- the operator's own serve address
	if err != nil {
		return fmt.Errorf("healthcheck: %s: %w", target, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", target, resp.Status)
	}
	fmt.Fprintf(a.stdout(), "ok: %s answered %s\n", target, resp.Status)
	return nil
}
