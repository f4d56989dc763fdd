package clientcache_test

import (
	"errors"
	"math/rand"
	"sync"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

// The hit paths read values without the call gate (hazard slots). Under
// constant eviction and release, every value read must be one stored under
// the key read (an id deleted too early would be reused for another key's
// value).
func TestHitsReadTheirOwnValues(t *testing.T) {
	type val struct{ key, seq int }
	c, err := clientcache.NewClientCache[*val](clientcache.WithMaxSize(3))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const nkeys = 8
	ks := make([]*clientcache.Key, nkeys)
	for i := range ks {
		ks[i] = mustKey(t, "s3", clientcache.Params{"config": map[string]any{"i": i}})
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(g)))
			for i := range 3000 {
				k := rng.Intn(nkeys)
				var v *val
				var err error
				switch rng.Intn(5) {
				case 0:
					_ = c.Set(ks[k], &val{k, i})
					continue
				case 1:
					v, err = c.Get(ks[k])
				case 2:
					v, err = c.Peek(ks[k])
				case 3:
					v, err = c.Remove(ks[k])
				default:
					v, err = c.GetOrCreate(ks[k], func() (*val, error) { return &val{k, -i}, nil })
				}
				if err != nil {
					if !errors.Is(err, clientcache.ErrNotFound) {
						t.Error(err)
						return
					}
					continue
				}
				if v.key != k {
					t.Errorf("key %d read a value of key %d", k, v.key)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Hits racing Close return a value or ErrClosed, never another error, and
// every value is released once.
func TestHitsRacingClose(t *testing.T) {
	for range 20 {
		log := newReleaseLog(t)
		c, err := clientcache.NewClientCache[*int](clientcache.WithMaxSize(4), clientcache.WithOnRelease(log.onRelease))
		if err != nil {
			t.Fatal(err)
		}
		k := mustKey(t, "s3", clientcache.Params{"region_name": "r"})
		_ = c.Set(k, ptr(7))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for range 200 {
					v, err := c.Get(k)
					if err == nil && *v != 7 {
						t.Errorf("read %d", *v)
					}
					if err != nil && !errors.Is(err, clientcache.ErrClosed) {
						t.Errorf("Get racing Close: %v", err)
					}
					if _, err := c.GetOrCreate(k, func() (*int, error) { return ptr(7), nil }); err != nil && !errors.Is(err, clientcache.ErrClosed) {
						t.Errorf("GetOrCreate racing Close: %v", err)
					}
				}
			}()
		}
		close(start)
		c.Close()
		wg.Wait()
		if _, err := c.Get(k); !errors.Is(err, clientcache.ErrClosed) {
			t.Fatalf("after Close: %v", err)
		}
		if n := clientcache.LiveValues(c); n != 0 {
			t.Fatalf("%d values live after Close", n)
		}
	}
}
