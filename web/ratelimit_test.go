package web

import (
	"fmt"
	"testing"
	"time"
)

// Idle buckets are dropped once the limiter tracks maxTrackedIPs addresses;
// when most are active (a proxy with many users), the next prune waits until
// the map has doubled instead of scanning every bucket for each new address.
func TestIPLimiterPrunesIdleAndAmortisesScans(t *testing.T) {
	t.Parallel()
	l := newIPLimiter(10, 40)
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range maxTrackedIPs {
		l.bucket(fmt.Sprintf("10.0.%d.%d", i/256, i%256), start)
	}
	// Long after, every bucket is idle: the next new address drops them all.
	later := start.Add(time.Hour)
	l.bucket("192.0.2.1", later)
	if n := len(l.m); n != 1 {
		t.Fatalf("after a prune of idle buckets the limiter tracks %d addresses, want 1", n)
	}

	// Now fill it with active clients: past the bound, one prune that frees
	// nothing raises the next one to twice the size.
	for i := range maxTrackedIPs + 10 {
		l.bucket(fmt.Sprintf("10.1.%d.%d", i/256, i%256), later)
	}
	if want := 2 * maxTrackedIPs; l.pruneAt != want {
		t.Errorf("after a prune that freed nothing the next is at %d addresses, want %d", l.pruneAt, want)
	}
	if n := len(l.m); n != maxTrackedIPs+11 {
		t.Errorf("active clients dropped: tracking %d, want %d", n, maxTrackedIPs+11)
	}
}

// The limit itself: a burst, then refusals until the bucket refills.
func TestIPLimiterLimitsPerAddress(t *testing.T) {
	t.Parallel()
	l := newIPLimiter(1, 3)
	for i := range 3 {
		if !l.allow("192.0.2.7") {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if l.allow("192.0.2.7") {
		t.Error("request past the burst allowed")
	}
	if !l.allow("192.0.2.8") {
		t.Error("another address was limited by the first one's requests")
	}
}
