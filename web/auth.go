package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web/vcache"
)

// Session cookie names. Behind TLS the __Host- prefix makes browsers insist
// on Secure, Path=/ and no Domain, so no other site or subdomain can plant
// one; over plain HTTP (loopback, or --insecure-no-auth) a browser would
// drop a Secure cookie, so the plain name is used there.
const (
	cookieSecure = "__Host-dealscout_session"
	cookiePlain  = "dealscout_session"
)

func cookieName(r *http.Request) string {
	if isSecure(r) {
		return cookieSecure
	}
	return cookiePlain
}

// publicPath is reachable without a login: the login form itself, probes,
// the static files, the secret-path feeds (their path is the secret) and
// the API description.
func publicPath(p string) bool {
	switch p {
	case "/login", "/healthz", "/readyz", "/api/v1/openapi.json":
		return true
	}
	return strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/feeds/")
}

// auth lets a request through when its route needs nothing, or it carries
// what the route needs: a session for pages, a bearer token for the API, the
// metrics token for /metrics.
func (s *Server) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case publicPath(p):
		case p == "/metrics":
			if s.opts.MetricsToken != "" && !equalSecret(bearer(r), s.opts.MetricsToken) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "metrics need the bearer token set in DEALSCOUT_METRICS_TOKEN", http.StatusUnauthorized)
				return
			}
		case !s.authRequired():
		case strings.HasPrefix(p, "/api/"):
			tok := bearer(r)
			if tok == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="dealscout"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", "send Authorization: Bearer TOKEN (create one with `dealscout token create NAME`)", "")
				return
			}
			if err := s.checkToken(r.Context(), tok); err != nil {
				if !isNotFound(err) {
					s.log.Error("checking an API token failed", "error", err)
					writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
					return
				}
				w.Header().Set("WWW-Authenticate", `Bearer realm="dealscout", error="invalid_token"`)
				writeError(w, http.StatusUnauthorized, "unauthorized", "the bearer token is unknown or revoked", "")
				return
			}
		default:
			ok, err := s.loggedIn(r)
			if err != nil {
				s.log.Error("checking a session failed", "error", err)
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			if !ok {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) loggedIn(r *http.Request) (bool, error) {
	c, err := r.Cookie(cookieName(r))
	if err != nil {
		return false, nil
	}
	// Kept until the database changes (a login, a logout) or the minute
	// turns, so a session past its expiry is refused within a minute.
	key := "session:" + secretKey(c.Value) + ":" + s.minute()
	return vcache.Get(r.Context(), s.cache, key, func(ctx context.Context) (bool, error) {
		return s.st.SessionValid(ctx, c.Value)
	})
}

// checkToken is store.TokenFor, kept until the database changes (a token
// created or revoked) or the minute turns: TokenFor notes a token's use at
// most once a minute, so asking it once a minute keeps that note as it was.
// Unknown tokens are kept too, so guessing costs no database reads.
func (s *Server) checkToken(ctx context.Context, tok string) error {
	key := "token:" + secretKey(tok) + ":" + s.minute()
	known, err := vcache.Get(ctx, s.cache, key, func(ctx context.Context) (bool, error) {
		_, err := s.st.TokenFor(ctx, tok)
		if isNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	if !known {
		return fmt.Errorf("token: %w", store.ErrNotFound)
	}
	return nil
}

// secretKey names a secret in the cache without keeping it in clear.
func secretKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// minute is the current minute of the server's clock, for cache keys.
func (s *Server) minute() string {
	return strconv.FormatInt(s.opts.Now().Unix()/60, 10)
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// equalSecret compares in constant time; hashing first makes the time
// independent of the lengths, too.
func equalSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// localNext keeps a post-login redirect on this site: a path, never
// "//host" or "/\host", which browsers treat as another origin.
func localNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.URL.Query().Get("next"))
	if !s.authRequired() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "", next)
}

// login checks the password and starts a fresh session. Failed attempts
// are limited per client IP: past the limit every attempt is refused
// unchecked until the bucket refills.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.PostFormValue("next"))
	if !s.authRequired() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	ip := clientIP(r)
	if !s.loginLim.available(ip) {
		w.Header().Set("Retry-After", "60")
		s.renderLogin(w, r, http.StatusTooManyRequests, "Too many failed logins from your address; wait a minute and try again.", next)
		return
	}
	if !equalSecret(r.PostFormValue("password"), s.opts.AdminPassword) {
		s.loginLim.allow(ip)
		s.log.Warn("failed login", "client_ip", ip)
		s.renderLogin(w, r, http.StatusUnauthorized, "Wrong password.", next)
		return
	}
	// A new id at every login, and the old one ended: a session id planted
	// before login is worth nothing after it.
	if c, err := r.Cookie(cookieName(r)); err == nil {
		if err := s.st.EndSession(r.Context(), c.Value); err != nil {
			s.log.Warn("ending the previous session failed", "error", err)
		}
	}
	id, err := s.st.CreateSession(r.Context(), s.opts.SessionTTL)
	if err != nil {
		s.log.Error("starting a session failed", "error", err)
		s.renderLogin(w, r, http.StatusInternalServerError, "Could not log you in (internal error); try again.", next)
		return
	}
	http.SetCookie(w, s.sessionCookie(r, id, int(s.opts.SessionTTL.Seconds())))
	s.log.Info("logged in", "client_ip", ip)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session on the server, so a copied cookie stops working too.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName(r)); err == nil {
		if err := s.st.EndSession(r.Context(), c.Value); err != nil {
			s.log.Error("ending a session failed", "error", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	http.SetCookie(w, s.sessionCookie(r, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) sessionCookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: cookieName(r), Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: isSecure(r), SameSite: http.SameSiteLaxMode}
}
