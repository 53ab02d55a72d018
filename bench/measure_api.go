package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// apiConns is the load's concurrency: 50 connections, as the target says.
const apiConns = 50

// loadResult is one load run.
type loadResult struct {
	requests int
	perSec   float64
	p99      time.Duration
	errors   int
	firstErr string
}

// load sends GETs to url from apiConns keep-alive connections until d has
// passed or max requests were sent, after a short untimed warm-up. Loopback
// only: the URL is always one of our listeners.
//
// With manyClients each request comes from one of 16,384 client addresses
// in X-Forwarded-For (serve trusts loopback as its proxy in this run), as
// behind a reverse proxy with many users: serve limits the API per client
// IP (10 req/s, not configurable), so from one address the load would
// measure the limiter. The limiter still runs for every request.
func load(ctx context.Context, url string, header http.Header, d time.Duration, maxReq int, manyClients bool) (loadResult, error) {
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		return loadResult{}, fmt.Errorf("load generator refuses %s: loopback only", url)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: apiConns, MaxConnsPerHost: apiConns, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	defer tr.CloseIdleConnections()
	// A slow answer is a measurement, not an error: only one that takes
	// longer than a minute fails the run.
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	var clientSeq atomic.Uint64
	get := func() (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		req.Header = header.Clone()
		if manyClients {
			n := clientSeq.Add(1) % 16384
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.77.%d.%d", n>>8, n&0xff))
		}
		t := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return time.Since(t), err
	}
	// Warm-up: one request per connection opens them all and warms the
	// server's caches; more would only cost time on a slow endpoint.
	var wg sync.WaitGroup
	for range apiConns {
		wg.Go(func() {
			_, _ = get()
		})
	}
	wg.Wait()

	var (
		sent     atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		errs     int
		firstErr string
	)
	deadline := time.Now().Add(d)
	started := time.Now()
	for range apiConns {
		wg.Go(func() {
			var mine []time.Duration
			var myErrs int
			var myFirst string
			for time.Now().Before(deadline) && sent.Add(1) <= int64(maxReq) && ctx.Err() == nil {
				took, err := get()
				if err != nil {
					myErrs++
					if myFirst == "" {
						myFirst = err.Error()
					}
					continue
				}
				mine = append(mine, took)
			}
			mu.Lock()
			all, errs = append(all, mine...), errs+myErrs
			if firstErr == "" {
				firstErr = myFirst
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(started)
	if len(all) == 0 {
		return loadResult{errors: errs, firstErr: firstErr}, fmt.Errorf("no request to %s succeeded: %s", url, firstErr)
	}
	if errs > 0 {
		return loadResult{errors: errs, firstErr: firstErr}, fmt.Errorf("%d of %d requests to %s failed, first: %s", errs, errs+len(all), url, firstErr)
	}
	slices.Sort(all)
	return loadResult{requests: len(all), perSec: float64(len(all)) / elapsed.Seconds(),
		p99: all[min(len(all)-1, len(all)*99/100)], errors: errs, firstErr: firstErr}, nil
}

// startBare starts the bare handler on db and returns its URL.
func (h *harness) startBare(ctx context.Context, db string) (*exec.Cmd, string, error) {
	c := exec.CommandContext(ctx, h.self, "control-api", "-db", db)
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	c.WaitDelay = 5 * time.Second
	if err := c.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop(c)
		return nil, "", fmt.Errorf("control-api printed no address: %w", err)
	}
	return c, strings.TrimSpace(line), nil
}

func measureAPI(ctx context.Context, h *harness) error {
	in, err := h.storedDB(ctx)
	if err != nil {
		return err
	}
	var bare []loadResult
	for range h.o.reps {
		c, base, err := h.startBare(ctx, in.db)
		if err != nil {
			return err
		}
		r, err := load(ctx, base+"/deals", http.Header{}, h.sz.apiLoad, h.sz.apiMax, false)
		stop(c)
		if err != nil {
			return err
		}
		bare = append(bare, r)
	}
	bRate, bP99 := medianRate(bare), medianP99(bare)
	h.add(row{measure: fmt.Sprintf("bare net/http top-50 JSON, %s listings, %d conns (ceiling)", fmtCount(h.sz.big), apiConns),
		measured: fmtRate(bRate, "req"), ceiling: "p99 " + fmtSecs(bP99.Seconds())})
	h.logf("   bare handler: %s, p99 %s", fmtRate(bRate, "req"), fmtSecs(bP99.Seconds()))

	if !h.hasCommand(ctx, "serve") || !h.hasCommand(ctx, "token", "create") {
		for _, m := range []string{"GET /api/v1/deals top 50 (req/s, p99)", "deals HTML page (req/s)", "serve idle RSS", "serve RSS under load"} {
			h.notMeasured(m, "serve not available in this build")
		}
		return nil
	}
	return h.measureServe(ctx, in, bRate, bP99)
}

func (h *harness) measureServe(ctx context.Context, in *instance, bRate float64, bP99 time.Duration) error {
	// serve believes X-Forwarded-For from loopback only in this run (see load).
	// With an admin password set, the API checks the bearer token and the
	// page the session cookie on every request, as in a real deployment;
	// without one serve would check neither.
	in.env = append(in.env, "DEALSCOUT_TRUSTED_PROXIES=127.0.0.1/32", "DEALSCOUT_ADMIN_PASSWORD="+benchPassword)
	tok, err := in.run(ctx, "token", "create", "bench")
	if err != nil {
		return err
	}
	token := tokenFrom(tok.stdout)
	if token == "" {
		return fmt.Errorf("token create printed no token: %q", tok.stdout)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	var api, page []loadResult
	var idle, loaded []float64
	pagePath := ""
	for rep := range h.o.reps {
		c, logs, err := in.start(ctx, "serve", "--addr", addr)
		if err != nil {
			return err
		}
		if err := waitHealthy(ctx, base+"/healthz", 20*time.Second); err != nil {
			stop(c)
			return fmt.Errorf("serve: %w; its output: %s", err, tail(logs.String(), 1500))
		}
		time.Sleep(2 * time.Second) // settle: what a server costs doing nothing
		rss, err := procStatus(c.Process.Pid, "VmRSS")
		if err != nil {
			stop(c)
			return err
		}
		idle = append(idle, float64(rss))
		auth := http.Header{"Authorization": {"Bearer " + token}}
		r, err := load(ctx, base+"/api/v1/deals?limit=50", auth, h.sz.apiLoad, h.sz.apiMax, true)
		if err != nil {
			stop(c)
			return fmt.Errorf("GET /api/v1/deals: %w", err)
		}
		api = append(api, r)
		cookie, err := login(ctx, base)
		if err != nil {
			stop(c)
			return err
		}
		session := http.Header{"Cookie": {cookie}}
		if rep == 0 {
			pagePath = findDealsPage(ctx, base, session)
		}
		if pagePath != "" {
			p, err := load(ctx, base+pagePath, session, h.sz.apiLoad, h.sz.apiMax, true)
			if err != nil {
				stop(c)
				return fmt.Errorf("GET %s: %w", pagePath, err)
			}
			page = append(page, p)
		}
		hwm, err := procStatus(c.Process.Pid, "VmHWM")
		stop(c)
		if err != nil {
			return err
		}
		loaded = append(loaded, float64(hwm))
	}
	aRate, aP99 := medianRate(api), medianP99(api)
	h.add(row{measure: "GET /api/v1/deals top 50, authenticated (req/s)", measured: fmtRate(aRate, "req"), ceiling: fmtRate(bRate, "req"),
		ratio: fmt.Sprintf("%.2f", aRate/bRate), target: "≥ 0.8", verdict: verdict(aRate/bRate >= 0.8)})
	h.add(row{measure: fmt.Sprintf("GET /api/v1/deals p99 at %d connections", apiConns), measured: fmtSecs(aP99.Seconds()),
		ceiling: fmtSecs(bP99.Seconds()), target: "≤ 25 ms", verdict: verdict(aP99 <= 25*time.Millisecond)})
	if pagePath == "" {
		h.notMeasured("deals HTML page (req/s)", "no deals page answered 200 text/html to a logged-in session at /deals or /")
	} else {
		pRate := medianRate(page)
		h.add(row{measure: "deals HTML page GET " + pagePath + " (req/s)", measured: fmtRate(pRate, "req"), ceiling: "API " + fmtRate(aRate, "req"),
			ratio: fmt.Sprintf("%.2f", pRate/aRate), target: "≥ 0.5", verdict: verdict(pRate/aRate >= 0.5)})
	}
	h.add(row{measure: "serve idle RSS", measured: fmtMB(median(idle)), target: "≤ 20 MB", verdict: verdict(median(idle) <= 20e6)})
	h.add(row{measure: "serve peak RSS under the load above (VmHWM)", measured: fmtMB(median(loaded)), target: "≤ 64 MB", verdict: verdict(median(loaded) <= 64e6)})
	return nil
}

// tokenFrom picks the token out of `token create`'s output: the longest
// word, since the command may print a sentence around it.
func tokenFrom(out string) string {
	best := ""
	for _, w := range strings.Fields(out) {
		w = strings.Trim(w, `"'.,:`)
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// benchPassword is serve's admin password in this run (loopback only).
const benchPassword = "bench-admin-password"

// login logs in to serve's UI and returns the session cookie to send.
func login(ctx context.Context, base string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(url.Values{"password": {benchPassword}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("serve: log in: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("serve: log in answered %s with no session cookie", resp.Status)
}

// findDealsPage returns the first of the likely deals-page paths that
// answers 200 HTML with the session, or "".
func findDealsPage(ctx context.Context, base string, session http.Header) string {
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/deals", "/"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
		if err != nil {
			continue
		}
		req.Header = session.Clone()
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			return p
		}
	}
	return ""
}

func waitHealthy(ctx context.Context, url string, d time.Duration) error {
	deadline := time.Now().Add(d)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer 200 within %s", url, d)
}

// freeAddr finds a free loopback port. Another process could take it before
// serve binds it; on this machine that is unlikely, and serve would say so.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func medianRate(rs []loadResult) float64 {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, r.perSec)
	}
	return median(xs)
}

func medianP99(rs []loadResult) time.Duration {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, float64(r.p99))
	}
	return time.Duration(median(xs))
}
