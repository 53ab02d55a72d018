package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The server keeps the deal list, token checks and the deals page until the
// database changes (package vcache). These tests change it between requests,
// through the server and behind its back (as cron's poll and the CLI do), and
// expect the next answer to show the change.

func TestAPIDealListShowsEveryChange(t *testing.T) {
	t.Parallel()
	s, st, auth := authed(t, nil)
	w := seedWatch(t, st, "couches")
	id := seedDeal(t, st, &w, "d1", "Sofa one", 90)
	status := func(what string) string {
		t.Helper()
		res := do(t, s.Handler(), "GET", "/api/v1/deals?limit=5", "", auth...)
		var p page[DealJSON]
		decode(t, res, &p)
		if res.Code != http.StatusOK || len(p.Items) == 0 {
			t.Fatalf("%s: GET /api/v1/deals = %d %s", what, res.Code, res.Body)
		}
		return p.Items[0].Status
	}
	if got := status("first"); got != "new" {
		t.Fatalf("first list: status %q, want new", got)
	}
	if res := do(t, s.Handler(), "POST", "/api/v1/deals/"+strconv.FormatInt(id, 10)+"/status", `{"status":"saved"}`, auth...); res.Code != http.StatusOK {
		t.Fatalf("mark saved = %d %s", res.Code, res.Body)
	}
	if got := status("after marking through the API"); got != "saved" {
		t.Errorf("after marking through the API: status %q, want saved", got)
	}
	if err := st.MarkDeal(context.Background(), id, "", "seen"); err != nil {
		t.Fatal(err)
	}
	if got := status("after marking through the store"); got != "seen" {
		t.Errorf("after marking behind the server's back: status %q, want seen", got)
	}
	seedDeal(t, st, &w, "d2", "Sofa two", 95)
	res := do(t, s.Handler(), "GET", "/api/v1/deals?limit=5", "", auth...)
	var p page[DealJSON]
	decode(t, res, &p)
	if len(p.Items) != 2 || p.Items[0].Title != "Sofa two" {
		t.Errorf("after a new deal: %+v, want Sofa two first of 2", p.Items)
	}
}

func TestRevokedTokenIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	s, st, auth := authed(t, nil)
	if res := do(t, s.Handler(), "GET", "/api/v1/deals", "", auth...); res.Code != http.StatusOK {
		t.Fatalf("before revoking = %d, want 200", res.Code)
	}
	if err := st.RevokeToken(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if res := do(t, s.Handler(), "GET", "/api/v1/deals", "", auth...); res.Code != http.StatusUnauthorized {
		t.Errorf("after revoking = %d, want 401", res.Code)
	}
	// An unknown token stays refused when the answer is kept.
	bad := []string{"Authorization", "Bearer " + strings.TrimPrefix(auth[1], "Bearer ") + "x"}
	for range 2 {
		if res := do(t, s.Handler(), "GET", "/api/v1/deals", "", bad...); res.Code != http.StatusUnauthorized {
			t.Errorf("unknown token = %d, want 401", res.Code)
		}
	}
}

func TestDealsPageShowsEveryChange(t *testing.T) {
	t.Parallel()
	s, st := newTestServer(t, nil)
	w := seedWatch(t, st, "couches")
	id := seedDeal(t, st, &w, "d1", "Velvet sofa", 90)
	page := func() string {
		t.Helper()
		res := do(t, s.Handler(), "GET", "/", "")
		if res.Code != http.StatusOK {
			t.Fatalf("GET / = %d", res.Code)
		}
		return res.Body.String()
	}
	if !strings.Contains(page(), "Velvet sofa") {
		t.Fatal("the deals page does not list the seeded deal")
	}
	if err := st.MarkDeal(context.Background(), id, "", "dismissed"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page(), "Velvet sofa") {
		t.Error("the deals page still lists a deal dismissed since the last view")
	}
	seedDeal(t, st, &w, "d2", "Leather chair", 80)
	if !strings.Contains(page(), "Leather chair") {
		t.Error("the deals page does not list a deal stored since the last view")
	}
}

// The rendered deals page is kept for a few seconds at most: its relative
// times follow the clock, and a one-time message (flash) is shown to the
// browser it is for and never kept for the next.
func TestDealsPageFollowsTheClockAndKeepsNoFlash(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(testNow.Add(5 * time.Minute).UnixNano())
	s, st := newTestServer(t, func(o *Options) { o.Now = func() time.Time { return time.Unix(0, now.Load()).UTC() } })
	w := seedWatch(t, st, "couches")
	id := seedDeal(t, st, &w, "d1", "Velvet sofa", 90)
	if body := do(t, s.Handler(), "GET", "/", "").Body.String(); !strings.Contains(body, "5 min ago") {
		t.Fatalf("deals page at +5 min does not say 5 min ago:\n%s", body)
	}
	now.Add(int64(2 * time.Minute))
	if body := do(t, s.Handler(), "GET", "/", "").Body.String(); !strings.Contains(body, "7 min ago") {
		t.Errorf("two minutes later the page does not say 7 min ago")
	}

	res := do(t, s.Handler(), "POST", "/deals/"+strconv.FormatInt(id, 10)+"/status", "status=saved&back=/",
		"Content-Type", "application/x-www-form-urlencoded")
	var flash string
	for _, c := range res.Result().Cookies() {
		if c.Value != "" {
			flash = c.Name + "=" + c.Value
		}
	}
	if res.Code != http.StatusSeeOther || flash == "" {
		t.Fatalf("marking through the form = %d with cookies %v, want a redirect and a flash cookie", res.Code, res.Result().Cookies())
	}
	if body := do(t, s.Handler(), "GET", "/", "", "Cookie", flash).Body.String(); !strings.Contains(body, "Marked saved.") {
		t.Errorf("the page after the form does not show its message")
	}
	if body := do(t, s.Handler(), "GET", "/", "").Body.String(); strings.Contains(body, "Marked saved.") {
		t.Errorf("another request was shown the message meant for the form's browser")
	}
}
