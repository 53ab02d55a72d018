package outbound

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var only127001 = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// serve starts a test server on addr ("127.0.0.2:0" works too: Linux routes
// all of 127/8 to lo) and counts the requests that reach it.
func serve(t *testing.T, addr string, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	hits := new(atomic.Int64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, hits
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }

// get fetches url and reads the whole body, so body errors surface too.
func get(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func wantBlocked(t *testing.T, err error, reason string) {
	t.Helper()
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BlockedError", err)
	}
	if be.Reason != reason {
		t.Fatalf("BlockedError.Reason = %q, want %q", be.Reason, reason)
	}
}

func TestNewRefusesLoopbackByDefault(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, "127.0.0.1:0", ok)

	_, err := get(New(Options{}), srv.URL)

	wantBlocked(t, err, "loopback")
	if n := hits.Load(); n != 0 {
		t.Fatalf("handler reached %d times, want 0: the guard must refuse before connecting", n)
	}
}

func TestNewAllowsWhenConfigured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
	}{
		{"AllowPrivate", Options{AllowPrivate: true}},
		{"AllowCIDRs 127.0.0.1/32", Options{AllowCIDRs: only127001}},
		{"AllowCIDRs ::ffff:127.0.0.1/128 (mapped form)", Options{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("::ffff:127.0.0.1/128")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, "127.0.0.1:0", ok)
			body, err := get(New(tt.opts), srv.URL)
			if err != nil || body != "ok" {
				t.Fatalf("get = %q, %v; want \"ok\", nil", body, err)
			}
		})
	}
}

func TestAllowCIDRsDoesNotAllowNeighbours(t *testing.T) {
	t.Parallel()
	srv, hits := serve(t, "127.0.0.2:0", ok)

	_, err := get(New(Options{AllowCIDRs: only127001}), srv.URL)

	wantBlocked(t, err, "loopback")
	if n := hits.Load(); n != 0 {
		t.Fatalf("127.0.0.2 handler reached %d times, want 0", n)
	}
}

func TestRedirectToForbiddenAddressRefused(t *testing.T) {
	t.Parallel()
	forbidden, forbiddenHits := serve(t, "127.0.0.2:0", ok)
	allowed, _ := serve(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, forbidden.URL+"/secret", http.StatusFound)
	})

	_, err := get(New(Options{AllowCIDRs: only127001}), allowed.URL)

	wantBlocked(t, err, "loopback")
	if n := forbiddenHits.Load(); n != 0 {
		t.Fatalf("redirect target reached %d times, want 0", n)
	}
}

func TestHostnameResolvingToForbiddenAddressRefused(t *testing.T) {
	t.Parallel()
	// The shape of DNS rebinding: the URL names a host, the check must judge
	// the address it resolves to at dial time.
	srv, hits := serve(t, "127.0.0.1:0", ok)
	port := srv.Listener.Addr().(*net.TCPAddr).Port

	_, err := get(New(Options{}), fmt.Sprintf("http://localhost:%d/", port))

	wantBlocked(t, err, "loopback")
	if n := hits.Load(); n != 0 {
		t.Fatalf("handler reached %d times, want 0", n)
	}
}

// redirectChain serves /N by redirecting to /N-1 until /0, which says "end".
func redirectChain(w http.ResponseWriter, r *http.Request) {
	var n int
	if _, err := fmt.Sscanf(r.URL.Path, "/%d", &n); err != nil || n == 0 {
		_, _ = io.WriteString(w, "end")
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/%d", n-1), http.StatusFound)
}

func TestRedirectLimit(t *testing.T) {
	t.Parallel()
	srv, _ := serve(t, "127.0.0.1:0", redirectChain)
	c := New(Options{AllowCIDRs: only127001})

	t.Run("5 redirects followed", func(t *testing.T) {
		body, err := get(c, srv.URL+"/5")
		if err != nil || body != "end" {
			t.Fatalf("get = %q, %v; want \"end\", nil", body, err)
		}
	})
	t.Run("6 redirects refused", func(t *testing.T) {
		_, err := get(c, srv.URL+"/6")
		if !errors.Is(err, errTooManyRedirects) {
			t.Fatalf("err = %v, want errTooManyRedirects", err)
		}
	})
	t.Run("negative MaxRedirects returns the 3xx", func(t *testing.T) {
		resp, err := New(Options{AllowCIDRs: only127001, MaxRedirects: -1}).Get(srv.URL + "/1")
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("status = %d, want 302", resp.StatusCode)
		}
	})
}

func TestNonHTTPSchemesRefused(t *testing.T) {
	t.Parallel()
	c := New(Options{AllowCIDRs: only127001})
	for _, target := range []string{"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/"} {
		scheme, _, _ := strings.Cut(target, ":")
		t.Run("redirect to "+scheme, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", target)
				w.WriteHeader(http.StatusFound)
			})
			_, err := get(c, srv.URL)
			if !errors.Is(err, errUnsupportedScheme) || !strings.Contains(err.Error(), `"`+scheme+`"`) {
				t.Fatalf("err = %v, want errUnsupportedScheme naming %q", err, scheme)
			}
		})
		t.Run("request to "+scheme, func(t *testing.T) {
			t.Parallel()
			_, err := get(c, target)
			if !errors.Is(err, errUnsupportedScheme) || !strings.Contains(err.Error(), `"`+scheme+`"`) {
				t.Fatalf("err = %v, want errUnsupportedScheme naming %q", err, scheme)
			}
		})
	}
}

func TestCredentialsNotForwardedAcrossHosts(t *testing.T) {
	t.Parallel()
	// Go's client drops Authorization and Cookie when a redirect changes
	// host; this pins that, with a same-host redirect as the control.
	tests := []struct {
		name      string
		otherAddr string
		wantCreds bool
	}{
		{"same host keeps them", "127.0.0.1:0", true},
		{"other host drops them", "127.0.0.2:0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotAuth, gotCookie atomic.Value
			target, _ := serve(t, tt.otherAddr, func(w http.ResponseWriter, r *http.Request) {
				gotAuth.Store(r.Header.Get("Authorization"))
				gotCookie.Store(r.Header.Get("Cookie"))
			})
			origin, _ := serve(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL, http.StatusFound)
			})
			req, _ := http.NewRequest(http.MethodGet, origin.URL, nil)
			req.Header.Set("Authorization", "Bearer secret")
			req.Header.Set("Cookie", "session=secret")

			resp, err := New(Options{AllowCIDRs: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}).Do(req)
			if err != nil {
				t.Fatalf("do: %v", err)
			}
			resp.Body.Close()

			auth, cookie := gotAuth.Load(), gotCookie.Load()
			if got := auth != "" || cookie != ""; got != tt.wantCreds {
				t.Fatalf("redirect target got Authorization=%q Cookie=%q; want credentials forwarded = %v", auth, cookie, tt.wantCreds)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	tests := []struct {
		name    string
		size    int
		gzip    bool
		wantErr error
	}{
		{"plain at the limit", limit, false, nil},
		{"plain one byte over", limit + 1, false, ErrBodyTooLarge},
		{"gzip at the limit", limit, true, nil},
		{"gzip bomb: small on the wire, large decompressed", 4 << 20, true, ErrBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := bytes.Repeat([]byte{'a'}, tt.size)
			wire := body
			if tt.gzip {
				wire = gzipped(t, body)
				if len(wire) >= limit {
					t.Fatalf("compressed body is %d bytes, want < %d so that counting wire bytes would not trip the limit", len(wire), limit)
				}
			}
			srv, _ := serve(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
				if tt.gzip {
					w.Header().Set("Content-Encoding", "gzip")
				}
				_, _ = w.Write(wire)
			})

			got, err := get(New(Options{AllowCIDRs: only127001, MaxBody: limit}), srv.URL)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("read err = %v, want %v", err, tt.wantErr)
			}
			if want := min(tt.size, limit); len(got) != want {
				t.Fatalf("read %d bytes, want %d", len(got), want)
			}
		})
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return buf.Bytes()
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    Options
		handler http.HandlerFunc
	}{
		{
			name: "server never writes headers",
			opts: Options{AllowCIDRs: only127001, HeaderTimeout: 200 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
		},
		{
			name: "server stalls mid-body",
			opts: Options{AllowCIDRs: only127001, Timeout: 200 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "partial")
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, "127.0.0.1:0", tt.handler)
			start := time.Now()

			_, err := get(New(tt.opts), srv.URL)

			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("err = %v, want a timeout", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("gave up after %v, want about 200ms", d)
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	if got, want := UserAgent("1.2.3"), "dealscout/1.2.3 (+https://github.com/dealscout/dealscout)"; got != want {
		t.Fatalf("UserAgent(\"1.2.3\") = %q, want %q", got, want)
	}
	tests := []struct {
		name      string
		optsUA    string
		requestUA string // "-" leaves the header unset
		want      string
	}{
		{"default", "", "-", UserAgent("")},
		{"from Options", UserAgent("1.2.3"), "-", UserAgent("1.2.3")},
		{"request's own wins", UserAgent("1.2.3"), "custom/1", "custom/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := serve(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, r.UserAgent())
			})
			req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
			if tt.requestUA != "-" {
				req.Header.Set("User-Agent", tt.requestUA)
			}
			resp, err := New(Options{AllowCIDRs: only127001, UserAgent: tt.optsUA}).Do(req)
			if err != nil {
				t.Fatalf("do: %v", err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if string(got) != tt.want {
				t.Fatalf("server saw User-Agent %q, want %q", got, tt.want)
			}
			if _, set := req.Header["User-Agent"]; set != (tt.requestUA != "-") {
				t.Fatalf("caller's request headers were modified: %v", req.Header)
			}
		})
	}
}

func TestNewIgnoresProxyEnvironment(t *testing.T) {
	t.Parallel()
	// A proxy would be dialled instead of the target, so the guard would only
	// ever see the proxy's address. ProxyFromEnvironment caches the
	// environment once per process, so check the wiring rather than setenv.
	gt, ok := New(Options{}).Transport.(*guardTransport)
	if !ok {
		t.Fatalf("Transport is %T, want *guardTransport", New(Options{}).Transport)
	}
	if tr := gt.next.(*http.Transport); tr.Proxy != nil {
		t.Fatal("http.Transport.Proxy is set; want nil so no proxy bypasses the dial guard")
	}
}
