package web_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web"
	"github.com/dealscout/dealscout/web/ui/uitest"
)

// These tests drive the real server (web.New with login, security headers
// and CSRF protection) from headless Chromium. They skip only when Chromium
// is missing outside CI; in CI (CI set) a missing browser fails them.

const browserPassword = "correct horse battery staple"

var browserNow = time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)

// stepTimeout bounds one step of a browser test.
const stepTimeout = 20 * time.Second

// chromiumPath finds Debian's chromium, or skips (fails in CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must run the browser tests (.ci/run installs it with apt-get)")
	}
	t.Skip("chromium is not installed (apt-get install chromium); browser tests skipped outside CI")
	return ""
}

// webhookFake is a webhook channel's receiving end.
type webhookFake struct {
	mu     sync.Mutex
	bodies []string
}

func (f *webhookFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (f *webhookFake) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies...)
}

// thumbnails serves generated PNGs named N.png over TLS, so the listings'
// https images load without the internet.
func thumbnails(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/"), "%d.png", &n); err != nil {
			http.NotFound(w, r)
			return
		}
		m := image.NewRGBA(image.Rect(0, 0, 160, 160))
		base := []color.RGBA{{0x3b, 0x6e, 0xa8, 255}, {0x7a, 0x4e, 0x2d, 255}, {0x2f, 0x7d, 0x4f, 255}, {0x8c, 0x2f, 0x39, 255},
			{0x55, 0x55, 0x60, 255}, {0x9a, 0x7b, 0x3c, 255}, {0x4a, 0x3f, 0x7a, 255}, {0x2e, 0x6b, 0x6b, 255}}[n%8]
		for x := range 160 {
			for y := range 160 {
				shade := uint8((x + y) / 8)
				m.Set(x, y, color.RGBA{base.R + shade, base.G + shade, base.B + shade, 255})
			}
		}
		w.Header().Set("Content-Type", "image/png")
		_ = png.Encode(w, m)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type browserEnv struct {
	t       *testing.T
	url     string
	st      *store.Store
	fx      uitest.Fixture
	hook    *webhookFake
	hookURL string
	ctx     context.Context
	polled  chan string
}

// newBrowserEnv starts the real server over a seeded database and a
// headless Chromium tab at width × height.
func newBrowserEnv(t *testing.T, width, height int) *browserEnv {
	t.Helper()
	chromium := chromiumPath(t)
	st := uitest.OpenStore(t, browserNow)
	imgs := thumbnails(t)
	fx := uitest.Seed(t, st, browserNow, imgs.URL)
	e := &browserEnv{t: t, st: st, fx: fx, hook: &webhookFake{}, polled: make(chan string, 10)}
	hookSrv := httptest.NewServer(e.hook)
	t.Cleanup(hookSrv.Close)
	e.hookURL = "webhook+" + hookSrv.URL + "/dealscout"
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	// Loopback fakes are allowed the way DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true allows them.
	client := outbound.New(outbound.Options{AllowPrivate: true, Timeout: 5 * time.Second})
	srv, err := web.New(web.Options{Store: st, Log: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Now: func() time.Time { return browserNow }, Location: la, Version: "browser-test", AdminPassword: browserPassword,
		PollNow: func(_ context.Context, w string) error { e.polled <- w; return nil },
		SendTest: func(ctx context.Context, name string) error {
			ch, err := st.Channel(ctx, name)
			if err != nil {
				return err
			}
			n, err := channels.New(ch.URL, channels.Deps{HTTPClient: client})
			if err != nil {
				return err
			}
			_, err = n.Send(ctx, notify.Message{ID: "test", Kind: notify.KindTest, Title: "dealscout test", Text: "It works."})
			return err
		}})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.url = ts.URL

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("ignore-certificate-errors", true), chromedp.WindowSize(width, height),
		chromedp.Flag("hide-scrollbars", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	e.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// A script error or a Content-Security-Policy refusal (an inline script
	// or style the policy blocks) fails the test: the page would be broken
	// for users in the same way.
	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleException || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				problems = append(problems, fmt.Sprintf("%s: %s (%s)", m.Type, m.Text, m.URL))
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	})
	// Any alert() means a listing's text ran as script. The listener may
	// not send commands itself, so a goroutine dismisses the dialog.
	err = chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			t.Errorf("a JavaScript dialog opened (%q): page text ran as script", d.Message)
			go func() { _, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}) }()
		}
	})
	if err != nil {
		t.Fatalf("listen for dialogs: %v", err)
	}
	return e
}

// run runs actions; on failure it saves a screenshot and says where.
func (e *browserEnv) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	// A step gets 20 s, so a wait that never ends still leaves time for the screenshot.
	ctx, cancel := context.WithTimeout(e.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		e.t.Fatalf("%s: %v (screenshot: %s)", step, err, e.screenshot(step))
	}
}

// get runs one action that returns a value; on failure it saves a screenshot.
func get[T any](e *browserEnv, step string, a chromedp.Action[T]) T {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		e.t.Fatalf("%s: %v (screenshot: %s)", step, err, e.screenshot(step))
	}
	return v
}

// check fails the test with a screenshot when ok is false.
func (e *browserEnv) check(ok bool, step, format string, args ...any) {
	e.t.Helper()
	if !ok {
		e.t.Errorf("%s: %s (screenshot: %s)", step, fmt.Sprintf(format, args...), e.screenshot(step))
	}
}

// screenshot saves the page into a directory that outlives the test
// ($DEALSCOUT_SCREENSHOT_DIR, else the system temp dir) and returns its path.
func (e *browserEnv) screenshot(step string) string {
	dir := os.Getenv("DEALSCOUT_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "dealscout-browser-failures")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "not saved: " + err.Error()
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(e.t.Name() + "-" + step)
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "not saved: " + err.Error()
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, buf, 0o600); err != nil {
		return "not saved: " + err.Error()
	}
	return p
}

func (e *browserEnv) login() {
	e.t.Helper()
	pw := chromedp.ID("password")
	e.run("open the login page", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(pw))
	e.run("log in with a wrong password", chromedp.SendKeys(pw, "wrong"), chromedp.Submit(pw), chromedp.WaitVisible(chromedp.ID("login-error")))
	body := get(e, "read the refusal", chromedp.Text(chromedp.ID("login-error")))
	e.check(strings.Contains(body, "Wrong password"), "wrong password", "refusal %q", body)
	e.run("log in", chromedp.Clear(pw), chromedp.SendKeys(pw, browserPassword), chromedp.Submit(pw),
		chromedp.WaitVisible(chromedp.CSS("ol.deals")))
}

func TestBrowserDeals(t *testing.T) {
	e := newBrowserEnv(t, 1280, 900)
	e.login()
	titles := get(e, "read the deals", chromedp.Evaluate[[]string](`[...document.querySelectorAll("li.deal h2")].map(h => h.textContent.trim())`))
	e.check(len(titles) == e.fx.DealsTotal, "deals listed", "%d deals shown, want %d: %q", len(titles), e.fx.DealsTotal, titles)
	e.check(strings.Contains(strings.Join(titles, "\n"), "Trek FX 3 commuter bike, 54 cm"), "deals listed", "the best bike is missing: %q", titles)

	// The listing titled like an attack is text, not an element.
	type xssCheck struct {
		Text   bool `json:"text"`
		Images int  `json:"images"`
	}
	xss := get(e, "look for the XSS title", chromedp.Evaluate[xssCheck](fmt.Sprintf(`({text: [...document.querySelectorAll("li.deal h2")].some(h => h.textContent.trim() === %q),
		images: document.querySelectorAll('img[src="x"], img[onerror]').length})`, uitest.XSSTitle)))
	e.check(xss.Text && xss.Images == 0, "xss title", "title shown as text: %v; injected images: %d", xss.Text, xss.Images)

	// Open the best deal: its breakdown and its chart.
	card := fmt.Sprintf("#deal-%d-%d", e.fx.BestID, e.fx.Bikes.ID)
	e.run("open the deal", chromedp.Click(chromedp.CSS(card+" h2 a")), chromedp.WaitVisible(chromedp.CSS("table.breakdown")))
	rows := get(e, "count breakdown rows", chromedp.Evaluate[int](`document.querySelectorAll("table.breakdown tbody tr").length`))
	chartTitle := get(e, "read the chart title", chromedp.Evaluate[string](`document.querySelector("svg.chart > title").textContent`))
	current := get(e, "read the current price", chromedp.Evaluate[string](`document.querySelector("svg.chart circle.current title").textContent`))
	e.check(rows >= 5, "breakdown", "%d breakdown rows, want the score's components", rows)
	e.check(strings.HasPrefix(chartTitle, "Price history of Trek FX 3"), "chart", "chart title %q", chartTitle)
	e.check(current == "now $375.00", "chart", "current price marked %q, want now $375.00", current)

	// Dismiss it from the list: it leaves without a reload, and stays gone.
	e.run("back to the list", chromedp.Navigate(e.url+"/"), chromedp.WaitVisible(chromedp.CSS(card)))
	e.run("dismiss", chromedp.Click(chromedp.CSS(card+` button[value="dismissed"]`)), chromedp.WaitNotPresent(chromedp.CSS(card)))
	e.run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("ol.deals")))
	still := get(e, "look for the dismissed deal", chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, card)))
	e.check(!still, "dismiss", "the dismissed deal is back after a reload")
	d, err := e.st.DealForListing(context.Background(), e.fx.BestID, "bikes")
	if err != nil || d.Status != "dismissed" {
		t.Errorf("stored status %q (%v), want dismissed", d.Status, err)
	}
}

func TestBrowserWatchValidation(t *testing.T) {
	e := newBrowserEnv(t, 1280, 900)
	e.login()
	name, price := chromedp.ID("w-name"), chromedp.ID("w-max-price")
	e.run("open the watch form", chromedp.Navigate(e.url+"/watches/new"), chromedp.WaitVisible(name))
	e.run("fill it with a bad price", chromedp.SendKeys(name, "lamps"), chromedp.SendKeys(chromedp.ID("w-query"), "desk lamp"),
		chromedp.SendKeys(chromedp.ID("w-sources"), "demo"), chromedp.SendKeys(price, "12abc"), chromedp.Submit(name),
		chromedp.WaitVisible(chromedp.ID("w-max-price-err")))
	msg := get(e, "read the error", chromedp.Text(chromedp.ID("w-max-price-err")))
	query := get(e, "read the query", chromedp.Value(chromedp.ID("w-query")))
	invalid := get(e, "read aria-invalid", chromedp.AttributeValue(price, "aria-invalid"))
	e.check(strings.Contains(msg, `amount "12abc" is not a number`), "price error", "message %q", msg)
	e.check(query == "desk lamp", "kept input", "query field holds %q, want what was typed", query)
	e.check(invalid.Value == "true", "price error", "the price field is not marked invalid")
	if _, err := e.st.Watch(context.Background(), "lamps"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused watch was stored: %v", err)
	}
	e.run("fix the price", chromedp.Clear(price), chromedp.SendKeys(price, "80"), chromedp.Submit(name), chromedp.WaitVisible(chromedp.CSS("table.watches")))
	page := get(e, "read the watches", chromedp.Text(chromedp.CSS("main")))
	e.check(strings.Contains(page, `Added watch "lamps"`) && strings.Contains(page, "desk lamp"), "watch added", "page: %q", page)
}

func TestBrowserSendTest(t *testing.T) {
	e := newBrowserEnv(t, 1280, 900)
	e.login()
	e.run("add a webhook channel", chromedp.Navigate(e.url+"/channels"), chromedp.WaitVisible(chromedp.ID("c-name")),
		chromedp.SendKeys(chromedp.ID("c-name"), "hook"), chromedp.SendKeys(chromedp.ID("c-url"), e.hookURL),
		chromedp.Submit(chromedp.ID("c-name")), chromedp.WaitVisible(chromedp.ID("channel-hook")))
	e.run("send a test", chromedp.Click(chromedp.CSS(`#channel-hook form[action$="/test"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#channel-hook .result")))
	result := get(e, "read the result", chromedp.Text(chromedp.CSS("#channel-hook .result")))
	e.check(result == "Test message sent.", "send test", "result %q", result)
	got := e.hook.received()
	if len(got) != 1 || !strings.Contains(got[0], "dealscout test") {
		t.Errorf("the fake webhook received %d messages (%q), want the one test", len(got), got)
	}
}

func TestBrowserPhoneWidth(t *testing.T) {
	e := newBrowserEnv(t, 390, 844)
	e.login()
	for _, p := range []string{"/", fmt.Sprintf("/deals/%d?watch=bikes", e.fx.BestID), "/watches", "/watches/new", "/channels", "/alerts", "/health"} {
		e.run("open "+p, chromedp.Navigate(e.url+p), chromedp.WaitReady(chromedp.CSS("main")))
		width := get(e, "measure "+p, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		e.check(width <= 390, "no horizontal scroll on "+p, "page is %d px wide at a 390 px viewport", width)
	}
}

// TestBrowserScreenshots saves the deals list and a deal page at a phone's
// and a laptop's size into $DEALSCOUT_SCREENSHOTS, for people to look at.
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv("DEALSCOUT_SCREENSHOTS")
	if dir == "" {
		t.Skip("set DEALSCOUT_SCREENSHOTS=DIR to save screenshots of the UI")
	}
	for _, size := range []struct {
		w, h int
		dark bool
	}{{390, 844, false}, {1280, 800, false}, {390, 844, true}} {
		e := newBrowserEnv(t, size.w, size.h)
		if size.w == 390 && !size.dark {
			e.run("open the login page", chromedp.Navigate(e.url+"/login"), chromedp.WaitVisible(chromedp.ID("password")))
			b := get(e, "screenshot login", chromedp.CaptureScreenshot())
			if err := os.WriteFile(filepath.Join(dir, "login-390x844.png"), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		e.login()
		suffix := ""
		if size.dark {
			suffix = "-dark"
			_, err := chromedp.Call(e.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
			if err != nil {
				t.Fatalf("emulate dark mode: %v", err)
			}
		}
		for _, shot := range []struct{ name, path string }{
			{"deals", "/"}, {"deal", fmt.Sprintf("/deals/%d?watch=bikes", e.fx.BestID)},
		} {
			e.run("open "+shot.name, chromedp.Navigate(e.url+shot.path), chromedp.WaitReady(chromedp.CSS("main")), chromedp.Sleep(300*time.Millisecond))
			shots := map[string][]byte{
				fmt.Sprintf("%s-%dx%d%s.png", shot.name, size.w, size.h, suffix):      get(e, "screenshot", chromedp.CaptureScreenshot()),
				fmt.Sprintf("%s-%dx%d%s-full.png", shot.name, size.w, size.h, suffix): get(e, "full screenshot", chromedp.FullScreenshot(100)),
			}
			for name, b := range shots {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
				t.Logf("saved %s", filepath.Join(dir, name))
			}
		}
	}
}
