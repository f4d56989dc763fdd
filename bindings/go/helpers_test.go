package clientcache_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

func mustKey(t testing.TB, service string, params clientcache.Params) *clientcache.Key {
	t.Helper()
	k, err := clientcache.NewClientKey(service, params)
	if err != nil {
		t.Fatalf("NewClientKey(%q, %v): %v", service, params, err)
	}
	return k
}

func regionKey(t testing.TB, region string) *clientcache.Key {
	return mustKey(t, "s3", clientcache.Params{"region_name": region})
}

// releaseLog records every value released by a cache and fails on a
// second release of the same value.
type releaseLog struct {
	t        testing.TB
	mu       sync.Mutex
	released map[int]int
	total    atomic.Int64
}

func newReleaseLog(t testing.TB) *releaseLog {
	return &releaseLog{t: t, released: map[int]int{}}
}

func (r *releaseLog) onRelease(v *int) {
	r.mu.Lock()
	r.released[*v]++
	n := r.released[*v]
	r.mu.Unlock()
	r.total.Add(1)
	if n != 1 {
		r.t.Errorf("value %d released %d times", *v, n)
	}
}

func (r *releaseLog) count(id int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.released[id]
}

func newIntCache(t testing.TB, log *releaseLog, opts ...clientcache.Option) *clientcache.Cache[*int] {
	t.Helper()
	if log != nil {
		opts = append(opts, clientcache.WithOnRelease(log.onRelease))
	}
	c, err := clientcache.NewClientCache[*int](opts...)
	if err != nil {
		t.Fatalf("NewClientCache: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ptr(i int) *int { return &i }
