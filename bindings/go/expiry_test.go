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

// evictLog records every OnEvict and OnRelease of a cache of *int, and
// fails on a value told or released twice, or released before it was told.
type evictLog struct {
	t        testing.TB
	mu       sync.Mutex
	causes   map[int][]clientcache.Cause
	released map[int]int
	toldKeys map[int]string
}

func newEvictLog(t testing.TB) *evictLog {
	return &evictLog{t: t, causes: map[int][]clientcache.Cause{}, released: map[int]int{}, toldKeys: map[int]string{}}
}

func (l *evictLog) onEvict(k *clientcache.Key, v *int, c clientcache.Cause) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.causes[*v] = append(l.causes[*v], c)
	l.toldKeys[*v] = k.Canonical()
	if l.released[*v] != 0 {
		l.t.Errorf("value %d told (%v) after its release", *v, c)
	}
}

func (l *evictLog) onRelease(v *int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.released[*v]++
}

// cause is the one cause value id was told with ("" if none; a failure if
// more than one).
func (l *evictLog) cause(id int) string {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	cs := l.causes[id]
	if len(cs) > 1 {
		l.t.Errorf("value %d told %d times: %v", id, len(cs), cs)
	}
	if len(cs) == 0 {
		return ""
	}
	return cs[0].String()
}

func (l *evictLog) options() []clientcache.Option {
	return []clientcache.Option{clientcache.WithOnEvict(l.onEvict), clientcache.WithOnRelease(l.onRelease)}
}

func expiringCache(t testing.TB, clock *clientcache.TestClock, opts ...clientcache.Option) *clientcache.Cache[*int] {
	t.Helper()
	opts = append([]clientcache.Option{clientcache.WithTestClock(clock)}, opts...)
	c, err := clientcache.NewClientCache[*int](opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func policies() []clientcache.Policy { return []clientcache.Policy{clientcache.LRU, clientcache.LFU} }

func TestCauseString(t *testing.T) {
	for c, want := range map[clientcache.Cause]string{
		clientcache.Evicted: "Evicted", clientcache.Expired: "Expired", clientcache.Removed: "Removed",
		clientcache.Replaced: "Replaced", clientcache.Cleared: "Cleared", clientcache.Cause(99): "Cause(99)",
	} {
		if c.String() != want {
			t.Errorf("%d: %q, want %q", uint32(c), c.String(), want)
		}
	}
}

// Every way out tells each value exactly once, with its cause, before its
// release.
func TestEveryCauseExactlyOnce(t *testing.T) {
	for _, p := range policies() {
		t.Run(p.String(), func(t *testing.T) {
			clock := clientcache.NewTestClock()
			log := newEvictLog(t)
			c := expiringCache(t, clock, append(log.options(), clientcache.WithPolicy(p), clientcache.WithMaxSize(2))...)
			k := func(i int) *clientcache.Key { return regionKey(t, fmt.Sprintf("r-%d", i)) }
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			// 1 evicted for capacity by 3.
			must(c.Set(k(1), ptr(1)))
			must(c.Set(k(2), ptr(2)))
			must(c.Set(k(3), ptr(3)))
			// 2 removed, 3 popped.
			if _, err := c.Remove(k(2)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.PopVictim(); err != nil {
				t.Fatal(err)
			}
			// 4 expires and is met by Get; 5 expires and is purged.
			must(c.SetWithTTL(k(4), ptr(4), time.Second))
			clock.Advance(2 * time.Second)
			if _, err := c.Get(k(4)); !errors.Is(err, clientcache.ErrNotFound) {
				t.Fatalf("Get of an expired entry: %v", err)
			}
			must(c.SetWithTTL(k(5), ptr(5), time.Second))
			clock.Advance(2 * time.Second)
			if n := c.PurgeExpired(); n != 1 {
				t.Fatalf("PurgeExpired = %d, want 1", n)
			}
			// 6 cleared by Clear.
			must(c.Set(k(6), ptr(6)))
			must(c.Clear())
			// 7 replaced: a Set lands while the factory of the same key runs.
			v, err := c.GetOrCreate(k(7), func() (*int, error) {
				must(c.Set(k(7), ptr(70)))
				return ptr(7), nil
			})
			if err != nil || *v != 70 {
				t.Fatalf("GetOrCreate = %v, %v; want the Set value 70", v, err)
			}
			// 9 evicted by a shrink (10 stays).
			_, _ = c.Remove(k(7)) // 70 removed
			must(c.Set(k(9), ptr(9)))
			must(c.Set(k(10), ptr(10)))
			must(c.SetMaxSize(1))
			must(c.SetMaxSize(2))
			// 10 and 8 cleared by Close.
			must(c.Set(k(8), ptr(8)))
			c.Close()

			want := map[int]string{1: "Evicted", 2: "Removed", 3: "Removed", 4: "Expired", 5: "Expired",
				6: "Cleared", 7: "Replaced", 70: "Removed", 9: "Evicted", 10: "Cleared", 8: "Cleared"}
			for id, cause := range want {
				if got := log.cause(id); got != cause {
					t.Errorf("value %d: told %q, want %q", id, got, cause)
				}
				if n := log.released[id]; n != 1 {
					t.Errorf("value %d released %d times", id, n)
				}
			}
			if log.toldKeys[1] != k(1).Canonical() {
				t.Errorf("value 1 told with key %s", log.toldKeys[1])
			}
			if len(log.causes) != len(want) {
				t.Errorf("told %d values, want %d: %v", len(log.causes), len(want), log.causes)
			}
		})
	}
}

func TestTTLAndEntryLifetimes(t *testing.T) {
	for _, p := range policies() {
		t.Run(p.String(), func(t *testing.T) {
			clock := clientcache.NewTestClock()
			log := newEvictLog(t)
			c := expiringCache(t, clock, append(log.options(), clientcache.WithPolicy(p),
				clientcache.WithTTL(10*time.Second))...)
			a, b, n, d := regionKey(t, "a"), regionKey(t, "b"), regionKey(t, "n"), regionKey(t, "d")
			for _, err := range []error{
				c.Set(a, ptr(1)),                                               // the cache's 10 s
				c.SetWithTTL(b, ptr(2), 5*time.Second),                         // its own 5 s
				c.SetWithTTL(n, ptr(3), clientcache.NoExpiry),                  // never
				c.SetWithTTL(d, ptr(4), clientcache.DefaultTTL+20*time.Second), // 20 s
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			present := func(want ...bool) {
				t.Helper()
				for i, k := range []*clientcache.Key{a, b, n, d} {
					_, err := c.Get(k)
					if got := err == nil; got != want[i] {
						t.Errorf("%s present = %v, want %v (%v)", k.Label(), got, want[i], err)
					}
				}
			}
			clock.Advance(4 * time.Second)
			present(true, true, true, true)
			clock.Advance(2 * time.Second) // 6 s
			present(true, false, true, true)
			clock.Advance(5 * time.Second) // 11 s
			present(false, false, true, true)
			clock.Advance(10 * time.Second) // 21 s
			present(false, false, true, false)
			s, err := c.Stats()
			if err != nil {
				t.Fatal(err)
			}
			if s.Expirations != 3 || s.Len != 1 || s.Evictions != 0 || s.Removals != 0 {
				t.Fatalf("stats %+v, want 3 expirations and 1 entry", s)
			}
			for id := 1; id <= 4; id++ {
				want := "Expired"
				if id == 3 {
					want = ""
				}
				if got := log.cause(id); got != want {
					t.Errorf("value %d told %q, want %q", id, got, want)
				}
			}
		})
	}
}

// Expired entries are the first victims, ahead of every live entry, under
// either policy.
func TestExpiredFirstAmongVictims(t *testing.T) {
	for _, p := range policies() {
		t.Run(p.String(), func(t *testing.T) {
			clock := clientcache.NewTestClock()
			log := newEvictLog(t)
			c := expiringCache(t, clock, append(log.options(), clientcache.WithPolicy(p), clientcache.WithMaxSize(3))...)
			old, hot, young, extra := regionKey(t, "old"), regionKey(t, "hot"), regionKey(t, "young"), regionKey(t, "extra")
			if err := c.Set(old, ptr(1)); err != nil {
				t.Fatal(err)
			}
			if err := c.SetWithTTL(hot, ptr(2), time.Second); err != nil {
				t.Fatal(err)
			}
			if err := c.Set(young, ptr(3)); err != nil {
				t.Fatal(err)
			}
			for range 5 { // hot is the most recent and the most frequent
				if _, err := c.Get(hot); err != nil {
					t.Fatal(err)
				}
			}
			clock.Advance(2 * time.Second)
			if err := c.Set(extra, ptr(4)); err != nil {
				t.Fatal(err)
			}
			if !c.Contains(old) || !c.Contains(young) || !c.Contains(extra) || c.Contains(hot) {
				t.Fatal("the expired entry was not the victim")
			}
			s, _ := c.Stats()
			if s.Expirations != 1 || s.Evictions != 0 {
				t.Fatalf("stats %+v, want 1 expiration and no eviction", s)
			}
			if got := log.cause(2); got != "Expired" {
				t.Fatalf("hot told %q", got)
			}
			if got := log.cause(1); got != "" {
				t.Fatalf("old told %q", got)
			}
		})
	}
}

func TestGetOrCreateWithTTL(t *testing.T) {
	clock := clientcache.NewTestClock()
	c := expiringCache(t, clock)
	k := regionKey(t, "factory")
	builds := 0
	create := func(context.Context) (*int, time.Duration, error) {
		builds++
		return ptr(builds), 3 * time.Second, nil
	}
	for i, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 1}, {2 * time.Second, 1}, {2 * time.Second, 2}, {time.Second, 2}} {
		clock.Advance(step.advance)
		v, err := c.GetOrCreateWithTTL(context.Background(), k, create)
		if err != nil || *v != step.want {
			t.Fatalf("step %d: %v, %v; want value %d", i, v, err, step.want)
		}
	}
	// A negative lifetime: the caller gets the value, the cache keeps
	// nothing it would hand out again.
	stale := regionKey(t, "stale")
	v, err := c.GetOrCreateWithTTL(context.Background(), stale, func(context.Context) (*int, time.Duration, error) {
		return ptr(9), -time.Second, nil
	})
	if err != nil || *v != 9 {
		t.Fatalf("stale build: %v, %v", v, err)
	}
	clock.Advance(time.Nanosecond)
	if c.Contains(stale) {
		t.Fatal("a value built stale is still cached")
	}
	if _, err := c.GetOrCreateWithTTL(context.Background(), k, nil); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("nil create: %v", err)
	}
}

func TestLifetimeArguments(t *testing.T) {
	if _, err := clientcache.NewClientCache[int](clientcache.WithTTL(-time.Second)); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("negative WithTTL: %v", err)
	}
	c := newIntCache(t, nil)
	if err := c.SetWithTTL(regionKey(t, "x"), ptr(1), -time.Second); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("negative SetWithTTL: %v", err)
	}
	if _, err := clientcache.NewClientCache[int](clientcache.WithOnEvict(func(*clientcache.Key, string, clientcache.Cause) {})); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("OnEvict of the wrong type: %v", err)
	}
	c.Close()
	if err := c.SetWithTTL(regionKey(t, "x"), ptr(1), time.Second); !errors.Is(err, clientcache.ErrClosed) {
		t.Fatalf("SetWithTTL after Close: %v", err)
	}
	if n := c.PurgeExpired(); n != 0 {
		t.Fatalf("PurgeExpired after Close = %d", n)
	}
}

// OnEvict runs without the cache's lock: it may read and write the cache.
func TestOnEvictReentrant(t *testing.T) {
	clock := clientcache.NewTestClock()
	var c *clientcache.Cache[*int]
	var mu sync.Mutex
	var seen []string
	onEvict := func(k *clientcache.Key, v *int, cause clientcache.Cause) {
		n := c.Len()
		_, _ = c.Keys()
		_, _ = c.Stats()
		_ = c.Contains(k)
		if cause == clientcache.Expired && *v == 1 {
			// Put a replacement in from inside the listener.
			if err := c.Set(regionKey(t, "replacement"), ptr(100)); err != nil {
				t.Errorf("Set from OnEvict: %v", err)
			}
		}
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%d:%v:%d", *v, cause, n))
		mu.Unlock()
	}
	c = expiringCache(t, clock, clientcache.WithOnEvict(onEvict), clientcache.WithMaxSize(2))
	if err := c.SetWithTTL(regionKey(t, "a"), ptr(1), time.Second); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	if c.PurgeExpired() != 1 {
		t.Fatal("nothing purged")
	}
	if _, err := c.Get(regionKey(t, "replacement")); err != nil {
		t.Fatalf("the listener's Set did not land: %v", err)
	}
	if err := c.Set(regionKey(t, "b"), ptr(2)); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(regionKey(t, "c"), ptr(3)); err != nil { // evicts the replacement
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != "1:Expired:0" || seen[1][:len("100:Evicted")] != "100:Evicted" {
		t.Fatalf("seen %v", seen)
	}
}

// Concurrent traffic with lifetimes: every value is told once and released
// once, after Close.
func TestExpiryCausesUnderConcurrency(t *testing.T) {
	for _, p := range policies() {
		t.Run(p.String(), func(t *testing.T) {
			clock := clientcache.NewTestClock()
			var mu sync.Mutex
			told := map[*int]int{}
			released := map[*int]int{}
			c := expiringCache(t, clock, clientcache.WithPolicy(p), clientcache.WithMaxSize(8),
				clientcache.WithTTL(5*time.Second),
				clientcache.WithOnEvict(func(_ *clientcache.Key, v *int, _ clientcache.Cause) {
					mu.Lock()
					told[v]++
					mu.Unlock()
				}),
				clientcache.WithOnRelease(func(v *int) {
					mu.Lock()
					released[v]++
					mu.Unlock()
				}))
			keys := make([]*clientcache.Key, 24)
			for i := range keys {
				keys[i] = regionKey(t, fmt.Sprintf("k%d", i))
			}
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 400 {
						k := keys[(i*7+g)%len(keys)]
						switch i % 6 {
						case 0:
							_ = c.SetWithTTL(k, ptr(i), time.Duration(i%4)*time.Second)
						case 1:
							_, _ = c.Remove(k)
						case 2:
							_, _ = c.GetOrCreateWithTTL(context.Background(), k, func(context.Context) (*int, time.Duration, error) {
								return ptr(-i), time.Second, nil
							})
						case 3:
							c.PurgeExpired()
						case 4:
							if g == 0 {
								clock.Advance(700 * time.Millisecond)
							}
						default:
							_, _ = c.Get(k)
						}
					}
				}()
			}
			wg.Wait()
			c.Close()
			mu.Lock()
			defer mu.Unlock()
			if len(told) == 0 {
				t.Fatal("nothing told")
			}
			for v, n := range told {
				if n != 1 || released[v] != 1 {
					t.Fatalf("a value told %d times, released %d times", n, released[v])
				}
			}
			for v, n := range released {
				if told[v] != 1 {
					t.Fatalf("a value released %d times, told %d times", n, told[v])
				}
			}
		})
	}
}
