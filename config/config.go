package config

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Config is every setting dealscout reads, typed and validated. Build it with
// Load (or Default in tests) and pass it explicitly; nothing in dealscout
// reads settings from anywhere else. The DEALSCOUT_* key of each field is in
// the table in keys.go.
type Config struct {
	DBPath      string          // DEALSCOUT_DB
	ConfigFile  string          // the settings file that was read (.env or DEALSCOUT_CONFIG); "" if none
	LogFormat   string          // DEALSCOUT_LOG_FORMAT: auto, text or json
	LogLevel    slog.Level      // DEALSCOUT_LOG_LEVEL
	LegalMode   scout.LegalMode // DEALSCOUT_LEGAL_MODE
	AutoMigrate bool            // DEALSCOUT_AUTO_MIGRATE
	Location    *time.Location  // DEALSCOUT_TIMEZONE

	EbayEnv          string // DEALSCOUT_EBAY_ENV: sandbox or production
	EbayClientID     string // DEALSCOUT_EBAY_CLIENT_ID; "" = eBay source unavailable
	EbayClientSecret Secret // DEALSCOUT_EBAY_CLIENT_SECRET
	EbayMarketplace  string // DEALSCOUT_EBAY_MARKETPLACE, e.g. EBAY_US
	EbayAPIURL       string // DEALSCOUT_EBAY_API_URL, no trailing slash
	EbayAuthURL      string // DEALSCOUT_EBAY_AUTH_URL, no trailing slash
	EbayDailyCalls   int    // DEALSCOUT_EBAY_DAILY_CALLS
	EbayMaxPages     int    // DEALSCOUT_EBAY_MAX_PAGES
	CraigslistAPIURL string // DEALSCOUT_CRAIGSLIST_API_URL

	SMTPHost     string // DEALSCOUT_SMTP_HOST; "" = email unavailable
	SMTPPort     int    // DEALSCOUT_SMTP_PORT
	SMTPUsername string // DEALSCOUT_SMTP_USERNAME
	SMTPPassword Secret // DEALSCOUT_SMTP_PASSWORD
	SMTPFrom     string // DEALSCOUT_SMTP_FROM, may include a display name
	SMTPTLS      string // DEALSCOUT_SMTP_TLS: starttls, tls or none

	TwilioAccountSID string // DEALSCOUT_TWILIO_ACCOUNT_SID; "" = SMS unavailable
	TwilioAuthToken  Secret // DEALSCOUT_TWILIO_AUTH_TOKEN
	TwilioFrom       string // DEALSCOUT_TWILIO_FROM, E.164
	TwilioAPIURL     string // DEALSCOUT_TWILIO_API_URL
	TelegramAPIURL   string // DEALSCOUT_TELEGRAM_API_URL
	PushoverAPIURL   string // DEALSCOUT_PUSHOVER_API_URL
	DiscordAPIURL    string // DEALSCOUT_DISCORD_API_URL
	WebhookSecret    Secret // DEALSCOUT_WEBHOOK_SECRET

	// DEALSCOUT_ALLOW_PRIVATE_NETWORKS: "true" sets AllowPrivateNetworks; a
	// list of CIDRs/IPs fills AllowedNetworks (single IPs become /32 or /128).
	AllowPrivateNetworks bool
	AllowedNetworks      []netip.Prefix

	Addr          string // DEALSCOUT_ADDR, HOST:PORT
	BaseURL       string // DEALSCOUT_BASE_URL, public URL for links in alerts; "" = derive from Addr
	AdminPassword Secret // DEALSCOUT_ADMIN_PASSWORD

	TrustedProxies []netip.Prefix // DEALSCOUT_TRUSTED_PROXIES, peers whose X-Forwarded-* headers serve believes
	MetricsToken   Secret         // DEALSCOUT_METRICS_TOKEN; "" = /metrics needs no token
	HSTS           bool           // DEALSCOUT_HSTS, send Strict-Transport-Security (serve is reached over HTTPS)

	PollConcurrency int           // DEALSCOUT_POLL_CONCURRENCY
	HTTPTimeout     time.Duration // DEALSCOUT_HTTP_TIMEOUT, one outbound request
	PollTimeout     time.Duration // DEALSCOUT_POLL_TIMEOUT, a whole poll run
	MaxBodyBytes    int64         // DEALSCOUT_MAX_BODY_BYTES
	GoneAfter       int           // DEALSCOUT_GONE_AFTER, consecutive complete fetches

	ScoreWeights    map[string]float64 // DEALSCOUT_SCORE_WEIGHTS, component name → weight; nil = built-in weights
	CompsWindow     time.Duration      // DEALSCOUT_COMPS_WINDOW
	CompsMinSamples int                // DEALSCOUT_COMPS_MIN_SAMPLES
	SellerMessage   string             // DEALSCOUT_SELLER_MESSAGE

	NotifyMaxAttempts   int // DEALSCOUT_NOTIFY_MAX_ATTEMPTS
	NotifyRatePerMinute int // DEALSCOUT_NOTIFY_RATE_PER_MINUTE, per channel
	DigestMax           int // DEALSCOUT_DIGEST_MAX, deals per digest
	SourceFailureAlert  int // DEALSCOUT_SOURCE_FAILURE_ALERT, failed polls in a row; 0 = off

	Retention time.Duration // DEALSCOUT_RETENTION, what prune keeps

	origins     map[string]Origin // key → layer that set it; missing = default
	secretFiles map[string]string // secret key → the file its value was read from (NAME_FILE)
}

// Origin is the layer a setting's effective value came from.
type Origin string

// Origins, from lowest to highest precedence.
const (
	OriginDefault Origin = "default"
	OriginFile    Origin = "file"
	OriginEnv     Origin = "env"
	OriginFlag    Origin = "flag"
)

// Default returns a Config holding only the built-in defaults, as Load would
// with nothing set. Tests start from it and change what they need.
func Default() *Config {
	c := &Config{}
	for _, s := range settings {
		if s.set == nil {
			continue
		}
		if err := s.set(c, s.Default); err != nil {
			// The table's defaults are covered by TestDefaultIsValid; reaching
			// this means the table itself is broken.
			panic("config: default for " + s.Name + " does not parse: " + err.Error())
		}
	}
	c.resolveDerived()
	return c
}

// origin reports where key's value came from.
func (c *Config) origin(key string) Origin {
	if o, ok := c.origins[key]; ok {
		return o
	}
	return OriginDefault
}

// resolveDerived fills settings whose default depends on another setting.
// Keys the user set explicitly are left alone.
func (c *Config) resolveDerived() {
	base := ebayProductionURL
	if c.EbayEnv == ebaySandbox {
		base = ebaySandboxURL
	}
	if c.origin(keyEbayAPIURL) == OriginDefault {
		c.EbayAPIURL = base
	}
	if c.origin(keyEbayAuthURL) == OriginDefault {
		c.EbayAuthURL = base
	}
}
