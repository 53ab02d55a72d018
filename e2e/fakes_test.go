package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// market is the world the fake sources show: shelves of listings that grow
// and change price round by round. Listings are never taken away, so after
// a poll that runs to completion every listing ever served must be stored,
// at the price served last.
type market struct {
	mu      sync.Mutex
	round   int
	seed    uint64
	shelves map[string]*shelf
	order   []string
	feedURL string // base URL of the feed server: feeds are FEEDURL/NAME.rss
	dir     string // where file shelves are written
}

// shelf is one source's listings.
type shelf struct {
	name  string // "desks": the feed's path or the file's name
	kind  string // "feed" or "file"
	noun  string // the word watches query for
	tag   string // makes titles unique across shelves
	items []*item
}

// item is one listing; cents is its current price (0 when free).
type item struct {
	n      int
	cents  int64
	free   bool
	round  int // the round it first appeared in
	posted time.Time
}

func newMarket(t *testing.T, seed uint64) (*market, *httptest.Server) {
	t.Helper()
	m := &market{seed: seed, shelves: map[string]*shelf{}, dir: t.TempDir()}
	srv := httptest.NewServer(http.HandlerFunc(m.serveFeed))
	t.Cleanup(srv.Close)
	m.feedURL = srv.URL + "/feeds"
	return m, srv
}

// addShelf adds a source with n listings, 1 in 10 of them free.
func (m *market) addShelf(kind, name, noun, tag string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &shelf{name: name, kind: kind, noun: noun, tag: tag}
	m.shelves[name] = s
	m.order = append(m.order, name)
	r := m.rng(uint64(len(m.order)))
	for i := 0; i < n; i++ {
		s.add(r, i%10 == 9, m.round)
	}
}

func (m *market) rng(salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(m.seed, uint64(m.round)<<16|salt))
}

func (s *shelf) add(r *rand.Rand, free bool, round int) {
	it := &item{n: len(s.items), free: free, round: round, posted: time.Now().UTC().Add(-time.Duration(r.IntN(48)) * time.Hour).Truncate(time.Second)}
	if !free {
		it.cents = int64(20+r.IntN(400)) * 100
	}
	s.items = append(s.items, it)
}

// advance moves the market one round on: every shelf gains newPer listings
// (the first of them free), and some listings change price — about one in
// fifteen drops by 20–40%, one in twenty-five rises by 10%.
func (m *market) advance(newPer int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.round++
	for k, name := range m.order {
		s := m.shelves[name]
		r := m.rng(uint64(k + 1))
		for _, it := range s.items {
			if it.free {
				continue
			}
			switch r.IntN(75) {
			case 0, 1, 2, 3, 4:
				it.cents = max(100, it.cents*int64(60+r.IntN(21))/100)
			case 5, 6, 7:
				it.cents = it.cents * 110 / 100
			}
		}
		for i := 0; i < newPer; i++ {
			s.add(r, i == 0, m.round)
		}
	}
}

// source is what a watch lists for the shelf: feed:URL or file:PATH.
func (m *market) source(name string) string {
	s := m.shelves[name]
	if s.kind == "feed" {
		return "feed:" + m.feedURL + "/" + name + ".rss"
	}
	return "file:" + filepath.Join(m.dir, name+".jsonl")
}

func (s *shelf) sourceID(it *item) string { return fmt.Sprintf("%s-%05d", s.name, it.n) }

func (s *shelf) url(it *item) string {
	return fmt.Sprintf("https://example.com/%s/%05d", s.name, it.n)
}

func (s *shelf) title(it *item) string {
	base := fmt.Sprintf("%s %s %s%d", adjectives[it.n%len(adjectives)], s.noun, s.tag, it.n)
	switch {
	case it.free:
		return "FREE " + base + ", curb alert"
	case s.kind == "feed":
		return fmt.Sprintf("%s - $%d.%02d", base, it.cents/100, it.cents%100)
	default:
		return base
	}
}

var adjectives = []string{"oak", "grey", "vintage", "sturdy", "compact", "walnut", "blue", "large", "small", "modern"}

// writeFiles writes every file shelf for the current round. Each file is
// replaced by a rename, so a poll reads one round or the next, never half.
func (m *market) writeFiles(t *testing.T) {
	t.Helper()
	if err := m.write(); err != nil {
		t.Fatal(err)
	}
}

func (m *market) write() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, name := range m.order {
		s := m.shelves[name]
		if s.kind != "file" {
			continue
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		for _, it := range s.items {
			rec := map[string]any{"source": "fake-" + s.name, "source_id": s.sourceID(it), "title": s.title(it),
				"description": "Pick up in the Mission.", "price_cents": it.cents, "currency": "USD", "condition": "good",
				"posted_at": it.posted.Format(time.RFC3339), "lat": 37.76, "lng": -122.42, "url": s.url(it),
				"images": []string{"https://example.com/img/" + s.sourceID(it) + ".jpg"}}
			if err := enc.Encode(rec); err != nil {
				return err
			}
		}
		path := filepath.Join(m.dir, s.name+".jsonl")
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	return nil
}

// serveFeed answers GET /feeds/NAME.rss with the shelf as RSS 2.0, and 304
// when the client already has this version (its ETag).
func (m *market) serveFeed(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/feeds/"), ".rss")
	m.mu.Lock()
	s, ok := m.shelves[name]
	if !ok || s.kind != "feed" {
		m.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	body := m.rss(s)
	m.mu.Unlock()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(body)
}

func (m *market) rss(s *shelf) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel><title>")
	b.WriteString(s.name + "</title><link>https://example.com/" + s.name + "</link><description>fake deals</description>\n")
	for _, it := range s.items {
		b.WriteString("<item><title>")
		_ = xml.EscapeText(&b, []byte(s.title(it)))
		b.WriteString("</title><link>" + s.url(it) + "</link><guid isPermaLink=\"false\">" + s.sourceID(it) + "</guid>")
		b.WriteString("<pubDate>" + it.posted.Format(time.RFC1123Z) + "</pubDate>")
		b.WriteString("<description>Good condition, pick up in the Mission.</description></item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// served is what the market offers now: the price of every listing by
// source and source id.
func (m *market) served() map[listingKey]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[listingKey]int64{}
	for _, name := range m.order {
		s := m.shelves[name]
		src := m.listingSource(s)
		for _, it := range s.items {
			out[listingKey{src, s.sourceID(it)}] = it.cents
		}
	}
	return out
}

// listingSource is the listing's source column as dealscout stores it.
func (m *market) listingSource(s *shelf) string {
	if s.kind == "feed" {
		return "feed:" + m.feedURL + "/" + s.name + ".rss"
	}
	return "fake-" + s.name
}

// freeSince lists the URLs of the free listings of a shelf that appeared
// after round 0: each must alert once per channel of every watch of it.
func (m *market) freeSince(name string, round int) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.shelves[name]
	var out []string
	for _, it := range s.items {
		if it.free && it.round >= round {
			out = append(out, s.url(it))
		}
	}
	return out
}

type listingKey struct{ source, sourceID string }

// hook is a fake webhook receiver. It records a delivery once it has read
// the whole body, as a real receiver would act on it, then answers 204.
type hook struct {
	*httptest.Server

	mu         sync.Mutex
	deliveries []delivery
	stall      chan struct{} // when set, requests wait for it to close
	arrived    chan struct{} // signalled (non-blocking) when a request arrives
	recorded   chan struct{} // signalled (non-blocking) when a delivery is recorded
	holdAt     int           // hold the answer to the holdAt-th delivery from now on; 0 = never
	counted    int           // deliveries since holdNth
	held       chan string   // the webhook-id of a delivery whose answer is held
}

type delivery struct {
	id     string // the webhook-id header
	path   string // which channel: each channel has its own path
	watch  string
	kind   string
	deals  []deliveredDeal
	signed bool
}

type deliveredDeal struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

func newHook(t *testing.T) *hook {
	t.Helper()
	h := &hook{arrived: make(chan struct{}, 1), recorded: make(chan struct{}, 4096), held: make(chan string, 1)}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	select {
	case h.arrived <- struct{}{}:
	default:
	}
	h.mu.Lock()
	stall := h.stall
	h.mu.Unlock()
	if stall != nil {
		select {
		case <-stall:
		case <-r.Context().Done():
			return
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the sender died mid-request: nothing was received
	}
	var p struct {
		Watch string          `json:"watch"`
		Kind  string          `json:"kind"`
		Deals []deliveredDeal `json:"deals"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	d := delivery{id: r.Header.Get("webhook-id"), path: r.URL.Path, watch: p.Watch, kind: p.Kind, deals: p.Deals,
		signed: validSignature(r.Header, body)}
	h.mu.Lock()
	h.deliveries = append(h.deliveries, d)
	h.counted++
	hold := h.holdAt > 0 && h.counted == h.holdAt
	if hold {
		h.holdAt = 0
	}
	h.mu.Unlock()
	select {
	case h.recorded <- struct{}{}:
	default:
	}
	if hold {
		// The receiver has the alert; the sender never hears so. Wait for
		// the test to kill it (the connection closes) or give up.
		select {
		case h.held <- d.id:
		default:
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(10 * time.Second):
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// validSignature checks a request the way a Standard Webhooks receiver
// does: "v1," + base64 HMAC-SHA256 of "id.timestamp.body" under the
// base64-decoded part of the whsec_ secret.
func validSignature(h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(webhookSecret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "."))
	mac.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// stallAll makes every request wait until release is called.
func (h *hook) stallAll() (release func()) {
	c := make(chan struct{})
	h.mu.Lock()
	h.stall = c
	h.mu.Unlock()
	return sync.OnceFunc(func() { close(c) })
}

// holdNth makes the hook keep the answer to the nth delivery from now on
// to itself (0: answer every delivery).
func (h *hook) holdNth(n int) {
	h.mu.Lock()
	h.holdAt, h.counted = n, 0
	h.mu.Unlock()
	select {
	case <-h.held:
	default:
	}
}

func (h *hook) all() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.deliveries...)
}

func (h *hook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.deliveries)
}
