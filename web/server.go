package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web/ui"
	"github.com/dealscout/dealscout/web/vcache"
)

// Options configure the server; cmd/serve.go fills them from the configuration.
type Options struct {
	Store     *store.Store
	Log       *slog.Logger
	Now       func() time.Time // clock; default time.Now
	Location  *time.Location   // DEALSCOUT_TIMEZONE, for the pages
	LegalMode scout.LegalMode  // watches are validated against it
	BaseURL   string           // public URL, for links in pages and feeds
	Version   string

	// AdminPassword is the UI login password. Empty means no login at all:
	// cmd allows that only on a loopback address or with --insecure-no-auth.
	AdminPassword string
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is required as a bearer token on /metrics.
	MetricsToken string
	// HSTS sends Strict-Transport-Security on every response; set it only
	// when the server is reached over HTTPS.
	HSTS bool

	APIRate      float64       // API requests per second per client IP; default 10
	APIBurst     int           // default 40
	LoginBurst   int           // failed logins allowed at once per client IP; default 5
	LoginRefill  time.Duration // one more failed login allowed after this; default 12s
	MaxBodyBytes int64         // largest request body; default 1 MiB
	SessionTTL   time.Duration // default 30 days

	// PollNow asks the scheduler to poll a watch ("" = every active watch)
	// soon, without waiting for it. Nil: POST /api/v1/poll answers 503.
	PollNow func(ctx context.Context, watch string) error
	// SendTest sends a test message through the named channel now.
	SendTest func(ctx context.Context, channel string) error
	// SellerMessage is the ready message to a seller shown with a deal.
	SellerMessage string
	// EbayDailyCalls is the eBay call budget, for the health page; 0 hides it.
	EbayDailyCalls int

	// Metrics is where request and poll figures go; nil = a fresh registry.
	Metrics *Metrics
}

// Server is dealscout's HTTP handler with its dependencies.
type Server struct {
	opts     Options
	log      *slog.Logger
	st       *store.Store
	mux      *http.ServeMux
	handler  http.Handler
	metrics  *Metrics
	apiLim   *ipLimiter
	loginLim *ipLimiter
	ui       *ui.UI
	versions *store.Versions
	cache    *vcache.Cache
}

// cacheEntries bounds what the server keeps of one database version: pages
// of deals (a few kB to tens of kB each), token and session checks.
const cacheEntries = 256

// New builds the server and mounts every route.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("web: Options.Store is required")
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.LegalMode == "" {
		o.LegalMode = scout.LegalAPIOnly
	}
	if o.APIRate <= 0 {
		o.APIRate = 10
	}
	if o.APIBurst <= 0 {
		o.APIBurst = 40
	}
	if o.LoginBurst <= 0 {
		o.LoginBurst = 5
	}
	if o.LoginRefill <= 0 {
		o.LoginRefill = 12 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * 24 * time.Hour
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	s := &Server{
		opts: o, log: o.Log, st: o.Store, metrics: o.Metrics,
		apiLim:   newIPLimiter(o.APIRate, o.APIBurst),
		loginLim: newIPLimiter(float64(time.Second)/float64(o.LoginRefill), o.LoginBurst),
		versions: o.Store.Versions(),
	}
	s.cache = vcache.New(s.versions, cacheEntries)
	if err := o.Metrics.reg.Register(newStoreCollector(o.Store, o.Now, o.Log)); err != nil {
		return nil, fmt.Errorf("web: register store metrics: %w", err)
	}
	s.mux = http.NewServeMux()
	s.routes()
	if err := s.mountUI(); err != nil {
		return nil, err
	}
	s.handler = s.middleware(s.mux)
	return s, nil
}

// Close gives back the database connection the server's cache reads the
// database's version on.
func (s *Server) Close() error { return s.versions.Close() }

// Handler is the whole server: every route behind the middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// Metrics is where the server records its figures.
func (s *Server) Metrics() *Metrics { return s.metrics }

// authRequired reports whether the UI needs a login and the API a token.
func (s *Server) authRequired() bool { return s.opts.AdminPassword != "" }

// routes mounts everything but the UI pages.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	m.Handle("GET /metrics", s.metricsHandler())
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	for _, r := range apiRoutes(s) {
		m.HandleFunc(r.method+" "+r.pattern, r.handler)
	}
}
