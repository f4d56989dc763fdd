package clientcache

import (
	"sync"
	"time"
)

// LiveValues is the number of values of c's state handed to the core and
// not yet released (a test hook).
func LiveValues[V any](c *Cache[V]) int64 { return c.st.live.Load() }

// PendingHandles is the number of released handles of c's values waiting
// for their grace period (a test hook).
func PendingHandles[V any](c *Cache[V]) int {
	d := &c.st.dom
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.limbo[0]) + len(d.limbo[1])
}

// HoldCall registers a call in flight on c, as every method does for the
// duration of its cgo call, until the returned function is called (a test
// hook for the grace period of released handles).
func HoldCall[V any](c *Cache[V]) func() {
	tok, ok := c.enter()
	if !ok {
		return func() {}
	}
	return func() { c.exit(tok) }
}

// Waiters is the number of callers waiting for key's build in progress on
// c (0 when none is), and whether a build is in progress (a test hook).
func Waiters[V any](c *Cache[V], key *Key) (int, bool) {
	id, ok := key.identity()
	if !ok {
		return 0, false
	}
	c.fl.mu.Lock()
	defer c.fl.mu.Unlock()
	f := c.fl.m[id]
	if f == nil {
		return 0, false
	}
	return f.waiters, true
}

// TestClock is a manual clock for lifetimes (a test hook): it starts at 0
// and moves only by Advance.
type TestClock struct {
	mu sync.Mutex
	m  *manualClock
}

// NewTestClock returns a clock at 0.
func NewTestClock() *TestClock { return &TestClock{m: newManualClock()} }

// Advance moves the clock forward by d.
func (t *TestClock) Advance(d time.Duration) {
	t.mu.Lock()
	t.m.advance(d)
	t.mu.Unlock()
}

// WithTestClock measures the cache's lifetimes on t.
func WithTestClock(t *TestClock) Option { return withClock(t.m) }
