package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// login posts the password and returns the response.
func login(t *testing.T, h http.Handler, password string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"password": {password}, "next": {"/watches"}}.Encode()
	return do(t, h, "POST", "/login", form, append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)...)
}

func sessionFrom(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == cookiePlain || c.Name == cookieSecure {
			return c
		}
	}
	t.Fatalf("no session cookie set; Set-Cookie: %q", w.Header().Values("Set-Cookie"))
	return nil
}

func TestUIRoutesNeedALogin(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "pw" })
	w := do(t, s.Handler(), "GET", "/watches?x=1", "")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next=%2Fwatches%3Fx%3D1" {
		t.Errorf("GET /watches logged out = %d to %q, want 303 to the login with next", w.Code, w.Header().Get("Location"))
	}
	for _, p := range []string{"/static/app.css", "/feeds/abc", "/login", "/healthz", "/readyz", "/api/v1/openapi.json"} {
		if w := do(t, s.Handler(), "GET", p, ""); w.Code == http.StatusSeeOther || w.Code == http.StatusUnauthorized {
			t.Errorf("GET %s logged out = %d, want it public", p, w.Code)
		}
	}
	open, _ := newTestServer(t, nil)
	if w := do(t, open.Handler(), "GET", "/", ""); w.Code != http.StatusOK {
		t.Errorf("no password configured: GET / = %d, want 200", w.Code)
	}
}

func TestLoginSessionCookieAndLogout(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "correct horse" })
	h := s.Handler()
	if w := login(t, h, "wrong"); w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 {
		t.Errorf("wrong password = %d with cookies %v, want 401 and none", w.Code, w.Result().Cookies())
	}
	w := login(t, h, "correct horse")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/watches" {
		t.Fatalf("login = %d to %q, want 303 to next", w.Code, w.Header().Get("Location"))
	}
	c := sessionFrom(t, w)
	if c.Name != cookiePlain || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("plain-HTTP session cookie = %+v, want %s, HttpOnly, SameSite=Lax, Path=/", c, cookiePlain)
	}
	if w := do(t, h, "GET", "/", "", "Cookie", c.Name+"="+c.Value); w.Code != http.StatusOK {
		t.Fatalf("GET / with the session = %d, want 200", w.Code)
	}
	// Logging in again with the old cookie rotates it: the old one dies.
	w2 := login(t, h, "correct horse", "Cookie", c.Name+"="+c.Value)
	c2 := sessionFrom(t, w2)
	if c2.Value == c.Value {
		t.Error("second login kept the session id")
	}
	if w := do(t, h, "GET", "/", "", "Cookie", c.Name+"="+c.Value); w.Code != http.StatusSeeOther {
		t.Errorf("old session after a new login = %d, want a redirect to login", w.Code)
	}
	w = do(t, h, "POST", "/logout", "", "Cookie", c2.Name+"="+c2.Value)
	if w.Code != http.StatusSeeOther || sessionFrom(t, w).MaxAge >= 0 {
		t.Errorf("logout = %d, want 303 and the cookie cleared", w.Code)
	}
	// The server forgot it: replaying the copied cookie does not work.
	if w := do(t, h, "GET", "/", "", "Cookie", c2.Name+"="+c2.Value); w.Code != http.StatusSeeOther {
		t.Errorf("session after logout = %d, want a redirect to login", w.Code)
	}
}

func TestLoginBehindTLSProxyUsesHostPrefixedSecureCookie(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) {
		o.AdminPassword = "pw"
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	})
	c := sessionFrom(t, login(t, s.Handler(), "pw", "X-Forwarded-Proto", "https"))
	if c.Name != cookieSecure || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Domain != "" {
		t.Errorf("cookie behind TLS = %+v, want %s with Secure, HttpOnly, SameSite=Lax, no Domain", c, cookieSecure)
	}
	// The same header from an untrusted peer is ignored.
	s2, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "pw" })
	if c := sessionFrom(t, login(t, s2.Handler(), "pw", "X-Forwarded-Proto", "https")); c.Secure || c.Name != cookiePlain {
		t.Errorf("X-Forwarded-Proto from an untrusted peer made the cookie %+v", c)
	}
}

func TestFailedLoginsAreRateLimitedPerIP(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.AdminPassword = "pw"; o.LoginBurst = 2 })
	h := s.Handler()
	for i := range 2 {
		if w := login(t, h, "bad"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failed login %d = %d, want 401", i+1, w.Code)
		}
	}
	w := login(t, h, "pw")
	if w.Code != http.StatusTooManyRequests || len(w.Result().Cookies()) != 0 {
		t.Errorf("login after the limit = %d, want 429 even with the right password", w.Code)
	}
	// Another address still gets in.
	r := httptest.NewRequest("POST", "/login", strings.NewReader("password=pw"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "198.51.100.7:4000"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusSeeOther {
		t.Errorf("login from another IP = %d, want 303", rec.Code)
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	s, _, auth := authed(t, nil)
	h := s.Handler()
	for _, tc := range []struct{ path, body string }{
		{"/login", "password=correct+horse"},
		{"/logout", ""},
		{"/api/v1/poll", ""},
		{"/deals/1/status", "status=dismissed"},
	} {
		w := do(t, h, "POST", tc.path, tc.body, append([]string{"Sec-Fetch-Site", "cross-site", "Content-Type", "application/x-www-form-urlencoded"}, auth...)...)
		if w.Code != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d, want 403", tc.path, w.Code)
		}
		w = do(t, h, "POST", tc.path, tc.body, append([]string{"Origin", "https://evil.example", "Content-Type", "application/x-www-form-urlencoded"}, auth...)...)
		if w.Code != http.StatusForbidden {
			t.Errorf("POST %s with a foreign Origin = %d, want 403", tc.path, w.Code)
		}
	}
	w := login(t, h, "correct horse", "Sec-Fetch-Site", "same-origin")
	if w.Code != http.StatusSeeOther {
		t.Errorf("same-origin login = %d, want 303", w.Code)
	}
}

func TestLocalNext(t *testing.T) {
	for in, want := range map[string]string{
		"/deals?x=1": "/deals?x=1", "": "/", "//evil.example": "/", "/\\evil.example": "/",
		"https://evil.example": "/", "deals": "/", "/a\r\nSet-Cookie: x": "/",
	} {
		if got := localNext(in); got != want {
			t.Errorf("localNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientIPFromTrustedProxiesOnly(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	})
	for _, tc := range []struct {
		name, remote, xff, want string
	}{
		{"direct client", "203.0.113.5:1234", "", "203.0.113.5"},
		{"untrusted peer's header ignored", "203.0.113.5:1234", "1.2.3.4", "203.0.113.5"},
		{"trusted proxy", "10.0.0.2:80", "198.51.100.9", "198.51.100.9"},
		{"chain of trusted proxies", "10.0.0.2:80", "198.51.100.9, 10.0.0.7", "198.51.100.9"},
		{"spoofed left part ignored", "10.0.0.2:80", "6.6.6.6, 198.51.100.9", "198.51.100.9"},
		{"garbage from proxy", "10.0.0.2:80", "not-an-ip", "10.0.0.2"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got, _ := s.clientOf(r); got != tc.want {
			t.Errorf("%s: client IP %q, want %q", tc.name, got, tc.want)
		}
	}
}
