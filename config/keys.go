package config

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// KeySpec documents one DEALSCOUT_* setting, for the README table and
// `dealscout config`.
type KeySpec struct {
	Name    string // environment name, e.g. DEALSCOUT_LOG_LEVEL
	Default string // as it would be written in a settings file; "" = unset
	Secret  bool   // may be given as Name+"_FILE"; masked in every output
	Help    string // one or two sentences, ending with the allowed values where they are limited
}

// Keys returns every setting in display order.
func Keys() []KeySpec {
	out := make([]KeySpec, len(settings))
	for i, s := range settings {
		out[i] = s.KeySpec
	}
	return out
}

// Names the code refers to outside the table.
const (
	keyConfig      = "DEALSCOUT_CONFIG"
	keyEbayAPIURL  = "DEALSCOUT_EBAY_API_URL"
	keyEbayAuthURL = "DEALSCOUT_EBAY_AUTH_URL"
	envPrefix      = "DEALSCOUT_"
	fileSuffix     = "_FILE"
)

// eBay base URLs; DEALSCOUT_EBAY_ENV picks one for both the API and OAuth
// unless the URLs are set explicitly.
const (
	ebaySandbox       = "sandbox"
	ebayProduction    = "production"
	ebayProductionURL = "https://api.ebay.com"
	ebaySandboxURL    = "https://api.sandbox.ebay.com"
)

// settings is the one table of keys. Load, Validate, Entries, Keys and the
// unknown-key suggestions all walk it, so adding a setting is one line here
// plus its Config field. It is built once and never modified.
var settings = []setting{
	{
		KeySpec: KeySpec{Name: keyConfig, Help: "Settings file of KEY=VALUE lines read instead of .env in the working directory; the real environment and flags override it."},
		get:     func(c *Config) string { return c.ConfigFile },
	},
	text("DEALSCOUT_DB", "dealscout.db", "Path of the SQLite database file.",
		func(c *Config) *string { return &c.DBPath }, nonEmpty),
	enum("DEALSCOUT_LOG_FORMAT", "auto", []string{"auto", "text", "json"}, "Log format on stderr: auto is coloured text on a terminal and JSON otherwise.",
		func(c *Config) *string { return &c.LogFormat }),
	logLevel("DEALSCOUT_LOG_LEVEL", "info", "Least severe log level written.",
		func(c *Config) *slog.Level { return &c.LogLevel }),
	enum("DEALSCOUT_LEGAL_MODE", scout.LegalAPIOnly, scout.LegalModes, "Which sources may be used: api_only allows official APIs, publisher feeds and local files; guided adds listings you enter by hand; off adds unofficial (scraping) sources.",
		func(c *Config) *scout.LegalMode { return &c.LegalMode }),
	boolean("DEALSCOUT_AUTO_MIGRATE", true, "Apply pending database migrations at start.",
		func(c *Config) *bool { return &c.AutoMigrate }),
	timezone("DEALSCOUT_TIMEZONE", "UTC", "IANA time zone for digests, quiet hours and displayed times; storage is always UTC.",
		func(c *Config) **time.Location { return &c.Location }),

	enum("DEALSCOUT_EBAY_ENV", ebayProduction, []string{ebaySandbox, ebayProduction}, "eBay environment; picks the default API and auth URLs.",
		func(c *Config) *string { return &c.EbayEnv }),
	text("DEALSCOUT_EBAY_CLIENT_ID", "", "eBay application client id (App ID); required to use the ebay source.",
		func(c *Config) *string { return &c.EbayClientID }, optional(noSpaces)),
	secret("DEALSCOUT_EBAY_CLIENT_SECRET", "eBay application client secret (Cert ID).",
		func(c *Config) *Secret { return &c.EbayClientSecret }),
	text("DEALSCOUT_EBAY_MARKETPLACE", "EBAY_US", "eBay marketplace id searched, e.g. EBAY_US, EBAY_GB, EBAY_DE.",
		func(c *Config) *string { return &c.EbayMarketplace }, marketplace),
	baseURL("DEALSCOUT_EBAY_API_URL", ebayProductionURL, "eBay Browse API base URL; https://api.sandbox.ebay.com when DEALSCOUT_EBAY_ENV=sandbox.",
		func(c *Config) *string { return &c.EbayAPIURL }, true),
	baseURL("DEALSCOUT_EBAY_AUTH_URL", ebayProductionURL, "eBay OAuth base URL; https://api.sandbox.ebay.com when DEALSCOUT_EBAY_ENV=sandbox.",
		func(c *Config) *string { return &c.EbayAuthURL }, true),
	integer("DEALSCOUT_EBAY_DAILY_CALLS", 5000, 1, 1_000_000, "eBay API calls allowed per day; polling stops for the day at the limit.",
		func(c *Config) *int { return &c.EbayDailyCalls }),
	integer("DEALSCOUT_EBAY_MAX_PAGES", 3, 1, 50, "Most result pages fetched per watch and poll.",
		func(c *Config) *int { return &c.EbayMaxPages }),
	baseURL("DEALSCOUT_CRAIGSLIST_API_URL", "https://sapi.craigslist.org", "Craigslist search API base URL.",
		func(c *Config) *string { return &c.CraigslistAPIURL }, true),

	text("DEALSCOUT_SMTP_HOST", "", "SMTP server host name for mailto: channels.",
		func(c *Config) *string { return &c.SMTPHost }, optional(hostName)),
	integer("DEALSCOUT_SMTP_PORT", 587, 1, 65535, "SMTP server port.",
		func(c *Config) *int { return &c.SMTPPort }),
	text("DEALSCOUT_SMTP_USERNAME", "", "SMTP user name; set together with DEALSCOUT_SMTP_PASSWORD.",
		func(c *Config) *string { return &c.SMTPUsername }, nil),
	secret("DEALSCOUT_SMTP_PASSWORD", "SMTP password.",
		func(c *Config) *Secret { return &c.SMTPPassword }),
	text("DEALSCOUT_SMTP_FROM", "", `Sender address of alert emails, e.g. "Deal Scout <alerts@example.com>"; required with DEALSCOUT_SMTP_HOST.`,
		func(c *Config) *string { return &c.SMTPFrom }, optional(email)),
	enum("DEALSCOUT_SMTP_TLS", "starttls", []string{"starttls", "tls", "none"}, "How to secure the SMTP connection: starttls (usually port 587), tls (implicit, usually 465) or none.",
		func(c *Config) *string { return &c.SMTPTLS }),

	text("DEALSCOUT_TWILIO_ACCOUNT_SID", "", "Twilio account SID for sms: channels.",
		func(c *Config) *string { return &c.TwilioAccountSID }, optional(noSpaces)),
	secret("DEALSCOUT_TWILIO_AUTH_TOKEN", "Twilio auth token.",
		func(c *Config) *Secret { return &c.TwilioAuthToken }),
	text("DEALSCOUT_TWILIO_FROM", "", "Twilio sender number in E.164 form, e.g. +14155550123; required with DEALSCOUT_TWILIO_ACCOUNT_SID.",
		func(c *Config) *string { return &c.TwilioFrom }, optional(e164)),
	baseURL("DEALSCOUT_TWILIO_API_URL", "https://api.twilio.com", "Twilio API base URL.",
		func(c *Config) *string { return &c.TwilioAPIURL }, true),
	baseURL("DEALSCOUT_TELEGRAM_API_URL", "https://api.telegram.org", "Telegram Bot API base URL.",
		func(c *Config) *string { return &c.TelegramAPIURL }, true),
	baseURL("DEALSCOUT_PUSHOVER_API_URL", "https://api.pushover.net", "Pushover API base URL.",
		func(c *Config) *string { return &c.PushoverAPIURL }, true),
	baseURL("DEALSCOUT_DISCORD_API_URL", "https://discord.com", "Discord base URL for discord:// channels.",
		func(c *Config) *string { return &c.DiscordAPIURL }, true),
	secret("DEALSCOUT_WEBHOOK_SECRET", "Key for signing webhook channel bodies the Standard Webhooks way (webhook-id, webhook-timestamp and webhook-signature: v1,HMAC-SHA256); whsec_ followed by base64, or any string.",
		func(c *Config) *Secret { return &c.WebhookSecret }),
	privateNetworks("DEALSCOUT_ALLOW_PRIVATE_NETWORKS", "Outbound requests to loopback, private, link-local and metadata addresses are refused unless this is true or a comma-separated list of CIDRs/IPs to allow."),

	text("DEALSCOUT_ADDR", "127.0.0.1:8080", "HOST:PORT that serve and demo listen on.",
		func(c *Config) *string { return &c.Addr }, hostPort),
	baseURL("DEALSCOUT_BASE_URL", "", "Public URL of the web UI, used in links in alerts; empty = derived from DEALSCOUT_ADDR.",
		func(c *Config) *string { return &c.BaseURL }, false),
	secret("DEALSCOUT_ADMIN_PASSWORD", "Password for the web UI login.",
		func(c *Config) *Secret { return &c.AdminPassword }),
	networkList("DEALSCOUT_TRUSTED_PROXIES", "Reverse proxies (comma-separated CIDRs or IPs) whose X-Forwarded-For and X-Forwarded-Proto serve believes, for client IPs in rate limits and logs and for secure cookies; empty = none.",
		func(c *Config) *[]netip.Prefix { return &c.TrustedProxies }),
	secret("DEALSCOUT_METRICS_TOKEN", "Bearer token /metrics requires; empty = /metrics is open to whoever can reach serve.",
		func(c *Config) *Secret { return &c.MetricsToken }),
	boolean("DEALSCOUT_HSTS", false, "Send Strict-Transport-Security; set it when serve is reached only over HTTPS (directly or behind a TLS proxy).",
		func(c *Config) *bool { return &c.HSTS }),

	integer("DEALSCOUT_POLL_CONCURRENCY", 4, 1, 64, "Sources fetched at the same time during a poll.",
		func(c *Config) *int { return &c.PollConcurrency }),
	duration("DEALSCOUT_HTTP_TIMEOUT", 30*time.Second, time.Second, 10*time.Minute, "Time limit of one outbound HTTP request.",
		func(c *Config) *time.Duration { return &c.HTTPTimeout }),
	duration("DEALSCOUT_POLL_TIMEOUT", 10*time.Minute, 10*time.Second, 24*time.Hour, "Time limit of a whole poll run.",
		func(c *Config) *time.Duration { return &c.PollTimeout }),
	integer("DEALSCOUT_MAX_BODY_BYTES", 10<<20, 1<<10, 256<<20, "Largest response body read from a source or channel, in bytes after decompression.",
		func(c *Config) *int64 { return &c.MaxBodyBytes }),
	integer("DEALSCOUT_GONE_AFTER", 3, 1, 100, "Consecutive complete fetches without a listing before it is marked gone.",
		func(c *Config) *int { return &c.GoneAfter }),

	scoreWeights("DEALSCOUT_SCORE_WEIGHTS", "Score weights overriding the built-in ones, e.g. market=3,condition=2."),
	duration("DEALSCOUT_COMPS_WINDOW", 720*time.Hour, time.Hour, 17520*time.Hour, "How far back comparable listings count towards the market price.",
		func(c *Config) *time.Duration { return &c.CompsWindow }),
	integer("DEALSCOUT_COMPS_MIN_SAMPLES", 5, 1, 1000, "Comparable listings needed before the market price is used.",
		func(c *Config) *int { return &c.CompsMinSamples }),
	text("DEALSCOUT_SELLER_MESSAGE", "Hi! Is this still available? I can pick up today.", "Message offered for copying when contacting a seller.",
		func(c *Config) *string { return &c.SellerMessage }, maxLen(1000)),

	integer("DEALSCOUT_NOTIFY_MAX_ATTEMPTS", 8, 1, 100, "Delivery attempts per alert before it is marked failed.",
		func(c *Config) *int { return &c.NotifyMaxAttempts }),
	integer("DEALSCOUT_NOTIFY_RATE_PER_MINUTE", 30, 1, 10_000, "Most alerts sent per minute on each channel.",
		func(c *Config) *int { return &c.NotifyRatePerMinute }),
	integer("DEALSCOUT_DIGEST_MAX", 10, 1, 1000, "Most deals listed in one digest.",
		func(c *Config) *int { return &c.DigestMax }),
	integer("DEALSCOUT_SOURCE_FAILURE_ALERT", 3, 0, 1000, "Alert after a source fails this many polls in a row; 0 turns the alert off.",
		func(c *Config) *int { return &c.SourceFailureAlert }),

	age("DEALSCOUT_RETENTION", 90*Day, Day, 3650*Day, "How long prune (and serve's daily prune) keeps gone listings, price history, finished poll runs and finished alerts; saved deals are always kept.",
		func(c *Config) *time.Duration { return &c.Retention }),
}
