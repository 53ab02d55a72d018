package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakes is one loopback server playing every remote party: eBay's OAuth
// token endpoint and Browse search (paged), RSS feeds, and a Discord
// webhook. Its content is set by the measurement before each poll.
type fakes struct {
	srv  *http.Server
	ln   net.Listener
	base string // http://127.0.0.1:PORT

	mu    sync.Mutex
	ebay  map[string][]item // category id → its items
	feeds map[string][]byte // feed name → body
	// discord receives the arrival time of every webhook POST.
	discord chan time.Time
	calls   int // eBay search calls served
}

const fakeToken = "v^1.1#i^1#bench-token" // #nosec G101 -- the loopback fake eBay's own token, not a credential

func startFakes() (*fakes, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback: %w", err)
	}
	f := &fakes{ln: ln, base: "http://" + ln.Addr().String(), ebay: map[string][]item{}, feeds: map[string][]byte{},
		discord: make(chan time.Time, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /identity/v1/oauth2/token", f.token)
	mux.HandleFunc("GET /buy/browse/v1/item_summary/search", f.search)
	mux.HandleFunc("GET /feeds/{name}", f.feed)
	mux.HandleFunc("POST /api/webhooks/{id}/{token}", f.webhook)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

func (f *fakes) close() { _ = f.srv.Close() }

func (f *fakes) setEbay(category string, items []item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ebay[category] = items
}

func (f *fakes) setFeed(name string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feeds[name] = body
}

// token answers the client-credentials grant as eBay documents it.
func (f *fakes) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"unsupported_grant_type"}`, http.StatusBadRequest)
		return
	}
	if _, _, ok := r.BasicAuth(); !ok {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": fakeToken, "expires_in": 7200, "token_type": "Application Access Token"})
}

// search serves the items of the category_ids asked for, limit at a time
// from offset, with `next` pointing at the following page while any remain.
func (f *fakes) search(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+fakeToken {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"errorId":1001,"domain":"OAuth","category":"REQUEST","message":"Invalid access token"}]}`))
		return
	}
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f.mu.Lock()
	items := f.ebay[q.Get("category_ids")]
	f.calls++
	f.mu.Unlock()
	end := min(offset+limit, len(items))
	page := []map[string]any{}
	for _, it := range items[min(offset, len(items)):end] {
		page = append(page, it.ebayItem())
	}
	resp := map[string]any{"href": f.pageURL(r.URL, offset), "total": len(items), "limit": limit, "offset": offset, "itemSummaries": page}
	if end < len(items) {
		resp["next"] = f.pageURL(r.URL, end)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakes) pageURL(u *url.URL, offset int) string {
	q := u.Query()
	q.Set("offset", strconv.Itoa(offset))
	return f.base + u.Path + "?" + q.Encode()
}

// feed serves a feed body with no ETag or Last-Modified, so every poll
// downloads, parses and compares the whole feed: the worst case. (A feed
// that sends validators is answered 304 and costs next to nothing.)
func (f *fakes) feed(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	body, ok := f.feeds[strings.TrimSuffix(r.PathValue("name"), ".rss")]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(body)
}

// webhook stands in for Discord: it notes when a message arrived and
// answers 204 as Discord does without ?wait=true.
func (f *fakes) webhook(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	var body struct {
		Embeds []json.RawMessage `json:"embeds"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, `{"message":"Cannot send an empty message","code":50006}`, http.StatusBadRequest)
		return
	}
	select {
	case f.discord <- at:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}
