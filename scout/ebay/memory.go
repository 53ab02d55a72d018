package ebay

import (
	"context"
	"sync"
	"time"
)

// memoryTokens and memoryUsage stand in when Config leaves Tokens or Usage
// nil (one-off runs such as `score`): correct within one process, forgotten
// after it. The poll command passes the store's durable versions.
type memoryTokens struct {
	mu sync.Mutex
	m  map[string]memoryToken
}

type memoryToken struct {
	token   string
	expires time.Time
}

func newMemoryTokens() *memoryTokens { return &memoryTokens{m: map[string]memoryToken{}} }

func (c *memoryTokens) Token(_ context.Context, key string) (string, time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.m[key]
	return t.token, t.expires, nil
}

func (c *memoryTokens) SaveToken(_ context.Context, key, token string, expires time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = memoryToken{token, expires}
	return nil
}

type memoryUsage struct {
	mu sync.Mutex
	m  map[string]int
}

func newMemoryUsage() *memoryUsage { return &memoryUsage{m: map[string]int{}} }

func (u *memoryUsage) Calls(_ context.Context, source, day string) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.m[source+"\x00"+day], nil
}

func (u *memoryUsage) AddCall(_ context.Context, source, day string) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.m[source+"\x00"+day]++
	return u.m[source+"\x00"+day], nil
}
