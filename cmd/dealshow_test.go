package cmd

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/web"
)

func TestDealsShowAndMark(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("demo", "--no-serve")
	var deals []dealJSON
	if err := json.Unmarshal([]byte(c.ok("deals", "--json", "--limit", "1")), &deals); err != nil || len(deals) != 1 {
		t.Fatalf("deals --json: %v %v", deals, err)
	}
	id := strconv.FormatInt(deals[0].ID, 10)
	out := c.ok("deals", "show", id)
	for _, want := range []string{deals[0].Title, "SCORE", "PRICE HISTORY", "MESSAGE TO THE SELLER", "status new", "first seen"} {
		if !strings.Contains(out, want) {
			t.Errorf("deals show lacks %q:\n%s", want, out)
		}
	}
	var d web.DealDetail
	if err := json.Unmarshal([]byte(c.ok("deals", "show", id, "--json")), &d); err != nil {
		t.Fatalf("deals show --json: %v", err)
	}
	if d.ID != deals[0].ID || len(d.Breakdown) == 0 || len(d.PriceHistory) == 0 || d.SellerMessage == "" {
		t.Errorf("deals show --json = %+v, want the deal with breakdown, prices and a seller message", d)
	}
	var sum float64
	for _, p := range d.Breakdown {
		sum += p.Points
	}
	if diff := sum - d.Score; diff < -0.6 || diff > 0.6 {
		t.Errorf("breakdown points add up to %.2f, score is %.2f", sum, d.Score)
	}
	if out := c.ok("deals", "mark", id, "saved"); !strings.Contains(out, "marked saved") {
		t.Errorf("deals mark: %q", out)
	}
	if err := json.Unmarshal([]byte(c.ok("deals", "show", id, "--json")), &d); err != nil || d.Status != "saved" {
		t.Errorf("after mark saved the status is %q (%v)", d.Status, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deals", "mark", id, "kept"}, "not a deal status"},
		{[]string{"deals", "mark", "abc", "seen"}, "not a deal id"},
		{[]string{"deals", "mark", "999999", "seen"}, "not found"},
		{[]string{"deals", "show", "999999"}, "not found"},
		{[]string{"deals", "show", "0"}, "not a deal id"},
	} {
		code, _, errs := c.run(tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestDealsSaysWhenFiltersMatchNothing(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if out := c.ok("deals"); !strings.Contains(out, "no deals yet") {
		t.Errorf("empty database: %q, want 'no deals yet'", out)
	}
	c.ok("demo", "--no-serve")
	out := c.ok("deals", "--min-score", "99.9", "--free")
	if strings.Contains(out, "no deals yet") || !strings.Contains(out, "--min-score 99.9") || !strings.Contains(out, "--free") {
		t.Errorf("filters matching nothing: %q, want them named and no 'run poll'", out)
	}
}

func TestDemoServesScoredDealsAndAlertsToTheLog(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for i, kv := range c.env {
		if strings.HasPrefix(kv, "DEALSCOUT_LOG_LEVEL=") {
			c.env[i] = "DEALSCOUT_LOG_LEVEL=info"
		}
	}
	c.env = append(c.env, "DEALSCOUT_BASE_URL=https://deals.example.test")
	s := startCmd(t, c, "demo", "--addr", "127.0.0.1:0")
	if first, _, _ := strings.Cut(s.stdout.String(), "\n"); !strings.HasPrefix(first, "dealscout demo serving on http://127.0.0.1:") {
		t.Errorf("demo's first line is %q, want the URL", first)
	}
	code, body := get(t, s.url+"/api/v1/deals?min_score=50")
	var deals struct{ Items []web.DealJSON }
	if err := json.Unmarshal([]byte(body), &deals); code != 200 || err != nil || len(deals.Items) < 5 {
		t.Fatalf("GET /api/v1/deals = %d, %d deals (%v), want scored deals", code, len(deals.Items), err)
	}
	if code, page := get(t, s.url+"/"); code != 200 || !strings.Contains(page, deals.Items[0].Watch) {
		t.Errorf("GET / = %d, want the deals page listing %s", code, deals.Items[0].Watch)
	}
	_, alerts := get(t, s.url+"/api/v1/alerts?status=sent&limit=500")
	if !strings.Contains(alerts, `"reason":"price_drop"`) || !strings.Contains(alerts, `"channel":"demo-log"`) {
		t.Errorf("no price-drop alert sent to demo-log: %.500s", alerts)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(s.stderr.String(), "Deal page: https://deals.example.test/deals/") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(s.stderr.String(), "alert: ") || !strings.Contains(s.stderr.String(), "Deal page: https://deals.example.test/deals/") {
		t.Errorf("the log channel wrote no alert linking the deal page:\n%.2000s", s.stderr)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("demo exit after its context ended = %d", code)
	}
}
