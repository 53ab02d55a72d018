package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Issue 12 item 10, through the real binary and real signals: a poll stopped
// by SIGTERM exits 143 (SIGINT 130), so systemd and cron see a failure, with
// one "interrupted" line and no "context canceled" noise.
func TestInterruptedPollExitCodes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		sig  syscall.Signal
		code int
	}{{"SIGTERM", syscall.SIGTERM, 143}, {"SIGINT", syscall.SIGINT, 130}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			started := make(chan struct{})
			var once sync.Once
			feed := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				once.Do(func() { close(started) })
				<-r.Context().Done()
			}))
			t.Cleanup(feed.Close)
			e := newEnv(t, "DEALSCOUT_LOG_LEVEL=info")
			e.ok("watch", "add", "stalled", "--query", "table", "--source", "feed:"+feed.URL+"/rss")
			p := e.start("poll")
			select {
			case <-started:
			case <-time.After(time.Minute):
				t.Fatalf("the poll never reached the feed:\n%s", p.wait())
			}
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			res := p.wait()
			if res.code != tt.code {
				t.Fatalf("want exit %d:\n%s", tt.code, res)
			}
			if n := strings.Count(res.stderr, "interrupted by "+tt.name); n != 1 {
				t.Errorf("stderr says interrupted %d times, want once:\n%s", n, res.stderr)
			}
			if strings.Contains(res.stderr+res.stdout, "context canceled") {
				t.Errorf("output repeats the cancellation:\n%s", res)
			}
		})
	}
}
