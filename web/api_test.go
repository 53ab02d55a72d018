package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// authed returns a server that requires login and a token for its API.
func authed(t *testing.T, mod func(*Options)) (*Server, *store.Store, []string) {
	t.Helper()
	s, st := newTestServer(t, func(o *Options) {
		o.AdminPassword = "correct horse"
		if mod != nil {
			mod(o)
		}
	})
	tok, _, err := st.CreateToken(context.Background(), "test")
	if err != nil {
		t.Fatalf("create token: %v", err)
	}
	return s, st, []string{"Authorization", "Bearer " + tok}
}

func TestAPIRequiresBearerToken(t *testing.T) {
	s, st, auth := authed(t, nil)
	for _, tc := range []struct {
		name string
		hdr  []string
		want int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"unknown token", []string{"Authorization", "Bearer dst_nope"}, http.StatusUnauthorized},
		{"not bearer", []string{"Authorization", "Basic YTpi"}, http.StatusUnauthorized},
		{"valid token", auth, http.StatusOK},
	} {
		w := do(t, s.Handler(), "GET", "/api/v1/watches", "", tc.hdr...)
		if w.Code != tc.want {
			t.Errorf("%s: GET /api/v1/watches = %d, want %d: %s", tc.name, w.Code, tc.want, w.Body)
		}
		if tc.want == http.StatusUnauthorized {
			if e := errorOf(t, w); e.Code != "unauthorized" {
				t.Errorf("%s: error code %q, want unauthorized", tc.name, e.Code)
			}
		}
	}
	if err := st.RevokeToken(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if w := do(t, s.Handler(), "GET", "/api/v1/watches", "", auth...); w.Code != http.StatusUnauthorized {
		t.Errorf("revoked token: GET = %d, want 401", w.Code)
	}
	// Every API route but the document itself needs the token.
	for _, r := range apiRoutes(s) {
		if r.pattern == "/api/v1/openapi.json" {
			continue
		}
		path := strings.NewReplacer("{id}", "1", "{name}", "x").Replace(r.pattern)
		if w := do(t, s.Handler(), r.method, path, ""); w.Code != http.StatusUnauthorized {
			t.Errorf("%s %s without a token = %d, want 401", r.method, path, w.Code)
		}
	}
}

func TestAPIOpenWithoutAdminPassword(t *testing.T) {
	s, _ := newTestServer(t, nil)
	if w := do(t, s.Handler(), "GET", "/api/v1/watches", ""); w.Code != http.StatusOK {
		t.Fatalf("no password configured: GET /api/v1/watches = %d, want 200", w.Code)
	}
}

func TestAPIDealsPagesWithCursor(t *testing.T) {
	s, st, auth := authed(t, nil)
	w := seedWatch(t, st, "couches")
	for i, sc := range []float64{90, 80, 80, 40, 10} {
		seedDeal(t, st, &w, "d"+strconv.Itoa(i), "Sofa "+strconv.Itoa(i), sc)
	}
	var got []float64
	seen := map[int64]bool{}
	url := "/api/v1/deals?limit=2"
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		res := do(t, s.Handler(), "GET", url, "", auth...)
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", url, res.Code, res.Body)
		}
		var p page[DealJSON]
		decode(t, res, &p)
		for _, d := range p.Items {
			if seen[d.ID] {
				t.Errorf("deal %d on two pages", d.ID)
			}
			seen[d.ID] = true
			got = append(got, d.Score)
		}
		if p.NextCursor == "" {
			break
		}
		url = "/api/v1/deals?limit=2&cursor=" + p.NextCursor
	}
	if want := []float64{90, 80, 80, 40, 10}; len(got) != len(want) || got[0] != 90 || got[4] != 10 {
		t.Errorf("scores over all pages = %v, want %v", got, want)
	}
	res := do(t, s.Handler(), "GET", "/api/v1/deals?min_score=50", "", auth...)
	var p page[DealJSON]
	decode(t, res, &p)
	if len(p.Items) != 3 {
		t.Errorf("min_score=50 returned %d deals, want 3", len(p.Items))
	}
}

func TestAPIValidationErrorsNameTheField(t *testing.T) {
	s, st, auth := authed(t, nil)
	seedWatch(t, st, "couches")
	for _, tc := range []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"GET", "/api/v1/deals?min_score=101", "", 400, "min_score"},
		{"GET", "/api/v1/deals?min_score=abc", "", 400, "min_score"},
		{"GET", "/api/v1/deals?free=maybe", "", 400, "free"},
		{"GET", "/api/v1/deals?status=lost", "", 400, "status"},
		{"GET", "/api/v1/deals?limit=0", "", 400, "limit"},
		{"GET", "/api/v1/deals?limit=501", "", 400, "limit"},
		{"GET", "/api/v1/deals?cursor=!!", "", 400, "cursor"},
		{"GET", "/api/v1/alerts?cursor=" + encodeCursor("deals", "1", "2"), "", 400, "cursor"},
		{"GET", "/api/v1/deals/abc", "", 400, "id"},
		{"GET", "/api/v1/alerts?status=lost", "", 400, "status"},
		{"POST", "/api/v1/deals/1/status", `{"status":"gone"}`, 400, "status"},
		{"POST", "/api/v1/deals/1/status", `{"status":"seen","extra":1}`, 400, "body"},
		{"POST", "/api/v1/deals/1/status", ``, 400, "body"},
		{"POST", "/api/v1/watches", `{"name":"w1","query":"sofa","sources":["demo"],"max_price":"cheap"}`, 400, "max_price"},
		{"POST", "/api/v1/watches", `{"name":"w1","query":"sofa","sources":["demo"],"every":"often"}`, 400, "every"},
		{"POST", "/api/v1/watches", `{"name":"w1","query":"sofa","sources":["demo"],"notify":["nochannel"]}`, 400, "notify"},
		{"POST", "/api/v1/watches", `{"name":"bad name!","query":"sofa","sources":["demo"]}`, 400, "name"},
		{"POST", "/api/v1/watches", `{"name":"couches","query":"sofa","sources":["demo"]}`, 409, "name"},
		{"POST", "/api/v1/channels", `{"name":"c","url":"gopher://x"}`, 400, "url"},
		{"POST", "/api/v1/channels", `{"name":"","url":"sms:+14155550123"}`, 400, "name"},
	} {
		w := do(t, s.Handler(), tc.method, tc.path, tc.body, auth...)
		if w.Code != tc.status {
			t.Errorf("%s %s %s = %d, want %d: %s", tc.method, tc.path, tc.body, w.Code, tc.status, w.Body)
			continue
		}
		if e := errorOf(t, w); e.Field != tc.field || e.Message == "" {
			t.Errorf("%s %s %s: error %+v, want field %q and a message", tc.method, tc.path, tc.body, e, tc.field)
		}
	}
}

func TestAPIEscapesListingTextInJSON(t *testing.T) {
	s, st, auth := authed(t, nil)
	w := seedWatch(t, st, "couches")
	id := seedDeal(t, st, &w, "x1", `<img src=x onerror=alert(1)>`, 70)
	for _, path := range []string{"/api/v1/deals", "/api/v1/deals/" + strconv.FormatInt(id, 10), "/api/v1/listings"} {
		res := do(t, s.Handler(), "GET", path, "", auth...)
		body := res.Body.String()
		if strings.Contains(body, "<img") || !strings.Contains(body, `\u003cimg src=x onerror=alert(1)\u003e`) {
			t.Errorf("GET %s: title not escaped as \\u003c…\\u003e: %s", path, body)
		}
		if ct := res.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
	}
}

func TestAPIDealShowAndMark(t *testing.T) {
	s, st, auth := authed(t, nil)
	w := seedWatch(t, st, "couches")
	id := seedDeal(t, st, &w, "d1", "Grey sofa", 82)
	path := "/api/v1/deals/" + strconv.FormatInt(id, 10)
	res := do(t, s.Handler(), "GET", path, "", auth...)
	if res.Code != http.StatusOK {
		t.Fatalf("GET %s = %d: %s", path, res.Code, res.Body)
	}
	var d DealDetail
	decode(t, res, &d)
	if d.Title != "Grey sofa" || d.Status != "new" || len(d.Breakdown) != 1 || len(d.PriceHistory) != 1 || d.Link == "" {
		t.Errorf("deal detail = %+v, want title, status new, 1 component, 1 price, a link", d)
	}
	if d.Breakdown[0].Points != 82 {
		t.Errorf("price component points = %v, want 82 (the whole score)", d.Breakdown[0].Points)
	}
	if res := do(t, s.Handler(), "GET", "/api/v1/deals/999", "", auth...); res.Code != http.StatusNotFound {
		t.Errorf("GET unknown deal = %d, want 404", res.Code)
	}
	res = do(t, s.Handler(), "POST", path+"/status", `{"status":"saved"}`, auth...)
	if res.Code != http.StatusOK {
		t.Fatalf("mark saved = %d: %s", res.Code, res.Body)
	}
	got, err := st.DealForListing(context.Background(), id, "")
	if err != nil || got.Status != scout.DealSaved {
		t.Errorf("after marking saved the stored status is %q (%v)", got.Status, err)
	}
	if res := do(t, s.Handler(), "POST", "/api/v1/deals/999/status", `{"status":"seen"}`, auth...); res.Code != http.StatusNotFound {
		t.Errorf("mark unknown deal = %d, want 404", res.Code)
	}
	// The same listing in a second watch makes a bare id ambiguous.
	w2 := seedWatch(t, st, "sofas")
	seedDeal(t, st, &w2, "d1", "Grey sofa", 60)
	res = do(t, s.Handler(), "POST", path+"/status", `{"status":"dismissed"}`, auth...)
	if res.Code != http.StatusConflict || errorOf(t, res).Code != "ambiguous" {
		t.Errorf("mark a listing in two watches without watch = %d %s, want 409 ambiguous", res.Code, res.Body)
	}
	if res := do(t, s.Handler(), "POST", path+"/status", `{"status":"dismissed","watch":"sofas"}`, auth...); res.Code != http.StatusOK {
		t.Errorf("mark with watch = %d, want 200: %s", res.Code, res.Body)
	}
}

func TestAPIListings(t *testing.T) {
	s, st, auth := authed(t, nil)
	w := seedWatch(t, st, "couches")
	id := seedDeal(t, st, &w, "l1", "Chair", 50)
	seedDeal(t, st, &w, "l2", "Table", 50)
	res := do(t, s.Handler(), "GET", "/api/v1/listings?limit=1", "", auth...)
	var p page[ListingJSON]
	decode(t, res, &p)
	if res.Code != 200 || len(p.Items) != 1 || p.Items[0].Title != "Table" || p.NextCursor == "" {
		t.Fatalf("first page = %d %+v, want the newest listing and a cursor", res.Code, p)
	}
	cur := p.NextCursor
	p = page[ListingJSON]{}
	decode(t, do(t, s.Handler(), "GET", "/api/v1/listings?limit=1&cursor="+cur, "", auth...), &p)
	if len(p.Items) != 1 || p.Items[0].Title != "Chair" || p.NextCursor != "" {
		t.Errorf("second page = %+v, want Chair and no cursor", p)
	}
	res = do(t, s.Handler(), "GET", "/api/v1/listings/"+strconv.FormatInt(id, 10), "", auth...)
	if res.Code != 200 || !strings.Contains(res.Body.String(), `"first_seen"`) {
		t.Errorf("GET listing = %d %s", res.Code, res.Body)
	}
	if res := do(t, s.Handler(), "GET", "/api/v1/listings/12345", "", auth...); res.Code != 404 {
		t.Errorf("GET unknown listing = %d, want 404", res.Code)
	}
}

func TestAPIWatchesCRUD(t *testing.T) {
	s, _, auth := authed(t, nil)
	h := s.Handler()
	res := do(t, h, "POST", "/api/v1/watches", `{"name":"bikes","query":"road bike","sources":["demo"],"max_price":400,"every":"30m"}`, auth...)
	if res.Code != http.StatusCreated || res.Header().Get("Location") != "/api/v1/watches/bikes" {
		t.Fatalf("create = %d (Location %q): %s", res.Code, res.Header().Get("Location"), res.Body)
	}
	var wa map[string]any
	decode(t, do(t, h, "GET", "/api/v1/watches/bikes", "", auth...), &wa)
	if wa["max_price"] != 400.0 || wa["every"] != "30m" {
		t.Errorf("stored watch = %v", wa)
	}
	res = do(t, h, "PUT", "/api/v1/watches/bikes", `{"query":"gravel bike","sources":["demo"],"paused":true}`, auth...)
	if res.Code != http.StatusOK {
		t.Fatalf("update = %d: %s", res.Code, res.Body)
	}
	decode(t, res, &wa)
	if wa["query"] != "gravel bike" || wa["paused"] != true || wa["name"] != "bikes" {
		t.Errorf("updated watch = %v", wa)
	}
	if res := do(t, h, "PUT", "/api/v1/watches/bikes", `{"query":"","sources":["demo"]}`, auth...); res.Code != 400 {
		t.Errorf("update with empty query = %d, want 400: %s", res.Code, res.Body)
	}
	if res := do(t, h, "PUT", "/api/v1/watches/nope", `{"query":"x","sources":["demo"]}`, auth...); res.Code != 404 {
		t.Errorf("update unknown = %d, want 404", res.Code)
	}
	var list page[map[string]any]
	decode(t, do(t, h, "GET", "/api/v1/watches", "", auth...), &list)
	if len(list.Items) != 1 {
		t.Errorf("list = %v, want one watch", list.Items)
	}
	if res := do(t, h, "DELETE", "/api/v1/watches/bikes", "", auth...); res.Code != http.StatusNoContent {
		t.Errorf("delete = %d, want 204", res.Code)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if res := do(t, h, m, "/api/v1/watches/bikes", "", auth...); res.Code != http.StatusNotFound {
			t.Errorf("%s deleted watch = %d, want 404", m, res.Code)
		}
	}
}

func TestAPIChannels(t *testing.T) {
	var tested []string
	fail := false
	s, st, auth := authed(t, func(o *Options) {
		o.SendTest = func(_ context.Context, name string) error {
			tested = append(tested, name)
			if fail {
				return errors.New("provider said 401")
			}
			return nil
		}
	})
	h := s.Handler()
	res := do(t, h, "POST", "/api/v1/channels", `{"name":"phone","url":"telegram://123456:secret-token-123/987654"}`, auth...)
	if res.Code != http.StatusCreated {
		t.Fatalf("create = %d: %s", res.Code, res.Body)
	}
	if strings.Contains(res.Body.String(), "secret-token-123") {
		t.Errorf("channel URL not masked in the answer: %s", res.Body)
	}
	res = do(t, h, "GET", "/api/v1/channels", "", auth...)
	if res.Code != 200 || strings.Contains(res.Body.String(), "secret-token-123") || !strings.Contains(res.Body.String(), `"phone"`) {
		t.Errorf("list = %d %s, want phone with its URL masked", res.Code, res.Body)
	}
	if res := do(t, h, "POST", "/api/v1/channels/phone/test", "", auth...); res.Code != 200 || len(tested) != 1 {
		t.Errorf("test = %d (sent %v), want 200 and one send", res.Code, tested)
	}
	fail = true
	if res := do(t, h, "POST", "/api/v1/channels/phone/test", "", auth...); res.Code != http.StatusBadGateway {
		t.Errorf("failing test = %d, want 502", res.Code)
	}
	if res := do(t, h, "POST", "/api/v1/channels/nope/test", "", auth...); res.Code != 404 {
		t.Errorf("test unknown = %d, want 404", res.Code)
	}
	wa := seedWatch(t, st, "couches")
	wa.Notify = []string{"phone"}
	if _, _, err := st.UpdateWatch(context.Background(), &wa, nil); err != nil {
		t.Fatal(err)
	}
	if res := do(t, h, "DELETE", "/api/v1/channels/phone", "", auth...); res.Code != http.StatusConflict {
		t.Errorf("delete a channel in use = %d, want 409: %s", res.Code, res.Body)
	}
	wa.Notify = nil
	if _, _, err := st.UpdateWatch(context.Background(), &wa, nil); err != nil {
		t.Fatal(err)
	}
	if res := do(t, h, "DELETE", "/api/v1/channels/phone", "", auth...); res.Code != http.StatusNoContent {
		t.Errorf("delete = %d, want 204: %s", res.Code, res.Body)
	}
	if res := do(t, h, "DELETE", "/api/v1/channels/phone", "", auth...); res.Code != http.StatusNotFound {
		t.Errorf("delete again = %d, want 404", res.Code)
	}
}

func TestAPIAlertsAndRetry(t *testing.T) {
	s, st, auth := authed(t, nil)
	w := seedWatch(t, st, "couches")
	seedDeal(t, st, &w, "a1", "Sofa", 90)
	seedDeal(t, st, &w, "a2", "Sofa", 91)
	h := s.Handler()
	var p page[AlertJSON]
	decode(t, do(t, h, "GET", "/api/v1/alerts?status=pending&limit=1", "", auth...), &p)
	if len(p.Items) != 1 || p.NextCursor == "" || p.Items[0].Channel != "phone" {
		t.Fatalf("alerts page = %+v, want one pending alert and a cursor", p)
	}
	first := p.Items[0].ID
	cur := p.NextCursor
	p = page[AlertJSON]{}
	decode(t, do(t, h, "GET", "/api/v1/alerts?status=pending&limit=1&cursor="+cur, "", auth...), &p)
	if len(p.Items) != 1 || p.Items[0].ID == first {
		t.Errorf("second page = %+v, want the other alert", p)
	}
	if err := st.MarkAlertFailed(context.Background(), first, "phone", testNow, "boom", true); err != nil {
		t.Fatal(err)
	}
	p = page[AlertJSON]{}
	decode(t, do(t, h, "GET", "/api/v1/alerts?status=failed", "", auth...), &p)
	if len(p.Items) != 1 || p.Items[0].Status != store.AlertDead {
		t.Errorf("failed alerts = %+v, want the dead one", p)
	}
	if res := do(t, h, "POST", "/api/v1/alerts/"+strconv.FormatInt(first, 10)+"/retry", "", auth...); res.Code != http.StatusAccepted {
		t.Errorf("retry = %d, want 202: %s", res.Code, res.Body)
	}
	p = page[AlertJSON]{}
	decode(t, do(t, h, "GET", "/api/v1/alerts?status=dead", "", auth...), &p)
	if len(p.Items) != 0 {
		t.Errorf("after retry %d alerts still dead", len(p.Items))
	}
	if res := do(t, h, "POST", "/api/v1/alerts/999/retry", "", auth...); res.Code != http.StatusNotFound {
		t.Errorf("retry unknown = %d, want 404", res.Code)
	}
}

func TestAPIRuns(t *testing.T) {
	s, st, auth := authed(t, nil)
	ctx := context.Background()
	for i := range 3 {
		id, err := st.StartRun(ctx, testNow.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			rep := scout.RunReport{RunID: id, Status: scout.StatusOK, StartedAt: testNow, FinishedAt: testNow.Add(time.Second)}
			if err := st.FinishRun(ctx, rep); err != nil {
				t.Fatal(err)
			}
		}
	}
	var p page[RunJSON]
	res := do(t, s.Handler(), "GET", "/api/v1/runs?limit=2", "", auth...)
	decode(t, res, &p)
	if res.Code != 200 || len(p.Items) != 2 || p.Items[0].Status != "running" || p.Items[0].FinishedAt != nil || p.NextCursor == "" {
		t.Fatalf("runs page = %d %+v, want the running run first, then a finished one, and a cursor", res.Code, p)
	}
	cur := p.NextCursor
	p = page[RunJSON]{}
	decode(t, do(t, s.Handler(), "GET", "/api/v1/runs?cursor="+cur, "", auth...), &p)
	if len(p.Items) != 1 || p.Items[0].Status != "ok" || !strings.Contains(string(p.Items[0].Report), `"status":"ok"`) {
		t.Errorf("second page = %+v", p)
	}
}

func TestAPIPoll(t *testing.T) {
	var asked []string
	s, st, auth := authed(t, func(o *Options) {
		o.PollNow = func(_ context.Context, w string) error { asked = append(asked, w); return nil }
	})
	seedWatch(t, st, "couches")
	h := s.Handler()
	if res := do(t, h, "POST", "/api/v1/poll", "", auth...); res.Code != http.StatusAccepted {
		t.Errorf("poll all = %d, want 202: %s", res.Code, res.Body)
	}
	if res := do(t, h, "POST", "/api/v1/poll", `{"watch":"couches"}`, auth...); res.Code != http.StatusAccepted {
		t.Errorf("poll one = %d, want 202: %s", res.Code, res.Body)
	}
	if res := do(t, h, "POST", "/api/v1/poll", `{"watch":"nope"}`, auth...); res.Code != http.StatusNotFound {
		t.Errorf("poll unknown = %d, want 404", res.Code)
	}
	if strings.Join(asked, ",") != ",couches" {
		t.Errorf("scheduler asked for %q, want all then couches", asked)
	}
	s2, _ := newTestServer(t, nil)
	if res := do(t, s2.Handler(), "POST", "/api/v1/poll", ""); res.Code != http.StatusServiceUnavailable {
		t.Errorf("poll without a scheduler = %d, want 503", res.Code)
	}
}

func TestAPIRateLimitPerIP(t *testing.T) {
	s, _, auth := authed(t, func(o *Options) { o.APIBurst, o.APIRate = 3, 0.001 })
	h := s.Handler()
	for i := range 3 {
		if res := do(t, h, "GET", "/api/v1/watches", "", auth...); res.Code != 200 {
			t.Fatalf("request %d = %d, want 200 within the burst", i+1, res.Code)
		}
	}
	res := do(t, h, "GET", "/api/v1/watches", "", auth...)
	if res.Code != http.StatusTooManyRequests || res.Header().Get("Retry-After") == "" || errorOf(t, res).Code != "rate_limited" {
		t.Errorf("request past the burst = %d, want 429 with Retry-After", res.Code)
	}
	// Another client is not held back by the first one's bucket.
	r := do(t, h, "GET", "/healthz", "")
	if r.Code != 200 {
		t.Errorf("healthz after API limit = %d", r.Code)
	}
}

func TestAPIBodyLimit(t *testing.T) {
	s, _, auth := authed(t, func(o *Options) { o.MaxBodyBytes = 64 })
	body := `{"name":"bikes","query":"` + strings.Repeat("x", 200) + `","sources":["demo"]}`
	res := do(t, s.Handler(), "POST", "/api/v1/watches", body, auth...)
	if res.Code != http.StatusRequestEntityTooLarge || errorOf(t, res).Code != "too_large" {
		t.Errorf("oversized body = %d %s, want 413 too_large", res.Code, res.Body)
	}
}
