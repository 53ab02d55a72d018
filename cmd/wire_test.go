package cmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Item 30 of issue 12: every network source is built, through the real
// wiring, on the guarded client. A source on a loopback address is refused
// without DEALSCOUT_ALLOW_PRIVATE_NETWORKS and never receives a request;
// with it the same poll reaches the server. Building a source on a plain
// http.Client (or none) in cmd/wire.go fails this test.
func TestPollRefusesPrivateSourcesWithoutTheAllowance(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte(`<rss version="2.0"><channel><title>x</title><item><guid>1</guid><title>Oak table $40</title></item></channel></rss>`))
	}))
	defer srv.Close()
	tests := []struct {
		name   string
		source string
		env    []string
	}{
		{"feed", "feed:" + srv.URL + "/rss", nil},
		{"ebay", "ebay", []string{"DEALSCOUT_EBAY_CLIENT_ID=id", "DEALSCOUT_EBAY_CLIENT_SECRET=secret",
			"DEALSCOUT_EBAY_API_URL=" + srv.URL, "DEALSCOUT_EBAY_AUTH_URL=" + srv.URL}},
		{"craigslist", "craigslist:sfbay", []string{"DEALSCOUT_LEGAL_MODE=off", "DEALSCOUT_CRAIGSLIST_API_URL=" + srv.URL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := hits.Load()
			c := newCLI(t, tt.env...)
			c.ok("watch", "add", "tables", "--query", "table", "--source", tt.source, "--digest", "off")
			code, out, errs := c.run("poll", "--json")
			var rep struct {
				Status  string `json:"status"`
				Watches []struct {
					Errors []string `json:"errors"`
				} `json:"watches"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("poll --json: %v\nstdout: %s\nstderr: %s", err, out, errs)
			}
			if code == 0 || rep.Status != "failed" || len(rep.Watches) != 1 ||
				!strings.Contains(strings.Join(rep.Watches[0].Errors, "\n"), "refusing to connect") {
				t.Errorf("poll of a %s source on %s without the allowance: exit %d, %+v; want it refused", tt.name, srv.URL, code, rep)
			}
			if n := hits.Load() - before; n != 0 {
				t.Errorf("the private server received %d request(s) from a refused poll", n)
			}
		})
	}
	// The allowance lets the same feed through, so the refusal above was the guard's.
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true")
	c.ok("watch", "add", "tables", "--query", "table", "--source", "feed:"+srv.URL+"/rss", "--digest", "off")
	if code, out, errs := c.run("poll", "--json"); code != 0 || !strings.Contains(out, `"fetched": 1`) && !strings.Contains(out, `"fetched":1`) {
		t.Errorf("poll with DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}
