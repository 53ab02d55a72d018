package ui_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web/ui"
	"github.com/dealscout/dealscout/web/ui/uitest"
)

var testNow = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

type env struct {
	t       *testing.T
	st      *store.Store
	fx      uitest.Fixture
	h       http.Handler
	polled  []string
	tested  []string
	testErr error
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := uitest.OpenStore(t, testNow)
	fx := uitest.Seed(t, st, testNow, "https://img.example.test")
	e := &env{t: t, st: st, fx: fx}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	u, err := ui.New(ui.Deps{Store: st, Now: func() time.Time { return testNow }, Location: la, LegalMode: "api_only",
		Version: "v1.2.3-test", EbayDailyCalls: 5000, Log: slog.New(slog.NewTextHandler(t.Output(), nil)),
		PollNow: func(_ context.Context, w string) error { e.polled = append(e.polled, w); return nil },
		SendTest: func(_ context.Context, c string) error {
			e.tested = append(e.tested, c)
			return e.testErr
		}})
	if err != nil {
		t.Fatalf("ui.New: %v", err)
	}
	mux := http.NewServeMux()
	u.Register(mux)
	e.h = mux
	return e
}

// do sends a request and returns the response with its body read.
func (e *env) do(method, target string, form url.Values, hdr ...string) (*http.Response, string) {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (e *env) get(target string) (int, string) {
	e.t.Helper()
	res, body := e.do(http.MethodGet, target, nil)
	return res.StatusCode, body
}

// follow returns the page a POST redirected to, with its one-time message.
func (e *env) follow(res *http.Response) string {
	e.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("status %d, want 303 See Other", res.StatusCode)
	}
	req := httptest.NewRequest(http.MethodGet, res.Header.Get("Location"), nil)
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return string(b)
}

func TestPagesRender(t *testing.T) {
	e := newEnv(t)
	best := fmt.Sprint(e.fx.BestID)
	cases := []struct {
		path string
		want []string
	}{
		{"/", []string{"<h1>Deals</h1>", "Trek FX 3 commuter bike, 54 cm", "$375.00", "38% under market ($605.00, 24 comps)", "3.2 mi",
			`<time datetime="2026-12-01T17:30:00Z" title="1 Dec 2026, 09:30 PST (America/Los_Angeles)">30 min ago</time>`, "⚠ verify:", ">Save<", ">Dismiss<", "↓ $75 from $450"}},
		{"/?watch=couches&free=1", []string{"Free IKEA sofa", "FREE"}},
		{"/?sort=price", []string{"Lowest price"}},
		{"/?sort=profit", []string{"Highest profit"}},
		{"/deals/" + best, []string{"Trek FX 3 commuter bike", "Open listing ↗", `href="https://www.ebay.com/itm/1"`, "How the score adds up",
			`<svg class="chart"`, "<title id=\"chart-title\">Price history of Trek FX 3", "Price history as a table", "$450.00", "$415.00",
			"craigslist", "Hi! Is this still available?", "Copy message", "Comparable listings"}},
		{"/watches", []string{"bikes", "couches", "Poll now", "/feeds/"}},
		{"/watches/new", []string{"New watch", `name="max_price"`}},
		{"/watches/bikes/edit", []string{"Edit watch bikes", `value="bike"`, "Delete watch"}},
		{"/channels", []string{"phone", "ntfy", "Send test", "ntfy: 503"}},
		{"/alerts", []string{"sent", "failed", "pending", "Retry", "Trek FX 3"}},
		{"/alerts?status=dead", []string{"failed", "ntfy: 503 Service Unavailable"}},
		{"/health", []string{"eBay calls today", "of 5000", "v1.2.3-test", "Schema version", "1 failure", "500 Internal Server Error", "partial"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			code, body := e.get(c.path)
			if code != http.StatusOK {
				t.Fatalf("GET %s: status %d, want 200", c.path, code)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: page lacks %q", c.path, w)
				}
			}
		})
	}
}

func TestPagesHaveNoInlineScriptOrStyle(t *testing.T) {
	e := newEnv(t)
	// CSP forbids inline script and style attributes: a page using them would break.
	bad := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<[a-z][^>]*\s(style|on[a-z]+)=`)
	for _, p := range []string{"/", fmt.Sprintf("/deals/%d", e.fx.BestID), "/watches", "/watches/new", "/channels", "/alerts", "/health"} {
		_, body := e.get(p)
		if m := bad.FindString(body); m != "" {
			t.Errorf("GET %s contains %q, which the CSP forbids", p, m)
		}
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/deals/999999", "/deals/abc", "/watches/nope/edit", "/feeds/0123456789abcdef0123456789abcdef", "/static/nope.css"} {
		if code, _ := e.get(p); code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, code)
		}
	}
}

func TestBadFiltersSayWhatIsWrong(t *testing.T) {
	e := newEnv(t)
	code, body := e.get("/?min_score=abc&status=gone&sort=cheap")
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	for _, w := range []string{`Min score must be a number from 0 to 100 (got &#34;abc&#34;)`, "Status must be one of new, seen, saved, dismissed", "Sort must be score, newest, price or profit"} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestXSSTitleRendersAsText(t *testing.T) {
	e := newEnv(t)
	escaped := html.EscapeString(uitest.XSSTitle) // &lt;img src=x onerror=alert(1)&gt;
	for _, p := range []string{"/", fmt.Sprintf("/deals/%d", e.fx.XSSID), fmt.Sprintf("/deals/%d", e.fx.BestID)} {
		_, body := e.get(p)
		if strings.Contains(body, uitest.XSSTitle) {
			t.Errorf("GET %s: the title is in the page unescaped", p)
		}
		if p != fmt.Sprintf("/deals/%d", e.fx.BestID) && !strings.Contains(body, escaped) {
			t.Errorf("GET %s: the escaped title %q is missing", p, escaped)
		}
	}
}

func TestOnlyHTTPLinksAndImages(t *testing.T) {
	e := newEnv(t)
	_, body := e.get(fmt.Sprintf("/deals/%d", e.fx.JSURLID))
	if strings.Contains(body, "javascript:") || strings.Contains(body, "Open listing") {
		t.Errorf("a javascript: listing URL or image was rendered:\n%s", body)
	}
	_, list := e.get("/")
	if strings.Contains(list, "javascript:") {
		t.Error("the deals list rendered a javascript: URL")
	}
}

// snapshot is everything a GET must leave as it was.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, status := range store.DealStatuses {
		ds, err := st.Deals(ctx, store.DealFilter{Status: status})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			fmt.Fprintf(&b, "deal %d %s %v\n", d.ID, d.Status, d.Score.Total)
		}
	}
	ws, _ := st.Watches(ctx)
	for _, w := range ws {
		j, _ := json.Marshal(w)
		fmt.Fprintf(&b, "watch %s %s\n", j, w.UpdatedAt)
	}
	chs, _ := st.Channels(ctx)
	for _, c := range chs {
		fmt.Fprintf(&b, "channel %+v\n", c)
	}
	as, _ := st.Alerts(ctx, store.AlertFilter{})
	for _, a := range as {
		fmt.Fprintf(&b, "alert %d %s %d %s\n", a.ID, a.Status, a.Attempts, a.NextAttemptAt)
	}
	key, _ := st.FeedKey(ctx)
	fmt.Fprintf(&b, "feed key %x\n", key)
	return b.String()
}

func TestNoStateChangeOnGET(t *testing.T) {
	e := newEnv(t)
	before := snapshot(t, e.st)
	_, watches := e.get("/watches")
	feed := regexp.MustCompile(`/feeds/[0-9a-f]{32}`).FindString(watches)
	for _, p := range []string{"/", "/?status=dismissed&new=1", fmt.Sprintf("/deals/%d", e.fx.BestID), "/deals.csv", "/watches",
		"/watches/new", "/watches/bikes/edit", "/channels", "/alerts", "/health", feed,
		// GETs to routes that only accept POST must not act either.
		fmt.Sprintf("/deals/%d/status?status=dismissed", e.fx.BestID), "/watches/bikes/delete", "/watches/bikes/pause",
		"/watches/bikes/poll", "/channels/phone/test", "/channels/phone/delete", "/alerts/1/retry", "/watches/feeds/rotate"} {
		e.get(p)
	}
	if after := snapshot(t, e.st); after != before {
		t.Errorf("GET requests changed stored state:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if len(e.polled) > 0 || len(e.tested) > 0 {
		t.Errorf("GET requests polled %v or tested channels %v", e.polled, e.tested)
	}
}

func TestDismissLeavesTheList(t *testing.T) {
	e := newEnv(t)
	target := fmt.Sprintf("/deals/%d/status", e.fx.BestID)
	res, _ := e.do(http.MethodPost, target, url.Values{"status": {"dismissed"}, "watch": {"bikes"}, "back": {"/?watch=bikes"}})
	if loc := res.Header.Get("Location"); loc != "/?watch=bikes" {
		t.Errorf("redirected to %q, want back to /?watch=bikes", loc)
	}
	page := e.follow(res)
	if !strings.Contains(page, "Marked dismissed.") {
		t.Error("no confirmation after dismissing")
	}
	if strings.Contains(page, fmt.Sprintf(`id="deal-%d-`, e.fx.BestID)) {
		t.Error("the dismissed deal is still in the open list")
	}
	_, dismissed := e.get("/?status=dismissed")
	if !strings.Contains(dismissed, fmt.Sprintf(`id="deal-%d-`, e.fx.BestID)) || !strings.Contains(dismissed, ">Restore<") {
		t.Error("the dismissed deal is not listed under status dismissed with a Restore button")
	}
}

func TestDealStatusAnswers(t *testing.T) {
	e := newEnv(t)
	best := fmt.Sprintf("/deals/%d/status", e.fx.BestID)
	cases := []struct {
		name, target string
		form         url.Values
		json         bool
		code         int
		want         string
	}{
		{"save via fetch", best, url.Values{"status": {"saved"}, "watch": {"bikes"}}, true, 200, `"status":"saved"`},
		{"bad status", best, url.Values{"status": {"gone"}}, true, 400, "Status must be one of"},
		{"unknown deal", "/deals/424242/status", url.Values{"status": {"seen"}}, true, 404, "no longer exists"},
		{"bad status as form", best, url.Values{"status": {"gone"}}, false, 400, "Status must be one of"},
		{"open redirect refused", best, url.Values{"status": {"seen"}, "watch": {"bikes"}, "back": {"//evil.example/x"}}, false, 303, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.json {
				hdr = []string{"Accept", "application/json"}
			}
			res, body := e.do(http.MethodPost, c.target, c.form, hdr...)
			if res.StatusCode != c.code {
				t.Fatalf("status %d, want %d; body %s", res.StatusCode, c.code, body)
			}
			if !strings.Contains(body, c.want) {
				t.Errorf("body %q lacks %q", body, c.want)
			}
			if c.code == 303 && res.Header.Get("Location") != "/" {
				t.Errorf("redirected to %q, want /", res.Header.Get("Location"))
			}
		})
	}
	d, err := e.st.DealForListing(context.Background(), e.fx.BestID, "bikes")
	if err != nil || d.Status != "seen" {
		t.Errorf("status after the posts = %q (%v), want seen", d.Status, err)
	}
}

func watchForm(overrides ...string) url.Values {
	v := url.Values{"name": {"lamps"}, "query": {"desk lamp"}, "sources": {"demo"}, "max_price": {"80"}, "currency": {"USD"},
		"zip": {"94105"}, "radius_mi": {"20"}, "min_score": {"80"}, "every": {"30m"}, "digest": {"daily@08:00"}}
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i+1] == "<unset>" {
			v.Del(overrides[i])
			continue
		}
		v.Set(overrides[i], overrides[i+1])
	}
	return v
}

func TestWatchFormValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name    string
		form    url.Values
		errID   string
		message string
	}{
		{"bad max price", watchForm("max_price", "12abc"), "w-max-price-err", `Max price: amount &#34;12abc&#34; is not a number; give an amount between 0 and 1000000, e.g. 149.99`},
		{"three decimals", watchForm("min_price", "1.999"), "w-min-price-err", "must have one or two decimals"},
		{"min above max", watchForm("min_price", "100"), "w-min-price-err", "min_price 100.00 is more than max_price 80.00"},
		{"no query", watchForm("query", "  "), "w-query-err", "Query is required"},
		{"bad name", watchForm("name", "-x"), "w-name-err", "must be 1–64 letters"},
		{"taken name", watchForm("name", "bikes"), "w-name-err", "a watch named &#34;bikes&#34; already exists"},
		{"unknown zip", watchForm("zip", "00000"), "w-zip-err", "is not a known US ZIP code"},
		{"radius not a number", watchForm("radius_mi", "far"), "w-radius-err", "must be a number of miles"},
		{"radius too big", watchForm("radius_mi", "900"), "w-radius-err", "must be between 1 and 500 miles"},
		{"score too big", watchForm("min_score", "101"), "w-min-score-err", "must be between 0 and 100"},
		{"bad every", watchForm("every", "soon"), "w-every-err", "must be a duration such as 15m"},
		{"every too short", watchForm("every", "10s"), "w-every-err", "must be between 1m and 168h"},
		{"bad source", watchForm("sources", "myspace"), "w-sources-err", "Sources:"},
		{"source the mode forbids", watchForm("sources", "craigslist:sfbay"), "w-sources-err", "DEALSCOUT_LEGAL_MODE"},
		{"unknown channel", watchForm("notify", "pager"), "w-notify-err", "no channel named pager"},
		{"bad digest", watchForm("digest", "weekly"), "w-digest-err", "must be off, hourly or daily@HH:MM"},
		{"bad quiet hours", watchForm("quiet", "late"), "w-quiet-err", "must be HH:MM-HH:MM"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, e.st)
			res, body := e.do(http.MethodPost, "/watches", c.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			i := strings.Index(body, `id="`+c.errID+`"`)
			if i < 0 {
				t.Fatalf("no error next to the field (%s):\n%s", c.errID, body)
			}
			if msg := body[i:min(len(body), i+400)]; !strings.Contains(msg, c.message) {
				t.Errorf("error %q lacks %q", msg, c.message)
			}
			// What was typed comes back.
			if q := c.form.Get("query"); strings.TrimSpace(q) != "" && !strings.Contains(body, `value="`+html.EscapeString(q)+`"`) {
				t.Errorf("the query %q typed was not kept", q)
			}
			if after := snapshot(t, e.st); after != before {
				t.Error("a refused form changed stored state")
			}
		})
	}
}

func TestWatchLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	res, _ := e.do(http.MethodPost, "/watches", watchForm("notify", "phone", "conditions", "good"))
	if page := e.follow(res); !strings.Contains(page, `Added watch &#34;lamps&#34;`) || !strings.Contains(page, "desk lamp") {
		t.Fatalf("after adding, the watches page lacks the watch or the message:\n%s", page)
	}
	w, err := e.st.Watch(ctx, "lamps")
	if err != nil {
		t.Fatal(err)
	}
	if *w.MaxPriceCents != 8000 || w.RadiusMi != 20 || w.MinScore != 80 || w.Every != 30*time.Minute || len(w.Notify) != 1 || len(w.Conditions) != 1 {
		t.Errorf("stored watch %+v does not match the form", w)
	}
	// Edit: the name stays, the rest is replaced.
	res, _ = e.do(http.MethodPost, "/watches/lamps", watchForm("name", "renamed", "max_price", "", "query", "floor lamp"))
	e.follow(res)
	w, err = e.st.Watch(ctx, "lamps")
	if err != nil {
		t.Fatalf("watch lost its name on edit: %v", err)
	}
	if w.MaxPriceCents != nil || w.Query != "floor lamp" || len(w.Notify) != 0 {
		t.Errorf("edit not applied: %+v", w)
	}
	// An edit with an error keeps the stored watch as it was.
	res, body := e.do(http.MethodPost, "/watches/lamps", watchForm("max_price", "-5"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is negative") {
		t.Errorf("bad edit: status %d, body lacks the message", res.StatusCode)
	}
	if w2, _ := e.st.Watch(ctx, "lamps"); w2.MaxPriceCents != nil {
		t.Error("a refused edit was stored")
	}
	res, _ = e.do(http.MethodPost, "/watches/lamps/pause", url.Values{"paused": {"true"}})
	if page := e.follow(res); !strings.Contains(page, "Paused") || !strings.Contains(page, "Resume") {
		t.Error("pausing did not show Paused and a Resume button")
	}
	if w, _ = e.st.Watch(ctx, "lamps"); !w.Paused {
		t.Error("watch not paused")
	}
	res, _ = e.do(http.MethodPost, "/watches/lamps/pause", url.Values{"paused": {"false"}})
	e.follow(res)
	if w, _ = e.st.Watch(ctx, "lamps"); w.Paused {
		t.Error("watch not resumed")
	}
	res, _ = e.do(http.MethodPost, "/watches/lamps/poll", url.Values{})
	if page := e.follow(res); !strings.Contains(page, "Polling") || len(e.polled) != 1 || e.polled[0] != "lamps" {
		t.Errorf("poll now: polled %v", e.polled)
	}
	res, _ = e.do(http.MethodPost, "/watches/lamps/delete", url.Values{})
	e.follow(res)
	if _, err := e.st.Watch(ctx, "lamps"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("watch not deleted: %v", err)
	}
}

func TestChannels(t *testing.T) {
	e := newEnv(t)
	const secretURL = "https://discord.com/api/webhooks/123456/s3cr3t-t0ken-value"
	res, body := e.do(http.MethodPost, "/channels", url.Values{"name": {"team"}, "url": {"gopher://x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="c-url-err"`) {
		t.Errorf("a bad channel URL: status %d, no error next to the URL field", res.StatusCode)
	}
	res, body = e.do(http.MethodPost, "/channels", url.Values{"name": {"bad name!"}, "url": {secretURL}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="c-name-err"`) || strings.Contains(body, "s3cr3t") {
		t.Errorf("a bad name: status %d; the error must be next to the name and the URL not echoed", res.StatusCode)
	}
	res, _ = e.do(http.MethodPost, "/channels", url.Values{"name": {"team"}, "url": {secretURL}})
	page := e.follow(res)
	if !strings.Contains(page, "team") || strings.Contains(page, "s3cr3t") {
		t.Errorf("channel list shows the token or lacks the channel:\n%s", page)
	}
	res, _ = e.do(http.MethodPost, "/channels/team/test", url.Values{})
	if page := e.follow(res); !strings.Contains(page, "Test message sent.") {
		t.Error("a successful test is not reported")
	}
	e.testErr = fmt.Errorf("discord: 401 Unauthorized from %s", secretURL)
	res, _ = e.do(http.MethodPost, "/channels/team/test", url.Values{})
	page = e.follow(res)
	if !strings.Contains(page, "Test failed: discord: 401 Unauthorized") || strings.Contains(page, "s3cr3t") {
		t.Errorf("a failed test is not reported inline, or leaks the token")
	}
	if len(e.tested) != 2 {
		t.Errorf("SendTest called %d times, want 2", len(e.tested))
	}
	// A channel a watch uses cannot be deleted.
	w, _ := e.st.Watch(context.Background(), "bikes")
	w.Notify = []string{"team"}
	if _, _, err := e.st.UpdateWatch(context.Background(), &w, nil); err != nil {
		t.Fatal(err)
	}
	res, _ = e.do(http.MethodPost, "/channels/team/delete", url.Values{})
	if page := e.follow(res); !strings.Contains(page, "in use") {
		t.Error("deleting a channel in use did not say so")
	}
	res, _ = e.do(http.MethodPost, "/channels/phone/delete", url.Values{})
	if page := e.follow(res); !strings.Contains(page, `Deleted channel &#34;phone&#34;`) {
		t.Error("deleting a free channel failed")
	}
}

func TestAlertRetry(t *testing.T) {
	e := newEnv(t)
	as, err := e.st.Alerts(context.Background(), store.AlertFilter{Status: store.AlertDead})
	if err != nil || len(as) != 1 {
		t.Fatalf("want one failed alert in the fixture, got %d (%v)", len(as), err)
	}
	res, _ := e.do(http.MethodPost, fmt.Sprintf("/alerts/%d/retry", as[0].ID), url.Values{"back": {"/alerts?status=dead"}})
	if page := e.follow(res); !strings.Contains(page, "is queued again") {
		t.Error("retry not confirmed")
	}
	if as, _ := e.st.Alerts(context.Background(), store.AlertFilter{Status: store.AlertDead}); len(as) != 0 {
		t.Error("the alert is still failed after retry")
	}
}

func TestFeed(t *testing.T) {
	e := newEnv(t)
	_, watches := e.get("/watches")
	paths := regexp.MustCompile(`/feeds/[0-9a-f]{32}`).FindAllString(watches, -1)
	if len(paths) != 2 {
		t.Fatalf("want a feed link per watch, found %v", paths)
	}
	res, body := e.do(http.MethodGet, paths[0], nil)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, "<feed xmlns=\"http://www.w3.org/2005/Atom\">") || !strings.Contains(body, "Trek FX 3") {
		t.Errorf("feed lacks the Atom root or the bike deal:\n%s", body)
	}
	if strings.Contains(body, uitest.XSSTitle) {
		t.Error("the feed carries the XSS title unescaped")
	}
	// Rotating the key revokes the old links.
	res, _ = e.do(http.MethodPost, "/watches/feeds/rotate", url.Values{})
	e.follow(res)
	if code, _ := e.get(paths[0]); code != http.StatusNotFound {
		t.Errorf("old feed link after rotation: status %d, want 404", code)
	}
}

func TestCSVExport(t *testing.T) {
	e := newEnv(t)
	res, body := e.do(http.MethodGet, "/deals.csv?watch=bikes&sort=price", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("status %d type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if lines[0] != "id,watch,source,title,price,currency,free,condition,score,profit,distance_mi,status,first_seen,url" {
		t.Errorf("header %q", lines[0])
	}
	if len(lines) != 1+9 { // the 8 bike listings and the same Trek at craigslist
		t.Errorf("%d rows, want 9", len(lines)-1)
	}
	if !strings.Contains(lines[1], "Bike rack") {
		t.Errorf("sorted by price, the first row should be the cheapest: %q", lines[1])
	}
	if code, _ := e.get("/deals.csv?min_score=x"); code != http.StatusBadRequest {
		t.Errorf("bad filter: status %d, want 400", code)
	}
}

func TestLoginPage(t *testing.T) {
	st := uitest.OpenStore(t, testNow)
	u, err := ui.New(ui.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	u.RenderLogin(rec, httptest.NewRequest(http.MethodGet, "/login", nil), ui.LoginView{Error: "Wrong password <b>", Next: "//evil.example"})
	body := rec.Body.String()
	if rec.Code != http.StatusUnauthorized || !strings.Contains(body, "Wrong password &lt;b&gt;") || !strings.Contains(body, `name="next" value="/"`) {
		t.Errorf("login page: status %d, body:\n%s", rec.Code, body)
	}
}

func TestNewSinceLastVisit(t *testing.T) {
	e := newEnv(t)
	cookie := func(prev, last time.Time) string {
		return fmt.Sprintf("dealscout_visit=%d.%d", prev.Unix(), last.Unix())
	}
	cases := []struct {
		name, cookie string
		want         string
		nextPrev     time.Time
	}{
		// Still the same visit (last view 5 min ago): deals since the visit before, 25 min ago.
		{"same visit", cookie(testNow.Add(-25*time.Minute), testNow.Add(-5*time.Minute)), "1–4 of 4", testNow.Add(-25 * time.Minute)},
		// A new visit (last view 35 min ago): that view becomes the previous
		// visit, so the week-old Trek no longer counts as new.
		{"new visit", cookie(testNow.Add(-7*24*time.Hour), testNow.Add(-35*time.Minute)), "1–11 of 11", testNow.Add(-35 * time.Minute)},
		{"first visit", "", "1–12 of 12", time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.cookie != "" {
				hdr = []string{"Cookie", c.cookie}
			}
			res, body := e.do(http.MethodGet, "/?new=1", nil, hdr...)
			if !strings.Contains(body, c.want) {
				t.Errorf("count %q missing", c.want)
			}
			var next string
			for _, ck := range res.Cookies() {
				if ck.Name == "dealscout_visit" {
					next = ck.Value
				}
			}
			var wantPrev int64
			if !c.nextPrev.IsZero() {
				wantPrev = c.nextPrev.Unix()
			}
			if want := fmt.Sprintf("%d.%d", wantPrev, testNow.Unix()); next != want {
				t.Errorf("visit cookie %q, want %q", next, want)
			}
		})
	}
}
