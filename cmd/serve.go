package cmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/web"
)

// Server timeouts. ReadHeaderTimeout is what stops a slowloris; the others
// bound a slow body, a slow reader and idle keep-alives.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// shutdownGrace is how long, after SIGTERM or SIGINT, requests and the
	// poll in flight have to finish before they are abandoned.
	shutdownGrace = 15 * time.Second
)

type serveOptions struct {
	insecureNoAuth bool
	scheduler      bool
	// ready, when set, is called with the URL once the server listens
	// (demo prints its own lines after it).
	ready func(url string)
}

func newServeCmd(a *app) *cobra.Command {
	var o serveOptions
	var noScheduler bool
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI, the JSON API and /metrics, and poll due watches on their schedule",
		Long: `serve runs the web UI, the JSON API (/api/v1/, bearer tokens from ` + "`dealscout token create`" + `),
/healthz, /readyz and /metrics on --addr (DEALSCOUT_ADDR, default 127.0.0.1:8080), and polls each watch
when its --every is due, taking the same lock as a cron ` + "`dealscout poll`" + ` (while one holds it, the
round is skipped), delivering alerts and digests.

The UI asks for DEALSCOUT_ADMIN_PASSWORD. Without one, serve only listens on a loopback address, unless
--insecure-no-auth says something else (a proxy with its own login, a firewall) guards it.
SIGTERM or SIGINT stops it gracefully; a second one stops it at once.`,
		Example: "  DEALSCOUT_ADMIN_PASSWORD_FILE=/etc/dealscout/password dealscout serve --addr 0.0.0.0:8080",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.scheduler = !noScheduler
			return a.serve(cmd.Context(), o)
		},
	}
	f := c.Flags()
	f.String("addr", "", "HOST:PORT to listen on (env DEALSCOUT_ADDR, default 127.0.0.1:8080)")
	f.BoolVar(&o.insecureNoAuth, "insecure-no-auth", false, "serve without a login on a non-loopback address")
	f.BoolVar(&noScheduler, "no-scheduler", false, "do not poll; leave polling to cron")
	return c
}

// checkAuth refuses to serve an open UI to the network.
func (a *app) checkAuth(o serveOptions) error {
	if a.cfg.AdminPassword.Reveal() != "" || o.insecureNoAuth || loopbackAddr(a.cfg.Addr) {
		return nil
	}
	return usageError("serve: DEALSCOUT_ADMIN_PASSWORD is not set and %s is not a loopback address, so anyone who can reach it "+
		"could change your watches; set DEALSCOUT_ADMIN_PASSWORD (or DEALSCOUT_ADMIN_PASSWORD_FILE), listen on 127.0.0.1, "+
		"or pass --insecure-no-auth if something else guards it", a.cfg.Addr)
}

// loopbackAddr reports whether HOST:PORT listens only on this machine.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// serve runs the HTTP server and the scheduler until ctx ends, then shuts
// both down within shutdownGrace.
func (a *app) serve(ctx context.Context, o serveOptions) error {
	if err := a.checkAuth(o); err != nil {
		return err
	}
	// Held until serve returns, so restore and migrate down refuse to swap
	// or reshape the database under the open handle. The database is closed
	// (checkpointing its -wal) before the lock goes, not after.
	serving, err := holdServe(a)
	if err != nil {
		return err
	}
	defer func() {
		a.close()
		a.st = nil
		_ = serving.Release()
	}()
	// A server lives for weeks: its memory is what stays resident, not what
	// one command's speed needs (see store.Options.Lean).
	a.leanDB = true
	st, err := a.store(ctx, true)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return withCode(ExitError, fmt.Errorf("serve: listen on %s: %w (is another server using the port? set --addr or DEALSCOUT_ADDR)", a.cfg.Addr, err))
	}
	url := "http://" + displayAddr(a.cfg.Addr, ln.Addr())
	metrics := web.NewMetrics()
	schedCtx, schedCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer schedCancel()
	var sched *scheduler
	if o.scheduler {
		sched = newScheduler(a, st, metrics)
	}
	opts := web.Options{Store: st, Log: a.log, Now: a.env.Now, Location: a.cfg.Location, LegalMode: a.cfg.LegalMode,
		BaseURL: a.publicURL(url), Version: Build().Version, AdminPassword: a.cfg.AdminPassword.Reveal(),
		TrustedProxies: a.cfg.TrustedProxies, MetricsToken: a.cfg.MetricsToken.Reveal(), HSTS: a.cfg.HSTS,
		SendTest: a.sendTest, SellerMessage: a.cfg.SellerMessage, EbayDailyCalls: a.cfg.EbayDailyCalls, Metrics: metrics}
	if sched != nil {
		opts.PollNow = sched.PollNow
	}
	if a.cfg.EbayClientID == "" {
		opts.EbayDailyCalls = 0
	}
	srv, err := web.New(opts)
	if err != nil {
		_ = ln.Close()
		return err
	}
	defer func() { _ = srv.Close() }()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	if o.ready != nil {
		o.ready(url)
	} else {
		fmt.Fprintf(a.stdout(), "dealscout serving on %s\n", url)
		if opts.AdminPassword != "" {
			fmt.Fprintln(a.stdout(), "log in with the password in DEALSCOUT_ADMIN_PASSWORD")
		}
	}
	a.log.Info("serving", "url", url, "scheduler", o.scheduler, "login", opts.AdminPassword != "")
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	schedDone := make(chan struct{})
	if sched != nil {
		go func() { defer close(schedDone); sched.Run(ctx, schedCtx) }()
	} else {
		close(schedDone)
	}
	select {
	case err := <-served:
		schedCancel()
		<-schedDone
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing requests and the poll in flight; a second signal stops at once",
		"grace", shutdownGrace.String())
	graceCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(graceCtx); err != nil {
		a.log.Warn("requests still running at shutdown were cut off", "error", err)
	}
	select {
	case <-schedDone:
	case <-graceCtx.Done():
		// Abandoning is safe: each fetch commits in one transaction and
		// alerts wait in the outbox for the next run.
		a.log.Warn("abandoning the poll in flight")
		schedCancel()
		<-schedDone
	}
	a.log.Info("stopped")
	return nil
}

// displayAddr is the configured host with the port actually bound (which
// differs from the configured one for port 0); an empty host, every
// interface, is shown as 0.0.0.0.
func displayAddr(configured string, bound net.Addr) string {
	host, _, err := net.SplitHostPort(configured)
	if err != nil {
		return bound.String()
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if ta, ok := bound.(*net.TCPAddr); ok {
		return net.JoinHostPort(host, fmt.Sprint(ta.Port))
	}
	return bound.String()
}

// publicURL is DEALSCOUT_BASE_URL, or the URL serve listens on.
func (a *app) publicURL(listening string) string {
	if a.cfg.BaseURL != "" {
		return a.cfg.BaseURL
	}
	return listening
}

// sendTest sends a test message through a channel now, for the UI's and
// the API's "send test". Its error never holds the channel's secrets.
func (a *app) sendTest(ctx context.Context, name string) error {
	st, err := a.store(ctx, true)
	if err != nil {
		return err
	}
	ch, err := st.Channel(ctx, name)
	if err != nil {
		return err
	}
	n, err := channels.New(ch.URL, a.channelDeps())
	if err != nil {
		return fmt.Errorf("channel %q cannot send: %v", name, err)
	}
	now := a.now()
	m := notify.SystemMessage(notify.KindTest, "", "dealscout test message",
		fmt.Sprintf("This is a test from dealscout at %s. If you can read it, channel %q works.", now.Format(time.RFC1123), name), now)
	m.ID = notify.MessageID(fmt.Sprintf("test|%s|%d", name, now.UnixNano()))
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := n.Send(sctx, m); err != nil {
		var se *notify.SendError
		if errors.As(err, &se) {
			// Status and reason only: the wrapped error may quote a URL.
			what := se.Reason
			if se.Status != 0 {
				what = fmt.Sprintf("%d %s", se.Status, se.Reason)
			}
			return fmt.Errorf("channel %q (%s): %s", name, channels.Mask(ch.URL), what)
		}
		return fmt.Errorf("channel %q (%s): sending failed", name, channels.Mask(ch.URL))
	}
	return nil
}

// dealPageBase is the web UI's public URL for links in alerts:
// DEALSCOUT_BASE_URL, or http://DEALSCOUT_ADDR when that names one host
// (not every interface, which has no address to link to).
func (a *app) dealPageBase() string {
	if a.cfg.BaseURL != "" {
		return a.cfg.BaseURL
	}
	host, port, err := net.SplitHostPort(a.cfg.Addr)
	if err != nil || port == "0" {
		return ""
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		return ""
	}
	return "http://" + a.cfg.Addr
}
