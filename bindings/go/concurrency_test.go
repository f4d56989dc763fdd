package clientcache_test

import (
	"errors"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

// Many goroutines hammer one small cache with every operation; len never
// exceeds max size, and every value the cache took is released exactly once.
func TestConcurrentHammer(t *testing.T) {
	for _, policy := range []clientcache.Policy{clientcache.LRU, clientcache.LFU} {
		t.Run(policy.String(), func(t *testing.T) {
			const goroutines, iterations, nkeys, maxSize = 48, 400, 12, 4
			log := newReleaseLog(t)
			c, err := clientcache.NewClientCache[*int](clientcache.WithMaxSize(maxSize),
				clientcache.WithPolicy(policy), clientcache.WithOnRelease(log.onRelease))
			if err != nil {
				t.Fatal(err)
			}
			ks := make([]*clientcache.Key, nkeys)
			for i := range ks {
				ks[i] = mustKey(t, "s3", clientcache.Params{"config": map[string]any{"i": i}})
			}
			var nextID, taken atomic.Int64
			newValue := func() *int { return ptr(int(nextID.Add(1))) }
			var wg sync.WaitGroup
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func(seed int64) {
					defer wg.Done()
					rng := rand.New(rand.NewSource(seed))
					for i := 0; i < iterations; i++ {
						k := ks[rng.Intn(nkeys)]
						switch op := rng.Intn(10); op {
						case 0, 1:
							if err := c.Set(k, newValue()); err == nil {
								taken.Add(1)
							} else if !errors.Is(err, clientcache.ErrExists) {
								t.Errorf("Set: %v", err)
							}
						case 2, 3:
							if v, err := c.Get(k); err == nil && *v <= 0 {
								t.Errorf("Get returned %d", *v)
							} else if err != nil && !errors.Is(err, clientcache.ErrNotFound) {
								t.Errorf("Get: %v", err)
							}
						case 4, 5:
							v, err := c.GetOrCreate(k, func() (*int, error) {
								taken.Add(1)
								return newValue(), nil
							})
							if err != nil || v == nil {
								t.Errorf("GetOrCreate: %v", err)
							}
						case 6:
							if _, err := c.Remove(k); err != nil && !errors.Is(err, clientcache.ErrNotFound) {
								t.Errorf("Remove: %v", err)
							}
						case 7:
							if _, _, err := c.PopVictim(); err != nil && !errors.Is(err, clientcache.ErrNotFound) {
								t.Errorf("PopVictim: %v", err)
							}
						case 8:
							c.Peek(k)
							c.Contains(k)
						case 9:
							if n := c.Len(); n > maxSize {
								t.Errorf("len %d > max size %d", n, maxSize)
							}
							if i%50 == 0 {
								if keys, err := c.Keys(); err != nil || len(keys) > maxSize {
									t.Errorf("Keys: %d %v", len(keys), err)
								}
							}
						}
					}
				}(int64(g))
			}
			wg.Wait()
			st, err := c.Stats()
			if err != nil {
				t.Fatal(err)
			}
			// A factory's value can be displaced by a concurrent Set of the
			// same key (the resident value wins and the factory's is
			// released), so insertions can trail the values taken.
			if st.Insertions > uint64(taken.Load()) || st.Insertions == 0 {
				t.Errorf("core counted %d insertions, Go gave it %d values", st.Insertions, taken.Load())
			}
			resident := int64(st.Len)
			if got := log.total.Load(); got != taken.Load()-resident {
				t.Errorf("before Close: released %d, want %d taken - %d resident", got, taken.Load(), resident)
			}
			c.Close()
			if n := clientcache.LiveValues(c); n != 0 {
				t.Errorf("%d values still live after Close", n)
			}
			if n := clientcache.PendingHandles(c); n != 0 {
				t.Errorf("%d released handles not deleted after Close", n)
			}
			if got := log.total.Load(); got != taken.Load() {
				t.Errorf("released %d values, the cache took %d", got, taken.Load())
			}
			t.Logf("%s: %d values taken and released; stats %+v", policy, taken.Load(), st)
		})
	}
}

// GetOrCreate on shared keys from 64 goroutines builds each value once
// while it stays resident, and every caller gets that one value.
func TestConcurrentSingleFlight(t *testing.T) {
	const goroutines, nkeys = 64, 8
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(nkeys))
	ks := make([]*clientcache.Key, nkeys)
	for i := range ks {
		ks[i] = mustKey(t, "dynamodb", clientcache.Params{"config": map[string]any{"i": i}})
	}
	var builds [nkeys]atomic.Int64
	results := make([][nkeys]*int, goroutines)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			<-start
			for j := 0; j < nkeys; j++ {
				i := (g + j) % nkeys
				v, err := c.GetOrCreate(ks[i], func() (*int, error) {
					builds[i].Add(1)
					time.Sleep(5 * time.Millisecond) // let the others pile up
					return ptr(i), nil
				})
				if err != nil {
					t.Errorf("GetOrCreate: %v", err)
					return
				}
				results[g][i] = v
			}
		}(g)
	}
	close(start)
	wg.Wait()
	for i := 0; i < nkeys; i++ {
		if n := builds[i].Load(); n != 1 {
			t.Errorf("key %d built %d times", i, n)
		}
		for g := 1; g < goroutines; g++ {
			if results[g][i] != results[0][i] {
				t.Fatalf("goroutine %d got another value for key %d", g, i)
			}
		}
	}
	st, _ := c.Stats()
	if st.Insertions != nkeys || st.Misses+st.Hits != goroutines*nkeys {
		t.Errorf("stats %+v", st)
	}
	c.Close()
	if log.total.Load() != nkeys {
		t.Errorf("released %d of %d", log.total.Load(), nkeys)
	}
}

// A failing or panicking factory fails every waiter, never crashes.
func TestConcurrentFactoryFailure(t *testing.T) {
	c := newIntCache(t, nil)
	k := regionKey(t, "fail")
	boom := errors.New("boom")
	for _, mode := range []string{"error", "panic"} {
		t.Run(mode, func(t *testing.T) {
			const goroutines = 32
			var runs atomic.Int64
			var wg sync.WaitGroup
			errs := make([]error, goroutines)
			start := make(chan struct{})
			for g := 0; g < goroutines; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					<-start
					_, errs[g] = c.GetOrCreate(k, func() (*int, error) {
						runs.Add(1)
						time.Sleep(20 * time.Millisecond)
						if mode == "panic" {
							panic("factory exploded")
						}
						return nil, boom
					})
				}(g)
			}
			close(start)
			wg.Wait()
			own := 0
			for _, err := range errs {
				if !errors.Is(err, clientcache.ErrFactoryFailed) {
					t.Fatalf("got %v, want ErrFactoryFailed", err)
				}
				if errors.Is(err, boom) {
					own++
				}
			}
			// The error is shared: every caller of a build can match the
			// factory's own error, not only the first one.
			if mode == "error" && own != goroutines {
				t.Errorf("%d of %d callers saw the factory's own error", own, goroutines)
			}
			if runs.Load() >= goroutines {
				t.Errorf("factory ran %d times for %d callers: no single-flight", runs.Load(), goroutines)
			}
			if c.Contains(k) {
				t.Error("failure cached")
			}
		})
	}
}

// Close while other goroutines use the cache: each call either works or
// fails with ErrClosed, and every value is released exactly once.
func TestConcurrentClose(t *testing.T) {
	log := newReleaseLog(t)
	c, err := clientcache.NewClientCache[*int](clientcache.WithMaxSize(3), clientcache.WithOnRelease(log.onRelease))
	if err != nil {
		t.Fatal(err)
	}
	ks := []*clientcache.Key{regionKey(t, "a"), regionKey(t, "b"), regionKey(t, "c"), regionKey(t, "d")}
	var taken, nextID atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				k := ks[(g+i)%len(ks)]
				_, err := c.GetOrCreate(k, func() (*int, error) {
					taken.Add(1)
					return ptr(int(nextID.Add(1))), nil
				})
				if errors.Is(err, clientcache.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("GetOrCreate: %v", err)
					return
				}
				if i%3 == 0 {
					c.Remove(k)
				}
			}
		}(g)
	}
	time.Sleep(50 * time.Millisecond)
	c.Close()
	wg.Wait()
	if log.total.Load() != taken.Load() || taken.Load() == 0 {
		t.Errorf("released %d, taken %d", log.total.Load(), taken.Load())
	}
}
