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
	return &ipLimiter{every: rate.Limit(perSecond), burst: burst, m: map[string]*ipBucket{}}
}

func (l *ipLimiter) bucket(ip string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.m[ip]
	if !ok {
		if len(l.m) >= maxTrackedIPs {
			l.prune(now)
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
