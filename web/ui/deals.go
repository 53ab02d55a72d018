package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
	"github.com/dealscout/dealscout/web/vcache"
)

// pageSize is how many deals one page of the list shows.
const pageSize = 25

// csvMaxRows bounds one CSV export.
const csvMaxRows = 10_000

// dealFilters are the deals list's query parameters, as the form sent them.
type dealFilters struct {
	Watch    string
	MinScore string
	Source   string
	Free     bool
	Status   string // "" = open (not dismissed)
	New      bool   // new since last visit
	Sort     string
	Page     int
}

// minScoreChoices are the minimum scores the filter offers.
var minScoreChoices = []string{"50", "60", "70", "75", "80", "85", "90"}

// sortChoices are the orders the list offers, with their labels.
var sortChoices = []struct{ Value, Label string }{
	{store.SortScore, "Best score"}, {store.SortNewest, "Newest"}, {store.SortPrice, "Lowest price"}, {store.SortProfit, "Highest profit"},
}

// parseDealFilters reads the filters from a query, with a message per bad
// parameter; bad values are dropped rather than guessed.
func parseDealFilters(q url.Values) (dealFilters, store.DealQuery, fieldErrors) {
	errs := fieldErrors{}
	f := dealFilters{Watch: q.Get("watch"), Source: q.Get("source"), Free: q.Get("free") != "", New: q.Get("new") != "",
		Sort: q.Get("sort"), Status: q.Get("status"), MinScore: strings.TrimSpace(q.Get("min_score")), Page: 1}
	dq := store.DealQuery{Watch: f.Watch, Source: f.Source, Free: f.Free, Limit: pageSize}
	if f.MinScore != "" {
		v, err := strconv.ParseFloat(f.MinScore, 64)
		if err != nil || v < 0 || v > 100 {
			errs["min_score"] = fmt.Sprintf("must be a number from 0 to 100 (got %q)", f.MinScore)
			f.MinScore = ""
		} else {
			dq.MinScore = v
		}
	}
	switch f.Status {
	case "", "open":
		f.Status = ""
	default:
		if !store.ValidDealStatus(f.Status) {
			errs["status"] = fmt.Sprintf("must be one of new, seen, saved, dismissed (got %q)", f.Status)
			f.Status = ""
		}
	}
	dq.Status = f.Status
	switch f.Sort {
	case "", store.SortScore:
		f.Sort = store.SortScore
	case store.SortNewest, store.SortPrice, store.SortProfit:
	default:
		errs["sort"] = fmt.Sprintf("must be score, newest, price or profit (got %q)", f.Sort)
		f.Sort = store.SortScore
	}
	dq.Sort = f.Sort
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 100_000 {
			errs["page"] = fmt.Sprintf("must be a page number (got %q)", p)
		} else {
			f.Page = n
		}
	}
	dq.Offset = (f.Page - 1) * pageSize
	return f, dq, errs
}

// query renders the filters back into a query string, with page p.
func (f dealFilters) query(p int) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("watch", f.Watch)
	set("min_score", f.MinScore)
	set("source", f.Source)
	set("status", f.Status)
	if f.Free {
		v.Set("free", "1")
	}
	if f.New {
		v.Set("new", "1")
	}
	if f.Sort != store.SortScore {
		v.Set("sort", f.Sort)
	}
	if p > 1 {
		v.Set("page", strconv.Itoa(p))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Active reports whether any filter narrows the list.
func (f dealFilters) Active() bool {
	return f.Watch != "" || f.MinScore != "" || f.Source != "" || f.Free || f.Status != "" || f.New
}

// The "new since last visit" marker lives in a cookie, not the database: a
// GET must not write, and it is this browser's visit that matters. It holds
// the start of the previous visit and the time of the last page view; a view
// more than visitGap after the last one starts a new visit.
const (
	visitCookie = "dealscout_visit"
	visitGap    = 30 * time.Minute
)

// visit reads the marker, writes the updated one, and returns when the
// previous visit was (zero on the first).
func (u *UI) visit(w http.ResponseWriter, r *http.Request) time.Time {
	now := u.d.Now()
	var prev, last time.Time
	if c, err := r.Cookie(visitCookie); err == nil {
		a, b, _ := strings.Cut(c.Value, ".")
		if pa, err := strconv.ParseInt(a, 10, 64); err == nil && pa > 0 {
			prev = time.Unix(pa, 0)
		}
		if pb, err := strconv.ParseInt(b, 10, 64); err == nil && pb > 0 {
			last = time.Unix(pb, 0)
		}
	}
	if !last.IsZero() && now.Sub(last) > visitGap {
		prev = last
	}
	var pv int64
	if !prev.IsZero() {
		pv = prev.Unix()
	}
	http.SetCookie(w, &http.Cookie{Name: visitCookie, Value: fmt.Sprintf("%d.%d", pv, now.Unix()), Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	return prev
}

// dealCard is one deal as the list shows it.
type dealCard struct {
	scout.Deal
	Under    float64
	HasUnder bool
	Verify   string
	Drop     string // "↓ $75 from $450" when the price fell since it was first seen
}

type dealsView struct {
	Filters    dealFilters
	Errors     fieldErrors
	Deals      []dealCard
	Total      int
	From, To   int
	PrevURL    string
	NextURL    string
	CSVURL     string
	Watches    []string
	Sources    []string
	MinScores  []string
	Sorts      []struct{ Value, Label string }
	Statuses   []string
	LastVisit  time.Time
	HasWatches bool
	Back       string // this page, for forms to return to
}

func (u *UI) deals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, dq, errs := parseDealFilters(r.URL.Query())
	lastVisit := u.visit(w, r)
	if f.New {
		dq.Since = lastVisit
	}
	fl := takeFlash(w, r)
	if fl != nil {
		// A message for this browser alone: not a page to keep.
		body, err := u.dealsPage(ctx, f, dq, errs, lastVisit, fl)
		u.writePage(w, r, body, err)
		return
	}
	// The page is what the query, the database, the previous visit and the
	// clock make of it; the clock only through relative times ("12 min
	// ago"), so it is kept for pageClockBucket at most. Rendering it is most
	// of its cost (25 cards through html/template).
	now := u.d.Now()
	key := fmt.Sprintf("ui-deals-page:%s|%d|%d", r.URL.RawQuery, lastVisit.Unix(), now.UnixNano()/int64(pageClockBucket))
	body, err := vcache.Get(ctx, u.d.Cache, key, func(ctx context.Context) ([]byte, error) {
		return u.dealsPage(ctx, f, dq, errs, lastVisit, nil)
	})
	u.writePage(w, r, body, err)
}

// pageClockBucket is how long a rendered deals page is kept while nothing
// changes: its relative times may lag the clock by this much.
const pageClockBucket = 10 * time.Second

// dealsPage renders the deals list.
func (u *UI) dealsPage(ctx context.Context, f dealFilters, dq store.DealQuery, errs fieldErrors, lastVisit time.Time, fl *flash) ([]byte, error) {
	data, err := u.dealsData(ctx, dq)
	if err != nil {
		return nil, err
	}
	v := dealsView{Filters: f, Errors: errs, MinScores: minScoreChoices, Sorts: sortChoices, Statuses: store.DealStatuses,
		LastVisit: lastVisit, HasWatches: len(data.Watches) > 0, Back: "/" + f.query(f.Page),
		Watches: data.Watches, Sources: data.Sources, Total: data.Total}
	deals, total, highest := data.Deals, data.Total, data.Highest
	for _, d := range deals {
		c := dealCard{Deal: d, Verify: verifyWarning(d.Score)}
		c.Under, c.HasUnder = underMarket(d)
		if hi := highest[d.Listing.ID]; d.Listing.PriceKnown && !d.Listing.Free && hi > d.Listing.PriceCents {
			c.Drop = "↓ " + strings.TrimSuffix(money(hi-d.Listing.PriceCents, d.Listing.Currency), ".00") + " from " +
				strings.TrimSuffix(money(hi, d.Listing.Currency), ".00")
		}
		v.Deals = append(v.Deals, c)
	}
	if len(deals) > 0 {
		v.From, v.To = dq.Offset+1, dq.Offset+len(deals)
	}
	if f.Page > 1 {
		v.PrevURL = "/" + f.query(f.Page-1)
	}
	if dq.Offset+len(deals) < total {
		v.NextURL = "/" + f.query(f.Page+1)
	}
	csvF := f
	csvF.Page = 1
	v.CSVURL = "/deals.csv" + csvF.query(1)
	return u.renderBytes("deals", page{Title: "Deals", Nav: "deals", Data: v, Flash: fl})
}

// dealsData is what the deals list reads from the database for one query.
// It is shared by every request at the same database version: read it, never
// change it.
type dealsData struct {
	Watches []string // names, for the filter menu
	Sources []string
	Deals   []scout.Deal
	Total   int
	Highest map[int64]int64 // listing id → highest price it had
}

// dealsData reads the list's data, or takes it from the cache when the
// database has not changed since it was read: the count of matching deals
// and the menu of sources each read every deal.
func (u *UI) dealsData(ctx context.Context, dq store.DealQuery) (dealsData, error) {
	key := fmt.Sprintf("ui-deals:%q|%v|%q|%t|%q|%s|%q|%d|%d", dq.Watch, dq.MinScore, dq.Source, dq.Free, dq.Status,
		dq.Since.UTC().Format(time.RFC3339Nano), dq.Sort, dq.Limit, dq.Offset)
	return vcache.Get(ctx, u.d.Cache, key, func(ctx context.Context) (dealsData, error) {
		var data dealsData
		ws, err := u.d.Store.Watches(ctx)
		if err != nil {
			return data, err
		}
		for _, wa := range ws {
			data.Watches = append(data.Watches, wa.Name)
		}
		if data.Sources, err = u.d.Store.DealSources(ctx); err != nil {
			return data, err
		}
		if data.Deals, data.Total, err = u.d.Store.DealsPage(ctx, dq); err != nil {
			return data, err
		}
		ids := make([]int64, 0, len(data.Deals))
		for _, d := range data.Deals {
			ids = append(ids, d.Listing.ID)
		}
		data.Highest, err = u.d.Store.HighestPrices(ctx, ids)
		return data, err
	})
}

// dealStatus sets a deal's status through store.MarkDeal, the service the CLI
// and the API use too. A fetch from app.js asks for JSON; a plain form post is
// sent back where it came from.
func (u *UI) dealStatus(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		u.notFound(w, r, "There is no such deal.")
		return
	}
	status, watch := r.PostFormValue("status"), r.PostFormValue("watch")
	back := localPath(r.PostFormValue("back"), "/")
	wantJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	err = u.d.Store.MarkDeal(r.Context(), id, watch, status)
	code, msg := http.StatusOK, ""
	switch {
	case err == nil:
		msg = fmt.Sprintf("Marked %s.", status)
	case scout.IsFieldError(err):
		code, msg = http.StatusBadRequest, "Status must be one of new, seen, saved or dismissed."
	case errors.Is(err, store.ErrNotFound):
		code, msg = http.StatusNotFound, "That deal no longer exists; it may have been removed with its watch."
	case errors.Is(err, store.ErrAmbiguous):
		code, msg = http.StatusConflict, "That listing matched several watches; open the deal and change it there."
	default:
		u.d.Log.ErrorContext(r.Context(), "mark deal", "listing_id", id, "error", err)
		code, msg = http.StatusInternalServerError, "Could not change the deal's status; the details are in the server log."
	}
	if wantJSON {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		body := map[string]any{"status": status, "message": msg}
		if code != http.StatusOK {
			body = map[string]any{"error": map[string]string{"message": msg}}
		}
		_ = json.NewEncoder(w).Encode(body)
		return
	}
	if code == http.StatusNotFound || code == http.StatusBadRequest {
		u.errorPage(w, r, code, msg)
		return
	}
	redirect(w, r, back, &flash{Msg: msg, Error: code != http.StatusOK})
}

// dealsCSV exports the deals the same filters select, every page of them.
func (u *UI) dealsCSV(w http.ResponseWriter, r *http.Request) {
	f, dq, errs := parseDealFilters(r.URL.Query())
	if len(errs) > 0 {
		for k, m := range errs {
			http.Error(w, k+": "+m, http.StatusBadRequest)
			return
		}
	}
	if f.New {
		if c, err := r.Cookie(visitCookie); err == nil {
			a, _, _ := strings.Cut(c.Value, ".")
			if pa, err := strconv.ParseInt(a, 10, 64); err == nil && pa > 0 {
				dq.Since = time.Unix(pa, 0)
			}
		}
	}
	dq.Offset, dq.Limit = 0, csvMaxRows
	deals, _, err := u.d.Store.DealsPage(r.Context(), dq)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="dealscout-deals.csv"`)
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "watch", "source", "title", "price", "currency", "free", "condition", "score",
		"profit", "distance_mi", "status", "first_seen", "url"})
	for _, d := range deals {
		l := d.Listing
		price, profit, dist := "", "", ""
		if l.PriceKnown {
			price = scout.FormatCents(l.PriceCents)
		}
		if d.Score.ProfitCents != nil {
			profit = scout.FormatCents(*d.Score.ProfitCents)
		}
		if d.DistanceMi != nil {
			dist = strconv.FormatFloat(*d.DistanceMi, 'f', 1, 64)
		}
		_ = cw.Write([]string{strconv.FormatInt(l.ID, 10), csvText(d.Watch), csvText(l.Source), csvText(l.Title),
			price, csvText(l.Currency), strconv.FormatBool(l.Free), csvText(string(l.Condition)),
			strconv.FormatFloat(d.Score.Total, 'f', 1, 64), profit, dist, d.Status,
			d.FirstSeen.UTC().Format(time.RFC3339), csvText(l.URL)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		u.d.Log.WarnContext(r.Context(), "csv export cut short", "error", err)
	}
}

// csvText defuses text a spreadsheet would run as a formula: a cell starting
// with = + - @ or a tab or carriage return gets a leading apostrophe (OWASP's
// advice for CSV injection). Only text from listings and users passes here;
// the numbers dealscout writes are left as numbers.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
