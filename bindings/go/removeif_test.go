package clientcache_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

func TestRemoveIf(t *testing.T) {
	log := newEvictLog(t)
	c := newIntCache(t, nil, log.options()...)
	k := regionKey(t, "a")
	if ok, err := c.RemoveIf(k, func(*int) bool { return true }); ok || err != nil {
		t.Fatalf("miss: %v, %v", ok, err)
	}
	if err := c.Set(k, ptr(1)); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.RemoveIf(k, func(v *int) bool { return *v == 2 }); ok || err != nil || !c.Contains(k) {
		t.Fatalf("no match: %v, %v", ok, err)
	}
	if ok, err := c.RemoveIf(k, func(v *int) bool { return *v == 1 }); !ok || err != nil || c.Contains(k) {
		t.Fatalf("match: %v, %v", ok, err)
	}
	if got := log.cause(1); got != "Removed" {
		t.Fatalf("told %q", got)
	}
	s, _ := c.Stats()
	if s.Removals != 1 || s.Hits+s.Misses != 0 {
		t.Fatalf("stats %+v", s)
	}
	if _, err := c.RemoveIf(k, nil); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("nil match: %v", err)
	}
	rk, _ := clientcache.NewResourceKey("s3", clientcache.Params{"region_name": "a"})
	if _, err := c.RemoveIf(rk, func(*int) bool { return true }); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Fatalf("resource key: %v", err)
	}
	c.Close()
	if _, err := c.RemoveIf(k, func(*int) bool { return true }); !errors.Is(err, clientcache.ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

// Callbacks of an insert may call RemoveIf, and callbacks of RemoveIf's
// removal may insert: neither waits for itself.
func TestRemoveIfReentrant(t *testing.T) {
	var c *clientcache.Cache[*int]
	a, b, x := regionKey(t, "a"), regionKey(t, "b"), regionKey(t, "x")
	onEvict := func(k *clientcache.Key, v *int, cause clientcache.Cause) {
		switch {
		case cause == clientcache.Evicted && *v == 1:
			// Inside Set(b)'s eviction of a.
			if _, err := c.RemoveIf(x, func(*int) bool { return true }); err != nil {
				t.Errorf("RemoveIf from an insert's callback: %v", err)
			}
		case cause == clientcache.Removed && *v == 2:
			// Inside RemoveIf(b)'s removal.
			if err := c.Set(a, ptr(3)); err != nil {
				t.Errorf("Set from RemoveIf's callback: %v", err)
			}
		}
	}
	var err error
	c, err = clientcache.NewClientCache[*int](clientcache.WithMaxSize(1), clientcache.WithOnEvict(onEvict))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Set(a, ptr(1))
		_ = c.Set(b, ptr(2))
		if ok, err := c.RemoveIf(b, func(v *int) bool { return *v == 2 }); !ok || err != nil {
			t.Errorf("RemoveIf(b): %v, %v", ok, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("deadlock")
	}
	if v, err := c.Get(a); err != nil || *v != 3 {
		t.Fatalf("Get(a) = %v, %v", v, err)
	}
}

// Under concurrent builds and expiry, RemoveIf removes only values its
// match approved.
func TestRemoveIfOnlyTheMatchingValue(t *testing.T) {
	clock := clientcache.NewTestClock()
	var mu sync.Mutex
	approved := map[*int]bool{}
	var bad []string
	c := expiringCache(t, clock, clientcache.WithMaxSize(4),
		clientcache.WithOnEvict(func(k *clientcache.Key, v *int, cause clientcache.Cause) {
			if cause != clientcache.Removed {
				return
			}
			mu.Lock()
			if !approved[v] {
				bad = append(bad, fmt.Sprint(*v))
			}
			mu.Unlock()
		}))
	keys := []*clientcache.Key{regionKey(t, "a"), regionKey(t, "b"), regionKey(t, "c")}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := keys[(i+g)%len(keys)]
				switch i % 4 {
				case 0:
					_, _ = c.GetOrCreateWithTTL(context.Background(), k, func(context.Context) (*int, time.Duration, error) {
						return ptr(i), time.Second, nil
					})
				case 1:
					_ = c.SetWithTTL(k, ptr(-i), time.Second)
				case 2:
					if g == 0 {
						clock.Advance(300 * time.Millisecond)
					}
				default:
					old, err := c.Peek(k)
					if err != nil {
						continue
					}
					_, _ = c.RemoveIf(k, func(v *int) bool {
						if v != old {
							return false
						}
						mu.Lock()
						approved[v] = true
						mu.Unlock()
						return true
					})
				}
			}
		}()
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("removed values match did not approve: %v", bad)
	}
}
