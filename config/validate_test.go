package config

import (
	"log/slog"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValid(t *testing.T) {
	t.Parallel()
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v; the key table's defaults must be valid", err)
	}
}

// TestLoadRejects checks each setting's rule through Load, as a user meets it:
// the message names the key, what is allowed, and what was given.
func TestLoadRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  string
		want string
	}{
		{"DEALSCOUT_LEGAL_MODE=strict", `DEALSCOUT_LEGAL_MODE must be one of api_only, guided, off (got "strict")`},
		{"DEALSCOUT_LOG_FORMAT=xml", `DEALSCOUT_LOG_FORMAT must be one of auto, text, json (got "xml")`},
		{"DEALSCOUT_LOG_LEVEL=loud", `DEALSCOUT_LOG_LEVEL must be one of debug, info, warn, error (got "loud")`},
		{"DEALSCOUT_EBAY_ENV=staging", `DEALSCOUT_EBAY_ENV must be one of sandbox, production (got "staging")`},
		{"DEALSCOUT_SMTP_TLS=ssl", `DEALSCOUT_SMTP_TLS must be one of starttls, tls, none (got "ssl")`},
		{"DEALSCOUT_AUTO_MIGRATE=maybe", `DEALSCOUT_AUTO_MIGRATE must be true or false (got "maybe")`},
		{"DEALSCOUT_TIMEZONE=Mars/Olympus", `DEALSCOUT_TIMEZONE must be an IANA time zone name such as UTC or America/New_York (got "Mars/Olympus")`},
		{"DEALSCOUT_EBAY_DAILY_CALLS=0", `DEALSCOUT_EBAY_DAILY_CALLS must be a whole number from 1 to 1000000 (got "0")`},
		{"DEALSCOUT_EBAY_DAILY_CALLS=1000001", `DEALSCOUT_EBAY_DAILY_CALLS must be a whole number from 1 to 1000000 (got "1000001")`},
		{"DEALSCOUT_EBAY_MAX_PAGES=51", `DEALSCOUT_EBAY_MAX_PAGES must be a whole number from 1 to 50 (got "51")`},
		{"DEALSCOUT_EBAY_MAX_PAGES=three", `DEALSCOUT_EBAY_MAX_PAGES must be a whole number from 1 to 50 (got "three")`},
		{"DEALSCOUT_SMTP_PORT=70000", `DEALSCOUT_SMTP_PORT must be a whole number from 1 to 65535`},
		{"DEALSCOUT_POLL_CONCURRENCY=65", `DEALSCOUT_POLL_CONCURRENCY must be a whole number from 1 to 64`},
		{"DEALSCOUT_MAX_BODY_BYTES=1023", `DEALSCOUT_MAX_BODY_BYTES must be a whole number from 1024 to 268435456`},
		{"DEALSCOUT_MAX_BODY_BYTES=99999999999999999999", `DEALSCOUT_MAX_BODY_BYTES must be a whole number from 1024 to 268435456`},
		{"DEALSCOUT_GONE_AFTER=0", `DEALSCOUT_GONE_AFTER must be a whole number from 1 to 100`},
		{"DEALSCOUT_COMPS_MIN_SAMPLES=0", `DEALSCOUT_COMPS_MIN_SAMPLES must be a whole number from 1 to 1000`},
		{"DEALSCOUT_NOTIFY_MAX_ATTEMPTS=0", `DEALSCOUT_NOTIFY_MAX_ATTEMPTS must be a whole number from 1 to 100`},
		{"DEALSCOUT_NOTIFY_RATE_PER_MINUTE=0", `DEALSCOUT_NOTIFY_RATE_PER_MINUTE must be a whole number from 1 to 10000`},
		{"DEALSCOUT_DIGEST_MAX=0", `DEALSCOUT_DIGEST_MAX must be a whole number from 1 to 1000`},
		{"DEALSCOUT_SOURCE_FAILURE_ALERT=-1", `DEALSCOUT_SOURCE_FAILURE_ALERT must be a whole number from 0 to 1000`},
		{"DEALSCOUT_HTTP_TIMEOUT=30", `DEALSCOUT_HTTP_TIMEOUT must be a duration from 1s to 10m, written like 45s, 10m or 1h30m (got "30")`},
		{"DEALSCOUT_HTTP_TIMEOUT=-5s", `DEALSCOUT_HTTP_TIMEOUT must be a duration from 1s to 10m`},
		{"DEALSCOUT_HTTP_TIMEOUT=0s", `DEALSCOUT_HTTP_TIMEOUT must be a duration from 1s to 10m`},
		{"DEALSCOUT_HTTP_TIMEOUT=11m", `DEALSCOUT_HTTP_TIMEOUT must be a duration from 1s to 10m, written like 45s, 10m or 1h30m (got "11m")`},
		{"DEALSCOUT_POLL_TIMEOUT=25h", `DEALSCOUT_POLL_TIMEOUT must be a duration from 10s to 24h`},
		{"DEALSCOUT_COMPS_WINDOW=30d", `DEALSCOUT_COMPS_WINDOW must be a duration from 1h to 17520h`},
		{"DEALSCOUT_ADDR=8080", `DEALSCOUT_ADDR must be HOST:PORT such as 127.0.0.1:8080, [::1]:8080 or :8080 (got "8080")`},
		{"DEALSCOUT_ADDR=localhost:http", `DEALSCOUT_ADDR must be HOST:PORT`},
		{"DEALSCOUT_ADDR=http://localhost:8080", `DEALSCOUT_ADDR must be HOST:PORT`},
		{"DEALSCOUT_SMTP_HOST=smtp://mail.test", `DEALSCOUT_SMTP_HOST must be a host name or IP address without scheme or port`},
		{"DEALSCOUT_SMTP_HOST=mail.test:587", `DEALSCOUT_SMTP_HOST must be a host name or IP address without scheme or port`},
		{"DEALSCOUT_EBAY_API_URL=api.ebay.com", `DEALSCOUT_EBAY_API_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_EBAY_AUTH_URL=ftp://api.ebay.com", `DEALSCOUT_EBAY_AUTH_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_CRAIGSLIST_API_URL=/relative", `DEALSCOUT_CRAIGSLIST_API_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_TWILIO_API_URL=https://api.twilio.com?x=1", `DEALSCOUT_TWILIO_API_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_TELEGRAM_API_URL=https://", `DEALSCOUT_TELEGRAM_API_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_PUSHOVER_API_URL=pushover", `DEALSCOUT_PUSHOVER_API_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_DISCORD_API_URL=discord.com", `DEALSCOUT_DISCORD_API_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_BASE_URL=deals.example.com", `DEALSCOUT_BASE_URL must be an absolute http(s) URL`},
		{"DEALSCOUT_EBAY_MARKETPLACE=US", `DEALSCOUT_EBAY_MARKETPLACE must be an eBay marketplace id such as EBAY_US, EBAY_GB or EBAY_DE (got "US")`},
		{"DEALSCOUT_EBAY_MARKETPLACE=ebay_us", `DEALSCOUT_EBAY_MARKETPLACE must be an eBay marketplace id`},
		{"DEALSCOUT_EBAY_CLIENT_ID=two words", `DEALSCOUT_EBAY_CLIENT_ID must not contain spaces`},
		{"DEALSCOUT_TWILIO_ACCOUNT_SID=AC 123", `DEALSCOUT_TWILIO_ACCOUNT_SID must not contain spaces`},
		{"DEALSCOUT_SMTP_FROM=alerts", `DEALSCOUT_SMTP_FROM must be an email address such as alerts@example.com`},
		{"DEALSCOUT_TWILIO_FROM=4155550123", `DEALSCOUT_TWILIO_FROM must be a phone number in E.164 form such as +14155550123 (got "4155550123")`},
		{"DEALSCOUT_TWILIO_FROM=+0123", `DEALSCOUT_TWILIO_FROM must be a phone number in E.164 form`},
		{"DEALSCOUT_TWILIO_FROM=+1234567890123456", `DEALSCOUT_TWILIO_FROM must be a phone number in E.164 form`},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=yes", `DEALSCOUT_ALLOW_PRIVATE_NETWORKS must be empty, false, true, or a comma-separated list of CIDRs or IPs`},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=10.0.0.0/33", `DEALSCOUT_ALLOW_PRIVATE_NETWORKS must be empty, false, true`},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=10.0.0.0/8,,", `DEALSCOUT_ALLOW_PRIVATE_NETWORKS must be empty, false, true`},
		{"DEALSCOUT_SCORE_WEIGHTS=market", `DEALSCOUT_SCORE_WEIGHTS must be NAME=WEIGHT pairs separated by commas, such as market=3,condition=2`},
		{"DEALSCOUT_SCORE_WEIGHTS=looks=3", `DEALSCOUT_SCORE_WEIGHTS has unknown component "looks"; use price, market, limit`},
		{"DEALSCOUT_SCORE_WEIGHTS=market=101", `DEALSCOUT_SCORE_WEIGHTS gives market a weight outside 0 to 100`},
		{"DEALSCOUT_SCORE_WEIGHTS=market=-1", `DEALSCOUT_SCORE_WEIGHTS gives market a weight outside 0 to 100`},
		{"DEALSCOUT_SCORE_WEIGHTS=market=lots", `DEALSCOUT_SCORE_WEIGHTS gives market a weight outside 0 to 100`},
		{"DEALSCOUT_SCORE_WEIGHTS=market=1,market=2", `DEALSCOUT_SCORE_WEIGHTS names "market" twice`},
		{"DEALSCOUT_SELLER_MESSAGE=" + strings.Repeat("x", 1001), `DEALSCOUT_SELLER_MESSAGE must be at most 1000 bytes long (got 1001)`},
	}
	for _, tt := range tests {
		t.Run(tt.env[:min(len(tt.env), 60)], func(t *testing.T) {
			t.Parallel()
			_, err := loadEnv(t, tt.env)
			wantErrorContaining(t, err, tt.want)
		})
	}
}

// TestValidateRejects checks the rules that only a Config built in code can
// break, because Load's parsing would refuse the value first.
func TestValidateRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"empty db path", func(c *Config) { c.DBPath = "" }, "DEALSCOUT_DB must not be empty"},
		{"log level between levels", func(c *Config) { c.LogLevel = slog.Level(2) }, "DEALSCOUT_LOG_LEVEL must be one of debug, info, warn, error"},
		{"no location", func(c *Config) { c.Location = nil }, "DEALSCOUT_TIMEZONE must be an IANA time zone name"},
		{"int below range", func(c *Config) { c.EbayMaxPages = 0 }, `DEALSCOUT_EBAY_MAX_PAGES must be a whole number from 1 to 50 (got "0")`},
		{"int64 above range", func(c *Config) { c.MaxBodyBytes = 1 << 40 }, "DEALSCOUT_MAX_BODY_BYTES must be a whole number from 1024 to 268435456"},
		{"zero duration", func(c *Config) { c.HTTPTimeout = 0 }, `DEALSCOUT_HTTP_TIMEOUT must be a duration from 1s to 10m, written like 45s, 10m or 1h30m (got "0s")`},
		{"invalid prefix", func(c *Config) { c.AllowedNetworks = []netip.Prefix{{}} }, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS must be empty, false, true"},
		{"unknown weight", func(c *Config) { c.ScoreWeights = map[string]float64{"looks": 1} }, `DEALSCOUT_SCORE_WEIGHTS has unknown component "looks"`},
		{"enum case", func(c *Config) { c.LegalMode = "API_ONLY" }, `DEALSCOUT_LEGAL_MODE must be one of api_only, guided, off (got "API_ONLY")`},
		{"empty required URL", func(c *Config) { c.TwilioAPIURL = "" }, "DEALSCOUT_TWILIO_API_URL must be an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Default()
			tt.change(c)
			wantErrorContaining(t, c.Validate(), tt.want)
		})
	}
}

func TestURLWithCredentialsIsNotEchoed(t *testing.T) {
	t.Parallel()
	_, err := loadEnv(t, "DEALSCOUT_BASE_URL=https://admin:s3cretcanary@deals.example.com")
	wantErrorContaining(t, err, "DEALSCOUT_BASE_URL", "without credentials")
	if strings.Contains(err.Error(), "s3cretcanary") {
		t.Errorf("error %q repeats the password in the URL", err)
	}
}

// TestLoadAccepts checks spellings users write and the typed value each becomes.
func TestLoadAccepts(t *testing.T) {
	t.Parallel()
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env  string
		got  func(c *Config) any
		want any
	}{
		{"DEALSCOUT_LOG_LEVEL=DEBUG", func(c *Config) any { return c.LogLevel }, slog.LevelDebug},
		{"DEALSCOUT_LOG_LEVEL=warn", func(c *Config) any { return c.LogLevel }, slog.LevelWarn},
		{"DEALSCOUT_LEGAL_MODE= Guided ", func(c *Config) any { return string(c.LegalMode) }, "guided"},
		{"DEALSCOUT_AUTO_MIGRATE=no", func(c *Config) any { return c.AutoMigrate }, false},
		{"DEALSCOUT_AUTO_MIGRATE=0", func(c *Config) any { return c.AutoMigrate }, false},
		{"DEALSCOUT_TIMEZONE=America/New_York", func(c *Config) any { return c.Location.String() }, newYork.String()},
		{"DEALSCOUT_ADDR=:0", func(c *Config) any { return c.Addr }, ":0"},
		{"DEALSCOUT_ADDR=[::1]:9000", func(c *Config) any { return c.Addr }, "[::1]:9000"},
		{"DEALSCOUT_SMTP_HOST=127.0.0.1", func(c *Config) any { return c.SMTPHost }, "127.0.0.1"},
		{"DEALSCOUT_HTTP_TIMEOUT=1m30s", func(c *Config) any { return c.HTTPTimeout }, 90 * time.Second},
		{"DEALSCOUT_MAX_BODY_BYTES=1024", func(c *Config) any { return c.MaxBodyBytes }, int64(1024)},
		{"DEALSCOUT_SOURCE_FAILURE_ALERT=0", func(c *Config) any { return c.SourceFailureAlert }, 0},
		{"DEALSCOUT_TWILIO_API_URL=http://127.0.0.1:4010/", func(c *Config) any { return c.TwilioAPIURL }, "http://127.0.0.1:4010"},
		{"DEALSCOUT_BASE_URL=https://deals.example.com/scout/", func(c *Config) any { return c.BaseURL }, "https://deals.example.com/scout"},
		{"DEALSCOUT_EBAY_MARKETPLACE=EBAY_MOTORS_US", func(c *Config) any { return c.EbayMarketplace }, "EBAY_MOTORS_US"},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true", func(c *Config) any { return c.AllowPrivateNetworks }, true},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=TRUE", func(c *Config) any { return c.AllowPrivateNetworks }, true},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=false", func(c *Config) any { return c.AllowPrivateNetworks }, false},
		{"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=10.1.2.3/8, 192.168.1.5,fd00::1", func(c *Config) any { return c.AllowedNetworks }, []netip.Prefix{
			netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.5/32"), netip.MustParsePrefix("fd00::1/128"),
		}},
		{"DEALSCOUT_SCORE_WEIGHTS=market=3, Condition=2.5,risk=0", func(c *Config) any { return c.ScoreWeights }, map[string]float64{"market": 3, "condition": 2.5, "risk": 0}},
		{"DEALSCOUT_SMTP_FROM=Deal Scout <alerts@example.com>", func(c *Config) any { return c.SMTPFrom }, "Deal Scout <alerts@example.com>"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			env := []string{tt.env}
			if strings.HasPrefix(tt.env, "DEALSCOUT_SMTP_HOST=") {
				env = append(env, "DEALSCOUT_SMTP_FROM=alerts@example.com")
			}
			c := mustLoadEnv(t, env...)
			if got := tt.got(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("after %s got %#v, want %#v", tt.env, got, tt.want)
			}
		})
	}
}

func TestCrossFieldRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"ebay id without secret", []string{"DEALSCOUT_EBAY_CLIENT_ID=app"},
			[]string{"DEALSCOUT_EBAY_CLIENT_ID is set but DEALSCOUT_EBAY_CLIENT_SECRET is not"}},
		{"ebay secret without id", []string{"DEALSCOUT_EBAY_CLIENT_SECRET=s"},
			[]string{"DEALSCOUT_EBAY_CLIENT_SECRET is set but DEALSCOUT_EBAY_CLIENT_ID is not"}},
		{"smtp username without password", []string{"DEALSCOUT_SMTP_USERNAME=u"},
			[]string{"DEALSCOUT_SMTP_USERNAME is set but DEALSCOUT_SMTP_PASSWORD is not"}},
		{"smtp password without username", []string{"DEALSCOUT_SMTP_PASSWORD=p"},
			[]string{"DEALSCOUT_SMTP_PASSWORD is set but DEALSCOUT_SMTP_USERNAME is not"}},
		{"smtp host without from", []string{"DEALSCOUT_SMTP_HOST=mail.test"},
			[]string{"DEALSCOUT_SMTP_FROM must be set when DEALSCOUT_SMTP_HOST is"}},
		{"twilio sid without token", []string{"DEALSCOUT_TWILIO_ACCOUNT_SID=AC1", "DEALSCOUT_TWILIO_FROM=+14155550123"},
			[]string{"DEALSCOUT_TWILIO_ACCOUNT_SID is set but DEALSCOUT_TWILIO_AUTH_TOKEN is not"}},
		{"twilio token without sid", []string{"DEALSCOUT_TWILIO_AUTH_TOKEN=t"},
			[]string{"DEALSCOUT_TWILIO_AUTH_TOKEN is set but DEALSCOUT_TWILIO_ACCOUNT_SID is not"}},
		{"twilio sid without from", []string{"DEALSCOUT_TWILIO_ACCOUNT_SID=AC1", "DEALSCOUT_TWILIO_AUTH_TOKEN=t"},
			[]string{"DEALSCOUT_TWILIO_FROM must be set when DEALSCOUT_TWILIO_ACCOUNT_SID is"}},
		{"poll timeout shorter than request timeout", []string{"DEALSCOUT_HTTP_TIMEOUT=5m", "DEALSCOUT_POLL_TIMEOUT=1m"},
			[]string{"DEALSCOUT_POLL_TIMEOUT (1m) must be at least DEALSCOUT_HTTP_TIMEOUT (5m)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadEnv(t, tt.env...)
			wantErrorContaining(t, err, tt.want...)
		})
	}
}

func TestCrossFieldRulesAccept(t *testing.T) {
	t.Parallel()
	mustLoadEnv(t,
		"DEALSCOUT_EBAY_CLIENT_ID=app", "DEALSCOUT_EBAY_CLIENT_SECRET=s",
		"DEALSCOUT_SMTP_HOST=mail.test", "DEALSCOUT_SMTP_FROM=a@mail.test", "DEALSCOUT_SMTP_USERNAME=u", "DEALSCOUT_SMTP_PASSWORD=p",
		"DEALSCOUT_TWILIO_ACCOUNT_SID=AC1", "DEALSCOUT_TWILIO_AUTH_TOKEN=t", "DEALSCOUT_TWILIO_FROM=+14155550123",
		"DEALSCOUT_HTTP_TIMEOUT=1m", "DEALSCOUT_POLL_TIMEOUT=1m",
	)
}

func TestEbayEnvPicksURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		env               []string
		wantAPI, wantAuth string
	}{
		{"production by default", nil, "https://api.ebay.com", "https://api.ebay.com"},
		{"sandbox", []string{"DEALSCOUT_EBAY_ENV=sandbox"}, "https://api.sandbox.ebay.com", "https://api.sandbox.ebay.com"},
		{"explicit API URL kept in sandbox", []string{"DEALSCOUT_EBAY_ENV=sandbox", "DEALSCOUT_EBAY_API_URL=http://127.0.0.1:9999"},
			"http://127.0.0.1:9999", "https://api.sandbox.ebay.com"},
		{"explicit auth URL kept in production", []string{"DEALSCOUT_EBAY_AUTH_URL=http://127.0.0.1:9998"},
			"https://api.ebay.com", "http://127.0.0.1:9998"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustLoadEnv(t, tt.env...)
			if c.EbayAPIURL != tt.wantAPI || c.EbayAuthURL != tt.wantAuth {
				t.Errorf("API, auth URL = %s, %s; want %s, %s", c.EbayAPIURL, c.EbayAuthURL, tt.wantAPI, tt.wantAuth)
			}
		})
	}
}
