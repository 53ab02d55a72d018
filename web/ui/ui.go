package ui

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web/vcache"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps is what the pages need; package web fills it in from the configuration.
type Deps struct {
	Store     *store.Store
	Now       func() time.Time // clock; default time.Now
	Location  *time.Location   // DEALSCOUT_TIMEZONE; times are shown in it with the zone named
	Log       *slog.Logger
	LegalMode string // DEALSCOUT_LEGAL_MODE, for watch validation
	BaseURL   string // DEALSCOUT_BASE_URL, for absolute links in feeds; may be ""
	Version   string // build version, shown on the health page
	// PollNow asks the scheduler to poll the watch soon; it must not block.
	// nil when no scheduler runs.
	PollNow func(ctx context.Context, watch string) error
	// SendTest sends a test message through the named channel now. Its
	// error is shown to the user, so it must not contain secrets.
	SendTest func(ctx context.Context, channel string) error
	// EbayDailyCalls is the eBay call budget (DEALSCOUT_EBAY_DAILY_CALLS); 0 hides it.
	EbayDailyCalls int
	// SellerMessage is the default message offered for copying on a deal
	// page (DEALSCOUT_SELLER_MESSAGE); a watch's own setting wins.
	SellerMessage string
	// Cache keeps what pages read from the database until it changes; nil
	// reads it for every request.
	Cache *vcache.Cache
}

// UI serves the pages.
type UI struct {
	d      Deps
	pages  map[string]*template.Template
	static http.Handler
}

// New parses the templates and checks the dependencies.
func New(d Deps) (*UI, error) {
	if d.Store == nil {
		return nil, errors.New("ui: new: Deps.Store is nil")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Location == nil {
		d.Location = time.UTC
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.SellerMessage == "" {
		d.SellerMessage = "Hi! Is this still available? I can pick up today."
	}
	d.BaseURL = strings.TrimRight(d.BaseURL, "/")
	u := &UI{d: d, pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("ui: list templates: %w", err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(u.funcs()).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("ui: parse template %s: %w", n, err)
		}
		u.pages[base] = t
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("ui: static files: %w", err)
	}
	u.static = http.StripPrefix("/static/", staticHandler(http.FileServerFS(sub)))
	return u, nil
}

// staticHandler lets browsers keep the stylesheet and script for an hour and
// refuses directory listings.
func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// Register adds every UI route to mux.
func (u *UI) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", u.deals)
	mux.HandleFunc("GET /deals", u.deals)
	mux.HandleFunc("GET /deals.csv", u.dealsCSV)
	mux.HandleFunc("GET /deals/{id}", u.deal)
	mux.HandleFunc("POST /deals/{id}/status", u.dealStatus)
	mux.HandleFunc("GET /watches", u.watches)
	mux.HandleFunc("GET /watches/new", u.watchNew)
	mux.HandleFunc("POST /watches", u.watchCreate)
	mux.HandleFunc("GET /watches/{name}/edit", u.watchEdit)
	mux.HandleFunc("POST /watches/{name}", u.watchUpdate)
	mux.HandleFunc("POST /watches/{name}/delete", u.watchDelete)
	mux.HandleFunc("POST /watches/{name}/pause", u.watchPause)
	mux.HandleFunc("POST /watches/{name}/poll", u.watchPoll)
	mux.HandleFunc("POST /watches/feeds/rotate", u.feedRotate)
	mux.HandleFunc("GET /channels", u.channels)
	mux.HandleFunc("POST /channels", u.channelCreate)
	mux.HandleFunc("POST /channels/{name}/test", u.channelTest)
	mux.HandleFunc("POST /channels/{name}/delete", u.channelDelete)
	mux.HandleFunc("GET /alerts", u.alerts)
	mux.HandleFunc("POST /alerts/{id}/retry", u.alertRetry)
	mux.HandleFunc("GET /health", u.health)
	mux.HandleFunc("GET /feeds/{secret}", u.feed)
	mux.Handle("GET /static/", u.static)
}

// LoginView is what the login page shows; package web owns the login logic.
type LoginView struct {
	Error string // why the last attempt failed; "" on first view
	Next  string // local path to return to after login
}

// RenderLogin writes the login page: status 200, or 401 when v.Error is set.
// Package web owns the login logic and calls it from its /login handlers; to
// answer with another status (429 after too many attempts) it passes a
// ResponseWriter that writes its own status instead.
func (u *UI) RenderLogin(w http.ResponseWriter, r *http.Request, v LoginView) {
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusUnauthorized
	}
	v.Next = localPath(v.Next, "/")
	u.render(w, r, status, "login", page{Title: "Log in", Bare: true, Data: v})
}

// page is what the layout needs around every page's own data.
type page struct {
	Title string
	Nav   string // which menu entry is current
	Flash *flash
	Bare  bool // no navigation (login)
	Data  any
}

// render writes a page, buffering it so a template error becomes a clean 500.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := u.pages[name]
	if !ok {
		u.fail(w, r, fmt.Errorf("ui: no template %q", name))
		return
	}
	if p.Flash == nil {
		p.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		u.fail(w, r, fmt.Errorf("ui: render %s: %w", name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderBytes renders a page whose flash message, if any, is already in p.
func (u *UI) renderBytes(name string, p page) ([]byte, error) {
	t, ok := u.pages[name]
	if !ok {
		return nil, fmt.Errorf("ui: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return nil, fmt.Errorf("ui: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// writePage sends a page renderBytes made, or the error page for err.
func (u *UI) writePage(w http.ResponseWriter, r *http.Request, body []byte, err error) {
	if err != nil {
		u.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// fail logs err and shows a page that says something went wrong, without details.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	u.d.Log.ErrorContext(r.Context(), "web page failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	u.errorPage(w, r, http.StatusInternalServerError, "Something went wrong on our side; the details are in the server log. Try again, or go back to the deals.")
}

// errorPage shows a message with a status; message is plain text.
func (u *UI) errorPage(w http.ResponseWriter, r *http.Request, status int, message string) {
	t, ok := u.pages["error"]
	var buf bytes.Buffer
	if ok {
		err := t.ExecuteTemplate(&buf, "layout.html", page{Title: http.StatusText(status), Data: struct {
			Status  int
			Message string
		}{status, message}})
		if err != nil {
			buf.Reset()
			ok = false
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		http.Error(w, message, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (u *UI) notFound(w http.ResponseWriter, r *http.Request, what string) {
	u.errorPage(w, r, http.StatusNotFound, what)
}

// flash is a one-time message shown on the page a POST redirects to. Target
// names the row it belongs to (a channel for "send test"), "" for the page.
type flash struct {
	Error  bool   `json:"e,omitempty"`
	Msg    string `json:"m"`
	Target string `json:"t,omitempty"`
}

const flashCookie = "dealscout_flash"

// redirect sends the browser to a local path with a one-time message: the
// POST-redirect-GET pattern, so reloading a page never repeats an action.
func redirect(w http.ResponseWriter, r *http.Request, to string, f *flash) {
	if f != nil {
		b, _ := json.Marshal(f)
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
			MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	http.Redirect(w, r, localPath(to, "/"), http.StatusSeeOther)
}

// takeFlash reads and clears the one-time message, if any.
func takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(b, &f) != nil || f.Msg == "" {
		return nil
	}
	return &f
}

// localPath returns p when it is a path on this site ("/deals?x=1"), else def:
// a return address taken from a form must not send the browser elsewhere.
func localPath(p, def string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return def
	}
	pu, err := url.Parse(p)
	if err != nil || pu.Scheme != "" || pu.Host != "" {
		return def
	}
	return p
}

// fieldErrors maps form fields to what is wrong with them.
type fieldErrors map[string]string

// fromFieldError puts a validation error next to its field, or under "" for
// the form as a whole.
func (fe fieldErrors) add(err error) {
	var f *scout.FieldError
	if errors.As(err, &f) {
		fe[f.Field] = f.Problem
		return
	}
	fe[""] = err.Error()
}
