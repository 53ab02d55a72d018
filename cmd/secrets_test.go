package cmd

import (
	"bufio"
	"crypto/hmac"
	"crypto/md5" // #nosec G501 -- CRAM-MD5 is what the fake SMTP server checks, not a protection
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The canaries: one distinct secret per place a secret can be configured.
// They are letters and digits so every channel URL form accepts them; the
// SMTP password has characters that change under escaping.
const (
	canaryDiscord      = "CnryDiscordTok7f31a9"
	canaryDiscordShort = "CnryDiscordShort52e8c4"
	canaryTelegram     = "CnryTelegramTok_b61d07"
	canaryHookPath     = "CnryHookPath93c2e1"
	canaryHookQuery    = "CnryHookQuery0d4f7a"
	canaryHookPass     = "CnryHookPass6a18b3"
	canaryNtfy         = "CnryNtfyTok2c95e0"
	canaryNtfyPass     = "CnryNtfyPass47d1c8"
	canarySlack        = "CnrySlackTok8b07d6"
	canaryPushUser     = "CnryPushUser41f9a2"
	canaryPushToken    = "CnryPushTok75c3e8"
	canaryGotify       = "CnryGotifyTok1e6b40"
	canarySMTP         = "Cnry smtp/Pass+word=9d2!"
	canaryTwilio       = "CnryTwilioAuth3f8a17"
	canaryEbay         = "PRD-CnryEbaySecret64c2d9"
	canaryWebhookKey   = "CnryWebhookKey5b90f3"
	canaryAdmin        = "CnryAdminPassword0e7c52"

	secretsTwilioSID = "AC00000000000000000000000000000001"
	secretsEbayID    = "dealscout-canary-PRD-0001"
	secretsSMTPUser  = "dealscout-mailer"
	secretsHookUser  = "alerts"
	secretsNtfyUser  = "bob"
	telegramBotID    = "123456"
)

// canaryForms is every spelling of a secret that would give it away: as is,
// URL-escaped, base64 (alone and as the HTTP Basic credentials it is sent
// in), and hex.
func canaryForms() map[string][]string {
	all := map[string]string{
		"discord token": canaryDiscord, "discord:// token": canaryDiscordShort, "telegram bot token": canaryTelegram,
		"webhook path": canaryHookPath, "webhook query": canaryHookQuery, "webhook URL password": canaryHookPass,
		"ntfy token": canaryNtfy, "ntfy password": canaryNtfyPass, "slack token": canarySlack, "pushover user key": canaryPushUser,
		"pushover app token": canaryPushToken, "gotify token": canaryGotify, "DEALSCOUT_SMTP_PASSWORD": canarySMTP,
		"DEALSCOUT_TWILIO_AUTH_TOKEN": canaryTwilio, "DEALSCOUT_EBAY_CLIENT_SECRET": canaryEbay,
		"DEALSCOUT_WEBHOOK_SECRET": canaryWebhookKey, "DEALSCOUT_ADMIN_PASSWORD": canaryAdmin,
	}
	b64 := func(s string) []string {
		return []string{base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))}
	}
	out := map[string][]string{}
	for name, v := range all {
		forms := []string{v, url.QueryEscape(v), url.PathEscape(v), hex.EncodeToString([]byte(v))}
		forms = append(forms, b64(v)...)
		out[name] = forms
	}
	out["DEALSCOUT_TWILIO_AUTH_TOKEN"] = append(out["DEALSCOUT_TWILIO_AUTH_TOKEN"], b64(secretsTwilioSID+":"+canaryTwilio)...)
	out["DEALSCOUT_EBAY_CLIENT_SECRET"] = append(out["DEALSCOUT_EBAY_CLIENT_SECRET"], b64(secretsEbayID+":"+canaryEbay)...)
	out["webhook URL password"] = append(out["webhook URL password"], b64(secretsHookUser+":"+canaryHookPass)...)
	out["ntfy password"] = append(out["ntfy password"], b64(secretsNtfyUser+":"+canaryNtfyPass)...)
	out["telegram bot token"] = append(out["telegram bot token"], telegramBotID+":"+canaryTelegram)
	return out
}

// assertNoCanary fails the test for every canary form found in text.
func assertNoCanary(t *testing.T, where, text string) {
	t.Helper()
	for name, forms := range canaryForms() {
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("%s shows the %s (as %q):\n%s", where, name, f, text)
				break
			}
		}
	}
}

// providerFake answers for every HTTP provider at once: the channels'
// endpoints and eBay's OAuth endpoint. It records every request and answers
// with the configured status and an error body that echoes the whole request
// back — path, query, headers and body, i.e. every secret sent — in every
// field a channel might quote (as a misconfigured proxy or debug endpoint
// would), so only scrubbing keeps the secrets out of errors.
type providerFake struct {
	*httptest.Server
	mu       sync.Mutex
	status   int
	requests []string
	signed   int // webhook requests whose signature verifies with canaryWebhookKey
}

func newProviderFake(t *testing.T) *providerFake {
	t.Helper()
	f := &providerFake{status: http.StatusUnauthorized}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *providerFake) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var dump strings.Builder
	// Credentials first, so they survive the providers' answers being cut
	// short in error messages.
	fmt.Fprintf(&dump, "%s %s\n", r.Method, r.URL.RequestURI())
	for _, k := range []string{"Authorization", "X-Gotify-Key"} {
		if v := r.Header.Get(k); v != "" {
			fmt.Fprintf(&dump, "%s: %s\n", k, v)
		}
	}
	dump.Write(body)
	echo := dump.String()
	f.mu.Lock()
	f.requests = append(f.requests, echo)
	if sig := r.Header.Get("webhook-signature"); sig != "" {
		mac := hmac.New(sha256.New, []byte(canaryWebhookKey))
		mac.Write([]byte(r.Header.Get("webhook-id") + "." + r.Header.Get("webhook-timestamp") + "."))
		mac.Write(body)
		if sig == "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			f.signed++
		}
	}
	status := f.status
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if strings.HasSuffix(r.URL.Path, "/identity/v1/oauth2/token") {
		// eBay's OAuth endpoint always refuses (401, which is not retried).
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": "invalid_client: " + echo, "error_description": "client authentication failed: " + echo})
		return
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"ok": false, "message": echo, "description": echo, "error": echo, "errors": []string{echo},
		"errorDescription": echo, "code": 20003, "status": 0, "request": echo,
	})
}

func (f *providerFake) setStatus(s int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = s
}

func (f *providerFake) signedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.signed
}

// received reports whether any request carried s.
func (f *providerFake) received(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}

// smtpFake is an SMTP server offering only CRAM-MD5 (the one mechanism
// go-mail uses without TLS). It checks the client's digest against
// canarySMTP — proof the configured password was used without it being sent
// — and then rejects the login with the configured reply.
type smtpFake struct {
	ln     net.Listener
	mu     sync.Mutex
	reply  string
	authOK int
	wg     sync.WaitGroup
}

func newSMTPFake(t *testing.T) *smtpFake {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpFake{ln: ln, reply: "535 5.7.8 Authentication credentials invalid"}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.session(conn)
			}()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *smtpFake) close() {
	_ = s.ln.Close()
	s.wg.Wait()
}

func (s *smtpFake) port() string {
	_, p, _ := net.SplitHostPort(s.ln.Addr().String())
	return p
}

func (s *smtpFake) session(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	say := func(line string) { _, _ = io.WriteString(conn, line+"\r\n") }
	say("220 fake.smtp.test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			say("250-fake.smtp.test")
			say("250 AUTH CRAM-MD5")
		case strings.HasPrefix(cmd, "HELO"):
			say("250 fake.smtp.test")
		case cmd == "AUTH CRAM-MD5":
			challenge := "<" + rand.Text() + "@fake.smtp.test>"
			say("334 " + base64.StdEncoding.EncodeToString([]byte(challenge)))
			answer, err := r.ReadString('\n')
			if err != nil {
				return
			}
			dec, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(answer))
			user, digest, _ := strings.Cut(string(dec), " ")
			mac := hmac.New(md5.New, []byte(canarySMTP))
			mac.Write([]byte(challenge))
			s.mu.Lock()
			if user == secretsSMTPUser && digest == hex.EncodeToString(mac.Sum(nil)) {
				s.authOK++
			}
			reply := s.reply
			s.mu.Unlock()
			say(reply)
		case cmd == "QUIT":
			say("221 bye")
			return
		case cmd == "RSET" || cmd == "NOOP":
			say("250 ok")
		default:
			say("502 5.5.2 not implemented")
		}
	}
}

func (s *smtpFake) setReply(r string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply = r
}

func (s *smtpFake) logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authOK
}

// secretsCLI runs every command with JSON and with text logs at debug level
// and checks stdout and stderr of both for the canaries.
type secretsCLI struct{ *cli }

// It returns the exit code and stdout of the JSON-log run, and both runs'
// stderr.
func (s secretsCLI) run(args ...string) (code int, stdout, stderr string) {
	s.t.Helper()
	for i, format := range []string{"json", "text"} {
		full := append([]string{"--log-format", format, "--log-level", "debug"}, args...)
		c, out, errs := s.cli.run(full...)
		where := "dealscout " + strings.Join(full, " ")
		assertNoCanary(s.t, where+" stdout", out)
		assertNoCanary(s.t, where+" stderr", errs)
		if i == 0 {
			code, stdout = c, out
		}
		stderr += errs
	}
	return code, stdout, stderr
}

// mustFail runs a command that must fail and whose stderr must say why.
func (s secretsCLI) mustFail(want string, args ...string) {
	s.t.Helper()
	code, out, errs := s.run(args...)
	if code == 0 || !strings.Contains(errs, want) {
		s.t.Errorf("dealscout %s: exit %d, stderr %q, stdout %q; want a failure saying %q", strings.Join(args, " "), code, errs, out, want)
	}
}

var secretChannels = []string{"disc", "discs", "tg", "hook", "phone", "ntfy", "ntfyb", "slack", "push", "gotify", "mail"}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	fake := newProviderFake(t)
	mail := newSMTPFake(t)
	dir := t.TempDir()
	writeSecret := func(name, value string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Secrets arrive by all three routes: the environment, DEALSCOUT_X_FILE
	// and the settings file.
	settings := writeSecret("dealscout.env", `DEALSCOUT_EBAY_CLIENT_SECRET="`+canaryEbay+`"`)
	c := secretsCLI{newCLI(t,
		"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true",
		"DEALSCOUT_CONFIG="+settings,
		"DEALSCOUT_SMTP_HOST=127.0.0.1", "DEALSCOUT_SMTP_PORT="+mail.port(), "DEALSCOUT_SMTP_TLS=none",
		"DEALSCOUT_SMTP_USERNAME="+secretsSMTPUser, "DEALSCOUT_SMTP_PASSWORD="+canarySMTP,
		"DEALSCOUT_SMTP_FROM=alerts@example.com",
		"DEALSCOUT_TWILIO_ACCOUNT_SID="+secretsTwilioSID, "DEALSCOUT_TWILIO_AUTH_TOKEN_FILE="+writeSecret("twilio", canaryTwilio),
		"DEALSCOUT_TWILIO_FROM=+14155550100", "DEALSCOUT_TWILIO_API_URL="+fake.URL,
		"DEALSCOUT_TELEGRAM_API_URL="+fake.URL, "DEALSCOUT_PUSHOVER_API_URL="+fake.URL, "DEALSCOUT_DISCORD_API_URL="+fake.URL,
		"DEALSCOUT_EBAY_CLIENT_ID="+secretsEbayID, "DEALSCOUT_EBAY_API_URL="+fake.URL, "DEALSCOUT_EBAY_AUTH_URL="+fake.URL,
		"DEALSCOUT_WEBHOOK_SECRET="+canaryWebhookKey,
		"DEALSCOUT_ADMIN_PASSWORD_FILE="+writeSecret("admin", canaryAdmin),
		"DEALSCOUT_SOURCE_FAILURE_ALERT=1", "DEALSCOUT_NOTIFY_MAX_ATTEMPTS=3",
	)}
	host := strings.TrimPrefix(fake.URL, "http://")
	for name, u := range map[string]string{
		"disc":   fake.URL + "/api/webhooks/111222333/" + canaryDiscord,
		"discs":  "discord://444555666/" + canaryDiscordShort,
		"tg":     "telegram://" + telegramBotID + ":" + canaryTelegram + "/987654321",
		"hook":   "webhook+http://" + secretsHookUser + ":" + canaryHookPass + "@" + host + "/hooks/" + canaryHookPath + "?key=" + canaryHookQuery,
		"phone":  "sms:+14155550123",
		"ntfy":   "ntfy+http://:" + canaryNtfy + "@" + host + "/dealtopic",
		"ntfyb":  "ntfy+http://" + secretsNtfyUser + ":" + canaryNtfyPass + "@" + host + "/dealtopic",
		"slack":  "slack+http://" + host + "/services/T0001/B0001/" + canarySlack,
		"push":   "pushover://" + canaryPushUser + "@" + canaryPushToken,
		"gotify": "gotify+http://" + host + "/?token=" + canaryGotify,
		"mail":   "mailto:me@example.com",
	} {
		// The URL is an argument here; what the command prints must not repeat it.
		_, out, errs := c.cli.run("channel", "add", name, u)
		assertNoCanary(t, "channel add "+name, out+errs)
		if !strings.Contains(out, "added") {
			t.Fatalf("channel add %s: %q %q", name, out, errs)
		}
	}
	file := filepath.Join(dir, "free.jsonl")
	writeListings(t, file, sofas(1, 0)) // a free sofa: an instant alert on every channel
	notifyAll := []string{}
	for _, ch := range secretChannels {
		notifyAll = append(notifyAll, "--notify", ch)
	}
	c.cli.ok(append([]string{"watch", "add", "sofas", "--query", "sofa", "--source", "file:" + file}, notifyAll...)...)
	c.cli.ok(append([]string{"watch", "add", "ebay-sofas", "--query", "sofa", "--source", "ebay"}, notifyAll...)...)

	// Commands that only read the configuration and the database.
	static := func() {
		t.Helper()
		_, out, _ := c.run("config")
		if !strings.Contains(out, "DEALSCOUT_ADMIN_PASSWORD") || !strings.Contains(out, "***") {
			t.Errorf("config does not show the admin password as set and masked:\n%s", out)
		}
		_, out, _ = c.run("config", "--json")
		var entries []struct{ Key, Value string }
		if err := json.Unmarshal([]byte(out), &entries); err != nil {
			t.Fatalf("config --json: %v", err)
		}
		set := map[string]string{}
		for _, e := range entries {
			set[e.Key] = e.Value
		}
		// Each secret was read (so the canary is live) and is shown masked.
		for _, k := range []string{"DEALSCOUT_SMTP_PASSWORD", "DEALSCOUT_TWILIO_AUTH_TOKEN", "DEALSCOUT_EBAY_CLIENT_SECRET",
			"DEALSCOUT_WEBHOOK_SECRET", "DEALSCOUT_ADMIN_PASSWORD"} {
			if set[k] != "***" {
				t.Errorf("config --json shows %s as %q, want *** (set and masked)", k, set[k])
			}
		}
		for _, args := range [][]string{
			{"channel", "list"}, {"channel", "list", "--json"}, {"watch", "export"}, {"watch", "list", "--json"},
			{"watch", "show", "sofas"}, {"deals", "--json"}, {"alerts", "list"}, {"alerts", "list", "--json"},
			{"alerts", "list", "--failed"}, {"alerts", "list", "--failed", "--json"},
			{"--help"}, {"channel", "--help"}, {"channel", "test", "--help"}, {"config", "--help"}, {"poll", "--help"},
		} {
			if code, _, errs := c.run(args...); code != 0 {
				t.Errorf("dealscout %s: exit %d: %s", strings.Join(args, " "), code, errs)
			}
		}
	}
	static()

	// Secrets in the wrong place: a malformed channel URL, a settings file
	// line without "=", a misspelt key. The errors and warnings name the
	// place, never the value.
	for _, u := range []string{
		"telegram://" + canaryTelegram + "/987654321",                    // token without the bot id
		"discord://111222333/" + canaryDiscord + "!",                     // a character tokens never have
		"webhook+ftp://" + host + "/hooks/" + canaryHookPath,             // not http(s)
		"gotify+http://" + host + "/?token=" + canaryGotify + "&extra=1", // more than ?token=
		"pushover://" + canaryPushUser,                                   // no app token
	} {
		code, out, errs := c.cli.run("channel", "add", "bad", u)
		assertNoCanary(t, "channel add of a malformed URL", out+errs)
		if code != ExitUsage {
			t.Errorf("channel add of a malformed URL: exit %d (%s), want 2", code, errs)
		}
	}
	broken := writeSecret("broken.env", "DEALSCOUT_SMTP_PASSWORD "+canarySMTP)
	bad := secretsCLI{&cli{t: t, dir: c.dir, env: withEnv(c.env, "DEALSCOUT_CONFIG="+broken), now: c.now}}
	bad.mustFail("line 1", "config")
	typo := secretsCLI{&cli{t: t, dir: c.dir, env: withEnv(c.env, "DEALSCOUT_WEBHOOK_SECRETT="+canaryWebhookKey), now: c.now}}
	if _, _, errs := typo.run("config"); !strings.Contains(errs, "DEALSCOUT_WEBHOOK_SECRETT") {
		t.Errorf("a misspelt secret key is not reported: %s", errs)
	}

	// Phase 1: every provider refuses the credentials (401; SMTP 535).
	for _, ch := range secretChannels {
		want := "401"
		if ch == "mail" {
			want = "535"
		}
		c.mustFail(want, "channel", "test", ch)
	}
	// Phase 2: every provider fails (500; SMTP 454). The poll's eBay token
	// request is refused with 401 whatever the phase.
	fake.setStatus(http.StatusInternalServerError)
	mail.setReply("454 4.7.0 Temporary authentication failure")
	for _, ch := range secretChannels {
		want := "500"
		if ch == "mail" {
			want = "454"
		}
		c.mustFail(want, "channel", "test", ch)
	}
	code, out, errs := c.run("poll", "--all", "--alert-backfill")
	if code != ExitPartial || !strings.Contains(out, "access token") {
		t.Errorf("poll with a refused eBay token: exit %d, stdout %q, stderr %q; want 3 (the file watch worked) reporting the token failure", code, out, errs)
	}
	c.now = c.now.Add(time.Hour)
	c.run("notify", "flush") // still 500: the alerts stay queued with their errors
	// Phase 1 again, through the outbox: 401 makes the alerts dead.
	fake.setStatus(http.StatusUnauthorized)
	mail.setReply("535 5.7.8 Authentication credentials invalid")
	c.now = c.now.Add(time.Hour)
	c.run("notify", "flush")
	_, out, _ = c.run("alerts", "list", "--failed", "--json")
	var dead []struct {
		ID        int64  `json:"id"`
		Channel   string `json:"channel"`
		LastError string `json:"last_error"`
	}
	if err := json.Unmarshal([]byte(out), &dead); err != nil {
		t.Fatalf("alerts list --failed --json: %v\n%s", err, out)
	}
	deadOn := map[string]bool{}
	for _, a := range dead {
		if a.LastError != "" {
			deadOn[a.Channel] = true
		}
	}
	for _, ch := range secretChannels {
		if !deadOn[ch] {
			t.Errorf("no dead alert with an error on channel %s; the outbox path was not exercised: %s", ch, out)
		}
	}
	static()

	// Phase 3: nothing listens any more (connection refused). Errors that
	// quote the request URL would carry the tokens in it.
	fake.Close()
	mail.close()
	for _, ch := range secretChannels {
		c.mustFail("refused", "channel", "test", ch)
	}
	for _, a := range dead {
		c.cli.ok("alerts", "retry", strconv.FormatInt(a.ID, 10))
	}
	c.now = c.now.Add(time.Hour)
	c.run("notify", "flush")
	static()

	// Every secret reached its provider: the canaries were live, so their
	// absence above is the masking at work.
	for name, proof := range map[string]string{
		"discord token":           "/api/webhooks/111222333/" + canaryDiscord,
		"discord:// token":        "/api/webhooks/444555666/" + canaryDiscordShort,
		"telegram bot token":      "/bot" + telegramBotID + ":" + canaryTelegram + "/",
		"webhook path and query":  "/hooks/" + canaryHookPath + "?key=" + canaryHookQuery,
		"webhook URL password":    "Basic " + base64.StdEncoding.EncodeToString([]byte(secretsHookUser+":"+canaryHookPass)),
		"ntfy token":              "Bearer " + canaryNtfy,
		"ntfy password":           "Basic " + base64.StdEncoding.EncodeToString([]byte(secretsNtfyUser+":"+canaryNtfyPass)),
		"slack token":             "/services/T0001/B0001/" + canarySlack,
		"pushover user key":       canaryPushUser,
		"pushover app token":      canaryPushToken,
		"gotify token":            canaryGotify,
		"twilio auth token":       "Basic " + base64.StdEncoding.EncodeToString([]byte(secretsTwilioSID+":"+canaryTwilio)),
		"ebay client secret":      "Basic " + base64.StdEncoding.EncodeToString([]byte(secretsEbayID+":"+canaryEbay)),
		"ebay token request path": "POST /identity/v1/oauth2/token",
	} {
		if !fake.received(proof) {
			t.Errorf("no provider request carried the %s (%q): the canary was not configured", name, proof)
		}
	}
	if fake.signedCount() == 0 {
		t.Error("no webhook request was signed with DEALSCOUT_WEBHOOK_SECRET: the canary was not configured")
	}
	if mail.logins() == 0 {
		t.Error("no SMTP login used DEALSCOUT_SMTP_PASSWORD: the canary was not configured")
	}

	assertDatabaseHasNoCanary(t, filepath.Join(c.dir, "dealscout.db"))
}

// withEnv returns a copy of env with kv set, replacing the key's old value.
func withEnv(env []string, kv string) []string {
	key, _, _ := strings.Cut(kv, "=")
	out := []string{}
	for _, e := range env {
		if !strings.HasPrefix(e, key+"=") {
			out = append(out, e)
		}
	}
	return append(out, kv)
}

// assertDatabaseHasNoCanary reads every column of every table, read-only,
// and fails on any canary outside channels.url — the one place channel
// tokens are meant to be kept (the database file is 0600). That covers the
// alerts' last_error, the channels' last_error, source_state.last_error,
// the poll reports and the stored alert payloads.
func assertDatabaseHasNoCanary(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := stringColumn(db, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	lastErrors := 0
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s := fmt.Sprint(v)
				if b, ok := v.([]byte); ok {
					s = string(b)
				}
				if table == "channels" && cols[i] == "url" {
					continue
				}
				if table == "notifications" && cols[i] == "last_error" && s != "" {
					lastErrors++
				}
				assertNoCanary(t, "database "+table+"."+cols[i], s)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
	}
	if lastErrors == 0 {
		t.Error("no stored alert has a last_error; the failed deliveries were not recorded")
	}
	urls, err := stringColumn(db, `SELECT url FROM channels`)
	if err != nil || !strings.Contains(strings.Join(urls, " "), canaryDiscord) {
		t.Errorf("channels.url does not hold the discord token (%v); the scan above would prove nothing", err)
	}
}

func stringColumn(db *sql.DB, q string) ([]string, error) {
	rows, err := db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
