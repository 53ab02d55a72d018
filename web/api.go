package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web/vcache"
)

// route is one API endpoint. The mux is built from this table and the
// OpenAPI test compares it with openapi.json, so the two cannot drift.
type route struct {
	method, pattern string
	handler         http.HandlerFunc
}

func apiRoutes(s *Server) []route {
	return []route{
		{"GET", "/api/v1/openapi.json", s.openAPI},
		{"GET", "/api/v1/deals", s.apiDeals},
		{"GET", "/api/v1/deals/{id}", s.apiDeal},
		{"POST", "/api/v1/deals/{id}/status", s.apiMarkDeal},
		{"GET", "/api/v1/listings", s.apiListings},
		{"GET", "/api/v1/listings/{id}", s.apiListing},
		{"GET", "/api/v1/watches", s.apiWatches},
		{"POST", "/api/v1/watches", s.apiCreateWatch},
		{"GET", "/api/v1/watches/{name}", s.apiWatch},
		{"PUT", "/api/v1/watches/{name}", s.apiUpdateWatch},
		{"DELETE", "/api/v1/watches/{name}", s.apiDeleteWatch},
		{"GET", "/api/v1/channels", s.apiChannels},
		{"POST", "/api/v1/channels", s.apiCreateChannel},
		{"DELETE", "/api/v1/channels/{name}", s.apiDeleteChannel},
		{"POST", "/api/v1/channels/{name}/test", s.apiTestChannel},
		{"GET", "/api/v1/alerts", s.apiAlerts},
		{"POST", "/api/v1/alerts/{id}/retry", s.apiRetryAlert},
		{"GET", "/api/v1/runs", s.apiRuns},
		{"POST", "/api/v1/poll", s.apiPoll},
	}
}

// page is the body of every list: the items and, when there are more, the
// cursor that fetches the next page.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

const (
	defaultLimit = 50
	maxLimit     = 500
)

// pageLimit reads ?limit=, 1..500.
func pageLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		return 0, &scout.FieldError{Field: "limit", Problem: fmt.Sprintf("must be a whole number from 1 to %d (got %q)", maxLimit, v)}
	}
	return n, nil
}

// Cursors are opaque to clients: base64url of "kind:fields". The kind keeps
// a deals cursor from being replayed against alerts.
func encodeCursor(kind string, fields ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strings.Join(fields, ":")))
}

func decodeCursor(r *http.Request, kind string, n int) ([]string, error) {
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return nil, nil
	}
	bad := &scout.FieldError{Field: "cursor", Problem: "is not a cursor this list returned; start again without it"}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != n+1 || parts[0] != kind {
		return nil, bad
	}
	return parts[1:], nil
}

// idCursor reads a cursor holding one row id.
func idCursor(r *http.Request, kind string) (int64, error) {
	f, err := decodeCursor(r, kind, 1)
	if err != nil || f == nil {
		return 0, err
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || id < 1 {
		return 0, &scout.FieldError{Field: "cursor", Problem: "is not a cursor this list returned; start again without it"}
	}
	return id, nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, &scout.FieldError{Field: "id", Problem: fmt.Sprintf("%q is not an id (a positive whole number)", r.PathValue("id"))}
	}
	return id, nil
}

// decodeBody reads a JSON object body into v, refusing unknown fields and
// trailing data.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var fe *scout.FieldError
		switch {
		case errors.As(err, &mbe), errors.As(err, &fe):
			return err
		case errors.Is(err, io.EOF):
			return &scout.FieldError{Field: "body", Problem: "is empty; send a JSON object"}
		}
		return &scout.FieldError{Field: "body", Problem: "is not valid JSON for this request: " + err.Error()}
	}
	if dec.More() {
		return &scout.FieldError{Field: "body", Problem: "has data after the JSON object"}
	}
	return nil
}

// --- deals ---

func (s *Server) apiDeals(w http.ResponseWriter, r *http.Request) {
	// Only answers to valid queries are kept, so a query string found in the
	// cache needs no checking again.
	key := "api-deals?" + r.URL.RawQuery
	if body, ok := vcache.Lookup[[]byte](r.Context(), s.cache, key); ok {
		writeJSONBytes(w, http.StatusOK, body)
		return
	}
	q := r.URL.Query()
	f := store.DealFilter{Watch: q.Get("watch"), Source: q.Get("source"), Status: q.Get("status")}
	if v := q.Get("min_score"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n > 100 {
			s.fail(w, r, &scout.FieldError{Field: "min_score", Problem: fmt.Sprintf("must be a number from 0 to 100 (got %q)", v)})
			return
		}
		f.MinScore = n
	}
	if v := q.Get("free"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.fail(w, r, &scout.FieldError{Field: "free", Problem: fmt.Sprintf("must be true or false (got %q)", v)})
			return
		}
		f.Free = b
	}
	if f.Status != "" && !store.ValidDealStatus(f.Status) {
		s.fail(w, r, &scout.FieldError{Field: "status", Problem: fmt.Sprintf("%q is not one of %s", f.Status, strings.Join(store.DealStatuses, ", "))})
		return
	}
	limit, err := pageLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cur, err := dealCursor(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The answer depends on the query string and the database alone, so it
	// is kept, encoded, until the database changes.
	body, err := vcache.Get(r.Context(), s.cache, key, func(ctx context.Context) ([]byte, error) {
		if f.Watch != "" {
			if _, err := s.st.Watch(ctx, f.Watch); err != nil {
				return nil, err
			}
		}
		p, err := s.st.DealList(ctx, f, cur, limit)
		if err != nil {
			return nil, err
		}
		out := page[DealJSON]{Items: make([]DealJSON, 0, len(p.Deals))}
		if p.More {
			out.NextCursor = encodeDealCursor(p.Next)
		}
		for _, d := range p.Deals {
			out.Items = append(out.Items, NewDealJSON(d))
		}
		return encodeJSON(out)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSONBytes(w, http.StatusOK, body)
}

func (s *Server) apiDeal(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := LoadDealDetail(r.Context(), s.st, id, r.URL.Query().Get("watch"), s.opts.Now(), s.opts.SellerMessage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiMarkDeal(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var body struct {
		Status string `json:"status"`
		Watch  string `json:"watch"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.st.MarkDeal(r.Context(), id, body.Watch, body.Status); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.st.DealForListing(r.Context(), id, body.Watch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NewDealJSON(d))
}

// A deals cursor holds the last deal's score, first seen and id: the order
// of the list. The first-seen time is stored text with colons in it, so it
// travels base64url-encoded inside the cursor's colon-separated fields.
func encodeDealCursor(c store.DealCursor) string {
	return encodeCursor("deals", strconv.FormatFloat(c.Score, 'g', -1, 64),
		base64.RawURLEncoding.EncodeToString([]byte(c.FirstSeen)), strconv.FormatInt(c.DealID, 10))
}

// dealCursor reads ?cursor= of the deal list; the zero cursor when absent.
func dealCursor(r *http.Request) (store.DealCursor, error) {
	fields, err := decodeCursor(r, "deals", 3)
	if err != nil || fields == nil {
		return store.DealCursor{}, err
	}
	sc, err1 := strconv.ParseFloat(fields[0], 64)
	first, err2 := base64.RawURLEncoding.DecodeString(fields[1])
	id, err3 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || id < 1 || len(first) == 0 {
		return store.DealCursor{}, &scout.FieldError{Field: "cursor", Problem: "is not a cursor this list returned; start again without it"}
	}
	return store.DealCursor{Score: sc, FirstSeen: string(first), DealID: id}, nil
}

// --- listings ---

// ListingJSON is a stored listing.
type ListingJSON struct {
	scout.Listing
	FirstSeen   string  `json:"first_seen"`
	LastSeen    string  `json:"last_seen"`
	GoneAt      *string `json:"gone_at"`
	DuplicateOf *int64  `json:"duplicate_of"`
}

func newListingJSON(l store.StoredListing) ListingJSON {
	j := ListingJSON{Listing: l.Listing, FirstSeen: l.FirstSeen.Format(time.RFC3339), LastSeen: l.LastSeen.Format(time.RFC3339),
		DuplicateOf: l.DuplicateOf}
	if !l.GoneAt.IsZero() {
		g := l.GoneAt.Format(time.RFC3339)
		j.GoneAt = &g
	}
	return j
}

func (s *Server) apiListings(w http.ResponseWriter, r *http.Request) {
	limit, err := pageLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := idCursor(r, "listings")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, err := s.st.ListingsBefore(r.Context(), r.URL.Query().Get("source"), before, limit+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := page[ListingJSON]{Items: make([]ListingJSON, 0, len(ls))}
	if len(ls) > limit {
		out.NextCursor = encodeCursor("listings", strconv.FormatInt(ls[limit-1].ID, 10))
		ls = ls[:limit]
	}
	for _, l := range ls {
		out.Items = append(out.Items, newListingJSON(l))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiListing(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.st.StoredListingByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newListingJSON(l))
}

// --- watches ---

func (s *Server) apiWatches(w http.ResponseWriter, r *http.Request) {
	ws, err := s.st.Watches(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ws == nil {
		ws = []scout.Watch{}
	}
	writeJSON(w, http.StatusOK, page[scout.Watch]{Items: ws})
}

func (s *Server) apiWatch(w http.ResponseWriter, r *http.Request) {
	wa, err := s.st.Watch(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wa)
}

// validateWatch runs the CLI's checks: the watch's own, then that every
// channel it notifies exists.
func (s *Server) validateWatch(r *http.Request, wa *scout.Watch) error {
	if err := wa.Validate(s.opts.LegalMode); err != nil {
		return err
	}
	missing, err := s.st.MissingChannels(r.Context(), wa.Notify)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &scout.FieldError{Field: "notify", Problem: "no channel named " + strings.Join(missing, ", ") + "; add it first (POST /api/v1/channels)"}
	}
	return nil
}

func (s *Server) apiCreateWatch(w http.ResponseWriter, r *http.Request) {
	var wa scout.Watch
	if err := decodeBody(r, &wa); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.validateWatch(r, &wa); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.st.CreateWatch(r.Context(), &wa); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/watches/"+url.PathEscape(wa.Name))
	writeJSON(w, http.StatusCreated, wa)
}

// apiUpdateWatch replaces a watch with the body (absent fields take their
// defaults, as on import). The body's name, when given, renames it. Deals
// the new filters exclude are removed, as by `watch edit`; the response says
// how many (deals_removed) and how many are left (deals_kept).
func (s *Server) apiUpdateWatch(w http.ResponseWriter, r *http.Request) {
	old, err := s.st.Watch(r.Context(), r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var wa scout.Watch
	if err := decodeBody(r, &wa); err != nil {
		s.fail(w, r, err)
		return
	}
	if wa.Name == "" {
		wa.Name = old.Name
	}
	wa.ID = old.ID
	if err := s.validateWatch(r, &wa); err != nil {
		s.fail(w, r, err)
		return
	}
	removed, kept, err := s.st.UpdateWatch(r.Context(), &wa, scout.DealStillMatches(&wa))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	got, err := s.st.Watch(r.Context(), wa.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, watchUpdated{Watch: got, DealsRemoved: removed, DealsKept: kept})
}

func (s *Server) apiDeleteWatch(w http.ResponseWriter, r *http.Request) {
	if err := s.st.DeleteWatch(r.Context(), r.PathValue("name")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- channels ---

// ChannelJSON is a channel as `channel list --json` shows it: the URL masked.
type ChannelJSON struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	URL       string `json:"url"`
	Failures  int    `json:"failures"`
	LastError string `json:"last_error"`
	LastSent  string `json:"last_sent_at"`
}

func newChannelJSON(c store.Channel) ChannelJSON {
	j := ChannelJSON{Name: c.Name, Kind: c.Kind, URL: channels.Mask(c.URL), Failures: c.Failures, LastError: c.LastError}
	if !c.LastSentAt.IsZero() {
		j.LastSent = c.LastSentAt.UTC().Format(time.RFC3339)
	}
	return j
}

func (s *Server) apiChannels(w http.ResponseWriter, r *http.Request) {
	cs, err := s.st.Channels(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := page[ChannelJSON]{Items: make([]ChannelJSON, 0, len(cs))}
	for _, c := range cs {
		out.Items = append(out.Items, newChannelJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateChannel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	}
	if err := decodeBody(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := scout.ValidateName("name", body.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	target, err := channels.Parse(body.URL)
	if err != nil {
		// Parse errors name the problem, never the URL's secret parts.
		s.fail(w, r, &scout.FieldError{Field: "url", Problem: err.Error()})
		return
	}
	c := store.Channel{Name: body.Name, URL: body.URL, Kind: target.Kind}
	if err := s.st.CreateChannel(r.Context(), &c); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/channels/"+url.PathEscape(c.Name))
	writeJSON(w, http.StatusCreated, newChannelJSON(c))
}

func (s *Server) apiDeleteChannel(w http.ResponseWriter, r *http.Request) {
	if err := s.st.DeleteChannel(r.Context(), r.PathValue("name")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiTestChannel(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.st.Channel(r.Context(), name); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.opts.SendTest == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "sending test messages is not configured in this server", "")
		return
	}
	if err := s.opts.SendTest(r.Context(), name); err != nil {
		// The sender's error says what the provider answered, masked.
		writeError(w, http.StatusBadGateway, "send_failed", err.Error(), "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "sent"})
}

// --- alerts ---

// AlertJSON is an outbox row as `alerts list --json` shows it.
type AlertJSON struct {
	ID        int64  `json:"id"`
	Watch     string `json:"watch"`
	ListingID int64  `json:"listing_id"`
	Channel   string `json:"channel"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	NextAt    string `json:"next_attempt_at"`
	LastError string `json:"last_error"`
	CreatedAt string `json:"created_at"`
	SentAt    string `json:"sent_at"`
}

func newAlertJSON(a store.Alert) AlertJSON {
	j := AlertJSON{ID: a.ID, Watch: a.Watch, ListingID: a.ListingID, Channel: a.Channel, Reason: a.Reason, Status: a.Status,
		Attempts: a.Attempts, LastError: a.LastError, CreatedAt: a.CreatedAt.UTC().Format(time.RFC3339)}
	if !a.NextAttemptAt.IsZero() {
		j.NextAt = a.NextAttemptAt.UTC().Format(time.RFC3339)
	}
	if !a.SentAt.IsZero() {
		j.SentAt = a.SentAt.UTC().Format(time.RFC3339)
	}
	return j
}

var alertStatuses = []string{store.AlertPending, store.AlertSent, store.AlertDead}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if status == "failed" {
		status = store.AlertDead
	}
	if status != "" && !contains(alertStatuses, status) {
		s.fail(w, r, &scout.FieldError{Field: "status", Problem: fmt.Sprintf("%q is not one of pending, sent, dead (or failed)", status)})
		return
	}
	limit, err := pageLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := idCursor(r, "alerts")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.st.AlertsBefore(r.Context(), status, before, limit+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := page[AlertJSON]{Items: make([]AlertJSON, 0, len(as))}
	if len(as) > limit {
		out.NextCursor = encodeCursor("alerts", strconv.FormatInt(as[limit-1].ID, 10))
		as = as[:limit]
	}
	for _, a := range as {
		out.Items = append(out.Items, newAlertJSON(a))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRetryAlert(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.st.RetryAlert(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": id, "status": store.AlertPending})
}

// --- runs and poll ---

// RunJSON is one poll run; report is the `poll --json` shape.
type RunJSON struct {
	ID         int64           `json:"id"`
	StartedAt  string          `json:"started_at"`
	FinishedAt *string         `json:"finished_at"`
	Status     string          `json:"status"`
	Report     json.RawMessage `json:"report"`
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) {
	limit, err := pageLimit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	before, err := idCursor(r, "runs")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := s.st.RunsBefore(r.Context(), before, limit+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := page[RunJSON]{Items: make([]RunJSON, 0, len(runs))}
	if len(runs) > limit {
		out.NextCursor = encodeCursor("runs", strconv.FormatInt(runs[limit-1].ID, 10))
		runs = runs[:limit]
	}
	for _, run := range runs {
		j := RunJSON{ID: run.ID, StartedAt: run.StartedAt.Format(time.RFC3339), Status: run.Status, Report: run.Report}
		if !run.FinishedAt.IsZero() {
			f := run.FinishedAt.Format(time.RFC3339)
			j.FinishedAt = &f
		}
		out.Items = append(out.Items, j)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiPoll asks the scheduler to poll now; the run shows up in /api/v1/runs.
func (s *Server) apiPoll(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Watch string `json:"watch"`
	}
	if r.ContentLength != 0 {
		if err := decodeBody(r, &body); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if body.Watch != "" {
		if _, err := s.st.Watch(r.Context(), body.Watch); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if s.opts.PollNow == nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "this server runs no scheduler; run `dealscout poll`", "")
		return
	}
	if err := s.opts.PollNow(r.Context(), body.Watch); err != nil {
		writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error(), "")
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued", "watch": body.Watch})
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
