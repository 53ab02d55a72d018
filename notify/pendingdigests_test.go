package notify

import (
	"context"
	"testing"

	"github.com/dealscout/dealscout/scout"
)

// TestPendingDigestsOnlyWatchesThatSendThem: a watch with digests off, or
// with no channel, never gets a digest, so PendingDigests must not count its
// pending deals (every cron poll pays that count over the watch's deals),
// while a digest watch with a channel is still returned with its deals.
func TestPendingDigestsOnlyWatchesThatSendThem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock(t0)
	st := openStore(t, clk)
	addChannels(t, st, "phone")
	tests := []struct {
		name, digest string
		channels     []string
		want         bool
	}{
		{"daily", "daily@08:00", []string{"phone"}, true},
		{"hourly", "hourly", []string{"phone"}, true},
		{"off", "off", []string{"phone"}, false},
		{"silent", "daily@08:00", nil, false},
	}
	for _, tc := range tests {
		w := addWatch(t, st, func(w *scout.Watch) { w.Name, w.Digest = tc.name, tc.digest }, tc.channels...)
		items := []scout.FetchItem{digestItem(tc.name+"-a", 50), digestItem(tc.name+"-b", 60)}
		if _, err := st.ApplyFetch(ctx, scout.FetchBatch{Watch: &w, Spec: "demo", Items: items, Now: clk.Now()}); err != nil {
			t.Fatalf("ApplyFetch %s: %v", tc.name, err)
		}
	}
	cands, last, err := st.PendingDigests(ctx, 10)
	if err != nil {
		t.Fatalf("PendingDigests: %v", err)
	}
	if len(last) != len(cands) {
		t.Fatalf("PendingDigests: %d candidates but %d last-digest times", len(cands), len(last))
	}
	got := map[string]int{}
	for _, c := range cands {
		got[c.Watch.Name] = c.Total
	}
	for _, tc := range tests {
		n, ok := got[tc.name]
		if ok != tc.want {
			t.Errorf("watch %q (digest %s, channels %v): returned %v, want %v", tc.name, tc.digest, tc.channels, ok, tc.want)
		}
		if ok && n != 2 {
			t.Errorf("watch %q: %d pending deals, want 2", tc.name, n)
		}
	}
}
