package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter keeps one token bucket per client IP.
type ipLimiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*ipBucket
	// pruneAt is the size at which the next new address prunes. A prune
	// that frees little raises it to twice what is left, so that many
	// clients active at once (a busy proxy) cost one scan per doubling
	// rather than one scan of every bucket per new address under the lock.
	pruneAt int
}

type ipBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxTrackedIPs bounds the memory a flood of distinct addresses can take:
// past it, buckets idle for a while are dropped (a dropped bucket is full
// again, which only forgives an idle client).
const maxTrackedIPs = 10_000

func newIPLimiter(perSecond float64, burst int) *ipLimiter {
	return &ipLimiter{every: rate.Limit(perSecond), burst: burst, m: map[string]*ipBucket{}, pruneAt: maxTrackedIPs}
}

func (l *ipLimiter) bucket(ip string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.m[ip]
	if !ok {
		if len(l.m) >= l.pruneAt {
			l.prune(now)
			l.pruneAt = max(maxTrackedIPs, 2*len(l.m))
		}
		b = &ipBucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.m[ip] = b
	}
	b.seen = now
	return b.lim
}

// prune drops buckets idle long enough to have refilled.
func (l *ipLimiter) prune(now time.Time) {
	idle := time.Duration(float64(l.burst)/float64(l.every)*float64(time.Second)) + time.Minute
	for ip, b := range l.m {
		if now.Sub(b.seen) > idle {
			delete(l.m, ip)
		}
	}
}

// allow takes one token for ip, reporting whether there was one.
func (l *ipLimiter) allow(ip string) bool {
	now := time.Now() // wall time: token buckets refill in real time
	return l.bucket(ip, now).AllowN(now, 1)
}

// available reports whether ip has a token left, without taking it.
func (l *ipLimiter) available(ip string) bool {
	now := time.Now()
	return l.bucket(ip, now).TokensAt(now) >= 1
}
