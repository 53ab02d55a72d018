package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFakeEbayPages pages through the fake Browse API the way the eBay
// source does: a token first, then `next` links until there are none.
func TestFakeEbayPages(t *testing.T) {
	f, err := startFakes()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	f.setEbay("7", genItems(0, 450))

	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, f.base+"/identity/v1/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("id", "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token endpoint answered %d without a token (%v)", resp.StatusCode, err)
	}
	_ = resp.Body.Close()

	next := f.base + "/buy/browse/v1/item_summary/search?q=table&category_ids=7&limit=200"
	var ids []string
	pages := 0
	for next != "" {
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Total int    `json:"total"`
			Next  string `json:"next"`
			Items []struct {
				ItemID string `json:"itemId"`
				Price  struct {
					Value string `json:"value"`
				} `json:"price"`
			} `json:"itemSummaries"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		_ = resp.Body.Close()
		if page.Total != 450 {
			t.Fatalf("page %d: total %d, want 450", pages+1, page.Total)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ItemID)
		}
		next = page.Next
		if pages++; pages > 5 {
			t.Fatal("more than 5 pages for 450 items at 200 a page: next never ends")
		}
	}
	if pages != 3 || len(ids) != 450 || ids[0] == ids[449] {
		t.Fatalf("got %d items in %d pages; want 450 distinct items in 3", len(ids), pages)
	}

	resp, err = http.Get(f.base + "/buy/browse/v1/item_summary/search?category_ids=7")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a search without the token got %d, want 401", resp.StatusCode)
	}
}

// TestPollReportExpect checks that a timed poll counts only when it did
// the work: status ok, and the listings fetched (and new) expected.
func TestPollReportExpect(t *testing.T) {
	tests := []struct {
		name, json    string
		want, wantNew int
		ok            bool
	}{
		{"all there", `{"status":"ok","watches":[{"fetched":3,"new":3},{"fetched":2,"new":2}]}`, 5, 5, true},
		{"re-poll, none new", `{"status":"ok","watches":[{"fetched":5,"new":0}]}`, 5, 0, true},
		{"new not checked", `{"status":"ok","watches":[{"fetched":5,"new":1}]}`, 5, -1, true},
		{"fetched too few", `{"status":"ok","watches":[{"fetched":4,"new":4}]}`, 5, 5, false},
		{"new when none expected", `{"status":"ok","watches":[{"fetched":5,"new":5}]}`, 5, 0, false},
		{"partial", `{"status":"partial","watches":[{"fetched":5,"new":5,"errors":["feed: 500"]}]}`, 5, 5, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := parsePoll(tc.json)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.expect("poll", tc.want, tc.wantNew); (err == nil) != tc.ok {
				t.Fatalf("expect(%d, %d) = %v; want ok %v", tc.want, tc.wantNew, err, tc.ok)
			}
		})
	}
	if _, err := parsePoll("Polled 3 watches"); err == nil {
		t.Fatal("parsePoll accepted text that is not poll --json output")
	}
}

func TestLoadIsLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://example.com/api/v1/deals", "http://127.0.0.2:80/", "https://127.0.0.1:8080/"} {
		if _, err := load(context.Background(), u, http.Header{}, time.Millisecond, 1, false); err == nil || !strings.Contains(err.Error(), "loopback only") {
			t.Errorf("load(%s) = %v; want it refused as not loopback", u, err)
		}
	}
}

func TestMedianAndToken(t *testing.T) {
	if m := median([]float64{5, 1, 3}); m != 3 {
		t.Errorf("median(5,1,3) = %v, want 3", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median(4,1,3,2) = %v, want 2.5", m)
	}
	if tok := tokenFrom("Token for bench (shown once):\n  dst_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\n"); tok != "dst_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c" {
		t.Errorf("tokenFrom picked %q", tok)
	}
}
