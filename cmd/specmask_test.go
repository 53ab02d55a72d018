package cmd

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// dumpExceptWatches renders every row of every table but watches (which
// must keep the feed URL to fetch it) as text.
func dumpExceptWatches(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('watches', 'goose_db_version')`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		r, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s:", tb)
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			b.WriteString("\n")
		}
		r.Close()
	}
	return b.String()
}

// Item 23 of issue 12: a feed URL's password and query values appear in no
// log line, poll output, error text or database row (other than the watch
// itself), whether the feed answers or fails.
func TestFeedCredentialsNeverShownOrStored(t *testing.T) {
	t.Parallel()
	var fail, drop atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if drop.Load() { // a network error: Go's *url.Error quotes the URL
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
			return
		}
		if fail.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(`<rss version="2.0"><channel><title>x</title><item><guid>1</guid><title>Oak table $40</title></item></channel></rss>`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	spec := "feed:http://u:PASSWORD@" + host + "/rss?apikey=APIKEYVALUE&q=table"
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true", "DEALSCOUT_LOG_LEVEL=debug", "DEALSCOUT_SOURCE_FAILURE_ALERT=1")
	c.ok("channel", "add", "hook", "webhook+http://"+host+"/hook")
	c.ok("watch", "add", "tables", "--query", "table", "--source", spec, "--notify", "hook", "--digest", "off")
	var shown strings.Builder
	for _, step := range []struct {
		name       string
		fail, drop bool
		args       []string
	}{
		{"poll ok", false, false, []string{"poll", "--json"}},
		{"poll table", false, false, []string{"poll"}},
		{"poll failing", true, false, []string{"poll", "--json"}},
		{"poll failing table", true, false, []string{"poll"}},
		{"poll dropped", false, true, []string{"poll", "--json"}},
		{"deals", false, false, []string{"deals", "--json"}},
		{"watch list", false, false, []string{"watch", "list"}},
		{"watch show", false, false, []string{"watch", "show", "tables"}},
	} {
		fail.Store(step.fail)
		drop.Store(step.drop)
		c.now = c.now.Add(time.Hour)
		_, out, errs := c.run(step.args...)
		fmt.Fprintf(&shown, "== %s\n%s\n%s\n", step.name, out, errs)
	}
	text := shown.String()
	if !strings.Contains(text, "apikey=***") {
		t.Errorf("the masked feed is never shown; output:\n%s", text)
	}
	db := dumpExceptWatches(t, filepath.Join(c.dir, "dealscout.db"))
	for _, secret := range []string{"PASSWORD", "APIKEYVALUE", "q=table"} {
		if strings.Contains(text, secret) {
			t.Errorf("%q is shown in output or logs:\n%s", secret, text)
		}
		if strings.Contains(db, secret) {
			t.Errorf("%q is stored outside the watch:\n%s", secret, db)
		}
	}
}
