package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/dealscout/dealscout/web/vcache"
)

// csp forbids inline script and style, plugins, <base> and framing. Images
// may come from the marketplaces (thumbnails), over https only.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

type ctxKey int

const (
	ctxClientIP ctxKey = iota
	ctxSecure
)

// middleware wraps the mux, outermost first: recovery and timing, security
// headers, the client IP (and one database version per read-only request for
// the cache), body limits, cross-origin protection, the login or token check,
// and the API rate limit.
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeError(w, http.StatusForbidden, "cross_origin", "cross-origin request refused", "")
			return
		}
		http.Error(w, "Forbidden: this form was posted from another site.", http.StatusForbidden)
	}))
	var h http.Handler = mux
	h = s.rateLimit(h)
	h = s.auth(h)
	h = cop.Handler(h)
	h = s.limitBody(h)
	h = s.securityHeaders(h)
	h = s.clientInfo(h)
	h = s.observe(mux, h)
	return h
}

// observe recovers from panics and records each request's duration by route
// pattern (never by raw path, which would let clients mint label values).
func (s *Server) observe(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // wall time on purpose: this measures, it does not date
		_, pattern := mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // a sentinel passed to panic, compared as net/http does
					panic(v)
				}
				s.log.Error("handler panicked", "route", pattern, "panic", v)
				if !sw.wrote {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			s.metrics.observeHTTP(pattern, r.Method, sw.status, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.opts.HSTS {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// clientInfo works out the client's IP and whether it reached us over TLS,
// believing forwarding headers only from a configured trusted proxy.
func (s *Server) clientInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip, secure := s.clientOf(r)
		ctx := context.WithValue(r.Context(), ctxClientIP, ip)
		ctx = context.WithValue(ctx, ctxSecure, secure)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// Every lookup of a read-only request in the cache uses one read
			// of the database's version; other methods write, so each of
			// their lookups reads it afresh.
			ctx = vcache.ForRequest(ctx)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) clientOf(r *http.Request) (ip string, secure bool) {
	peer := peerAddr(r.RemoteAddr)
	secure = r.TLS != nil
	if !peer.IsValid() || !s.trusted(peer) {
		return addrString(peer, r.RemoteAddr), secure
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		secure = strings.EqualFold(strings.TrimSpace(lastField(p)), "https")
	}
	// X-Forwarded-For is appended to by each proxy: walk it from the right
	// and stop at the first address no trusted proxy vouches for.
	client := peer
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !s.trusted(client) {
			break
		}
	}
	return client.String(), secure
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func addrString(a netip.Addr, remote string) string {
	if a.IsValid() {
		return a.String()
	}
	return remote
}

func lastField(s string) string {
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		return s[i+1:]
	}
	return s
}

func clientIP(r *http.Request) string {
	ip, _ := r.Context().Value(ctxClientIP).(string)
	return ip
}

func isSecure(r *http.Request) bool {
	b, _ := r.Context().Value(ctxSecure).(bool)
	return b
}

// limitBody caps every request body; a handler reading past it gets an
// *http.MaxBytesError, which the API answers with 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.opts.MaxBodyBytes {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeError(w, http.StatusRequestEntityTooLarge, "too_large", "request body is larger than the limit", "")
			} else {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			}
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// rateLimit limits API requests per client IP.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") && !s.apiLim.allow(clientIP(r)) {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "rate_limited", "too many requests; slow down", "")
			return
		}
		next.ServeHTTP(w, r)
	})
}
