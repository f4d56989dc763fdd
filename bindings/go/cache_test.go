package clientcache_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

// keyNames returns the region of every key in victim order.
func keyNames(t *testing.T, c *clientcache.Cache[*int]) string {
	t.Helper()
	keys, err := c.Keys()
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		// labels look like s3(region_name="a")
		l := k.Label()
		names[i] = strings.TrimSuffix(strings.TrimPrefix(l, `s3(region_name="`), `")`)
	}
	return strings.Join(names, ",")
}

func keys(t *testing.T, names ...string) map[string]*clientcache.Key {
	m := map[string]*clientcache.Key{}
	for _, n := range names {
		m[n] = regionKey(t, n)
	}
	return m
}

func TestLRU(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(3))
	if c.Policy() != clientcache.LRU || c.Kind() != clientcache.Client || c.MaxSize() != 3 {
		t.Fatalf("defaults: %v %v %d", c.Policy(), c.Kind(), c.MaxSize())
	}
	k := keys(t, "a", "b", "c", "d", "e")
	for i, n := range []string{"a", "b", "c"} {
		if err := c.Set(k[n], ptr(i)); err != nil {
			t.Fatal(err)
		}
	}
	if got := keyNames(t, c); got != "a,b,c" {
		t.Fatalf("order %s", got)
	}
	// A hit promotes to most recent.
	if v, err := c.Get(k["a"]); err != nil || *v != 0 {
		t.Fatalf("Get a: %v %v", v, err)
	}
	if got := keyNames(t, c); got != "b,c,a" {
		t.Fatalf("after Get a: %s", got)
	}
	// Peek and Contains do not promote.
	if v, err := c.Peek(k["b"]); err != nil || *v != 1 {
		t.Fatalf("Peek b: %v %v", v, err)
	}
	if !c.Contains(k["b"]) || c.Contains(k["d"]) {
		t.Fatal("Contains")
	}
	if got := keyNames(t, c); got != "b,c,a" {
		t.Fatalf("Peek/Contains promoted: %s", got)
	}
	// Insert over capacity evicts the LRU entry (b), released exactly once.
	if err := c.Set(k["d"], ptr(3)); err != nil {
		t.Fatal(err)
	}
	if got := keyNames(t, c); got != "c,a,d" {
		t.Fatalf("after Set d: %s", got)
	}
	if log.count(1) != 1 || log.total.Load() != 1 {
		t.Fatalf("eviction of b released %d (total %d)", log.count(1), log.total.Load())
	}
	if _, err := c.Get(k["b"]); !errors.Is(err, clientcache.ErrNotFound) {
		t.Fatalf("Get evicted b: %v", err)
	}
	// Exists leaves the cache unchanged and the value the caller's.
	if err := c.Set(k["c"], ptr(99)); !errors.Is(err, clientcache.ErrExists) {
		t.Fatalf("Set existing: %v", err)
	}
	if got := keyNames(t, c); got != "c,a,d" {
		t.Fatalf("after ErrExists: %s", got)
	}
	if log.count(99) != 0 {
		t.Fatal("rejected value was released")
	}
	// Lookup is the non-failing Get.
	if v, ok := c.Lookup(k["c"]); !ok || *v != 2 {
		t.Fatal("Lookup c")
	}
	if _, ok := c.Lookup(k["e"]); ok {
		t.Fatal("Lookup e")
	}
	if got := keyNames(t, c); got != "a,d,c" {
		t.Fatalf("after Lookup c: %s", got)
	}
	st, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := clientcache.Stats{Hits: 2, Misses: 2, Insertions: 4, Evictions: 1, Removals: 0, Len: 3, MaxSize: 3}
	if st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
}

func TestLFU(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(3), clientcache.WithPolicy(clientcache.LFU))
	if c.Policy() != clientcache.LFU {
		t.Fatal(c.Policy())
	}
	k := keys(t, "a", "b", "c", "d", "e")
	for i, n := range []string{"a", "b", "c"} {
		if err := c.Set(k[n], ptr(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Frequencies a=3, b=2, c=1.
	for _, n := range []string{"a", "a", "b"} {
		if _, err := c.Get(k[n]); err != nil {
			t.Fatal(err)
		}
	}
	if got := keyNames(t, c); got != "c,b,a" {
		t.Fatalf("victim order %s", got)
	}
	// d (freq 1) evicts c (freq 1, least recent); the new entry is never
	// its own victim.
	if err := c.Set(k["d"], ptr(3)); err != nil {
		t.Fatal(err)
	}
	if got := keyNames(t, c); got != "d,b,a" {
		t.Fatalf("after Set d: %s", got)
	}
	if log.count(2) != 1 {
		t.Fatal("c not released")
	}
	// Within one frequency the least recently used goes first.
	if _, err := c.Get(k["d"]); err != nil { // d=2, more recent than b=2
		t.Fatal(err)
	}
	if got := keyNames(t, c); got != "b,d,a" {
		t.Fatalf("tie-break: %s", got)
	}
	// Peek does not change frequency.
	for i := 0; i < 5; i++ {
		if _, err := c.Peek(k["b"]); err != nil {
			t.Fatal(err)
		}
	}
	if got := keyNames(t, c); got != "b,d,a" {
		t.Fatalf("Peek changed frequency: %s", got)
	}
	key, v, err := c.PopVictim()
	if err != nil || *v != 1 || !key.Equal(k["b"]) {
		t.Fatalf("PopVictim: %v %v %v", key, v, err)
	}
	if log.count(1) != 1 {
		t.Fatal("popped value not released")
	}
	st, _ := c.Stats()
	want := clientcache.Stats{Hits: 4, Misses: 0, Insertions: 4, Evictions: 1, Removals: 1, Len: 2, MaxSize: 3}
	if st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
}

func TestRemovePopClearShrink(t *testing.T) {
	for _, policy := range []clientcache.Policy{clientcache.LRU, clientcache.LFU} {
		t.Run(policy.String(), func(t *testing.T) {
			log := newReleaseLog(t)
			c := newIntCache(t, log, clientcache.WithMaxSize(5), clientcache.WithPolicy(policy))
			names := []string{"a", "b", "c", "d", "e"}
			k := keys(t, names...)
			for i, n := range names {
				if err := c.Set(k[n], ptr(i)); err != nil {
					t.Fatal(err)
				}
			}
			v, err := c.Remove(k["c"])
			if err != nil || *v != 2 || c.Contains(k["c"]) || log.count(2) != 1 {
				t.Fatalf("Remove c: %v %v released %d", v, err, log.count(2))
			}
			if _, err := c.Remove(k["c"]); !errors.Is(err, clientcache.ErrNotFound) {
				t.Fatalf("second Remove: %v", err)
			}
			key, v, err := c.PopVictim()
			if err != nil || *v != 0 || !key.Equal(k["a"]) {
				t.Fatalf("PopVictim: %v %v %v", key, v, err)
			}
			// Shrinking evicts victims until it fits.
			if err := c.SetMaxSize(1); err != nil {
				t.Fatal(err)
			}
			if c.Len() != 1 || c.MaxSize() != 1 || keyNames(t, c) != "e" {
				t.Fatalf("after shrink: len %d max %d keys %s", c.Len(), c.MaxSize(), keyNames(t, c))
			}
			if err := c.SetMaxSize(0); !errors.Is(err, clientcache.ErrInvalidArgument) {
				t.Fatalf("SetMaxSize(0): %v", err)
			}
			if err := c.SetMaxSize(-1); !errors.Is(err, clientcache.ErrInvalidArgument) {
				t.Fatalf("SetMaxSize(-1): %v", err)
			}
			if err := c.SetMaxSize(4); err != nil {
				t.Fatal(err)
			}
			for i, n := range []string{"a", "b"} {
				if err := c.Set(k[n], ptr(10+i)); err != nil {
					t.Fatal(err)
				}
			}
			st, _ := c.Stats()
			if st.Evictions != 2 || st.Removals != 2 || st.Insertions != 7 || st.Len != 3 || st.MaxSize != 4 {
				t.Fatalf("stats %+v", st)
			}
			if err := c.Clear(); err != nil || c.Len() != 0 {
				t.Fatalf("Clear: %v len %d", err, c.Len())
			}
			if _, _, err := c.PopVictim(); !errors.Is(err, clientcache.ErrNotFound) {
				t.Fatalf("PopVictim on empty: %v", err)
			}
			// Every inserted value was released exactly once.
			if got := log.total.Load(); got != 7 {
				t.Fatalf("released %d of 7", got)
			}
		})
	}
}

func TestKindMismatchAndBadOptions(t *testing.T) {
	c := newIntCache(t, nil)
	rk, err := clientcache.NewResourceKey("s3", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(rk, ptr(1)); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Fatalf("Set resource key in client cache: %v", err)
	}
	// A key of the other kind is an error for every lookup, never a
	// plain miss; Contains and Lookup just say "no".
	if _, err := c.Get(rk); !errors.Is(err, clientcache.ErrKindMismatch) || errors.Is(err, clientcache.ErrNotFound) {
		t.Errorf("Get: %v", err)
	}
	if _, err := c.Peek(rk); !errors.Is(err, clientcache.ErrKindMismatch) || errors.Is(err, clientcache.ErrNotFound) {
		t.Errorf("Peek: %v", err)
	}
	if _, err := c.Remove(rk); !errors.Is(err, clientcache.ErrKindMismatch) || errors.Is(err, clientcache.ErrNotFound) {
		t.Errorf("Remove: %v", err)
	}
	if v, ok := c.Lookup(rk); ok || v != nil {
		t.Errorf("Lookup: %v %v", v, ok)
	}
	if c.Contains(rk) {
		t.Errorf("Contains: true")
	}
	var ce *clientcache.Error
	if _, err := c.Get(rk); errors.As(err, &ce) && (ce.Status != clientcache.StatusKindMismatch || ce.Op != "Get") {
		t.Errorf("Get error %#v", ce)
	}
	if _, err := c.GetOrCreate(rk, func() (*int, error) { return ptr(1), nil }); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Fatalf("GetOrCreate: %v", err)
	}
	rc, err := clientcache.NewResourceCache[string]()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if err := rc.Set(rk, "table"); err != nil || rc.Kind() != clientcache.Resource || rc.MaxSize() != clientcache.DefaultMaxSize {
		t.Fatalf("resource cache: %v", err)
	}
	if err := rc.Set(regionKey(t, "x"), "x"); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Fatalf("client key in resource cache: %v", err)
	}
	if _, err := rc.Get(regionKey(t, "x")); !errors.Is(err, clientcache.ErrKindMismatch) {
		t.Errorf("Get of a client key in a resource cache: %v", err)
	}
	for name, opts := range map[string][]clientcache.Option{
		"max size 0":        {clientcache.WithMaxSize(0)},
		"max size -1":       {clientcache.WithMaxSize(-1)},
		"policy 7":          {clientcache.WithPolicy(clientcache.Policy(7))},
		"OnRelease of type": {clientcache.WithOnRelease(func(string) {})},
	} {
		if c, err := clientcache.NewClientCache[int](opts...); !errors.Is(err, clientcache.ErrInvalidArgument) {
			t.Errorf("%s: %v %v", name, c, err)
		}
	}
}

func TestGetOrCreate(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(2))
	k := regionKey(t, "a")
	calls := 0
	create := func() (*int, error) { calls++; return ptr(calls), nil }
	v1, err := c.GetOrCreate(k, create)
	if err != nil || *v1 != 1 {
		t.Fatal(v1, err)
	}
	v2, err := c.GetOrCreate(k, create)
	if err != nil || v2 != v1 || calls != 1 {
		t.Fatalf("hit built again: %v %v calls %d", v2, err, calls)
	}

	boom := errors.New("boom")
	kb := regionKey(t, "b")
	_, err = c.GetOrCreate(kb, func() (*int, error) { return nil, boom })
	if !errors.Is(err, clientcache.ErrFactoryFailed) || !errors.Is(err, boom) {
		t.Fatalf("factory error: %v", err)
	}
	_, err = c.GetOrCreate(kb, func() (*int, error) { panic("kaboom") })
	if !errors.Is(err, clientcache.ErrFactoryFailed) || !strings.Contains(err.Error(), "kaboom") {
		t.Fatalf("factory panic: %v", err)
	}
	if c.Contains(kb) {
		t.Fatal("failed factory cached something")
	}
	// Re-entering the same key is an error, never a deadlock; another key works.
	kc := regionKey(t, "c")
	var inner error
	_, err = c.GetOrCreate(kb, func() (*int, error) {
		_, inner = c.GetOrCreate(kb, create)
		if !errors.Is(inner, clientcache.ErrInvalidArgument) {
			return nil, fmt.Errorf("inner: %w", inner)
		}
		if _, err := c.GetOrCreate(kc, func() (*int, error) { return ptr(100), nil }); err != nil {
			return nil, err
		}
		return ptr(200), nil
	})
	if err != nil {
		t.Fatalf("re-entrant factory: %v (inner %v)", err, inner)
	}
	if _, err := c.GetOrCreate(k, nil); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("nil create: %v", err)
	}
	st, _ := c.Stats()
	if st.Hits != 1 || st.Insertions != 3 || st.Len != 2 {
		t.Fatalf("stats %+v", st)
	}
	c.Close()
	if got := log.total.Load(); got != 3 {
		t.Fatalf("released %d of 3", got)
	}
}

func TestCopy(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(3), clientcache.WithPolicy(clientcache.LFU))
	k := keys(t, "a", "b")
	c.Set(k["a"], ptr(1))
	c.Set(k["b"], ptr(2))
	c.Get(k["a"])
	d, err := c.Copy()
	if err != nil {
		t.Fatal(err)
	}
	if d.Policy() != clientcache.LFU || d.MaxSize() != 3 || keyNames(t, d) != "b,a" {
		t.Fatalf("copy: %v %d %s", d.Policy(), d.MaxSize(), keyNames(t, d))
	}
	va, _ := c.Peek(k["a"])
	vb, _ := d.Peek(k["a"])
	if va != vb {
		t.Fatal("copy does not share values")
	}
	c.Close()
	if log.total.Load() != 0 {
		t.Fatal("values released while the copy holds them")
	}
	d.Close()
	if log.total.Load() != 2 {
		t.Fatalf("released %d of 2", log.total.Load())
	}
}

func TestUseAfterClose(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log)
	k := regionKey(t, "a")
	c.Set(k, ptr(1))
	c.Set(regionKey(t, "b"), ptr(2))
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if log.total.Load() != 2 {
		t.Fatalf("Close released %d of 2", log.total.Load())
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	isClosed := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, clientcache.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	isClosed("Set", c.Set(k, ptr(3)))
	_, err := c.Get(k)
	isClosed("Get", err)
	_, err = c.Peek(k)
	isClosed("Peek", err)
	_, err = c.Remove(k)
	isClosed("Remove", err)
	_, _, err = c.PopVictim()
	isClosed("PopVictim", err)
	_, err = c.GetOrCreate(k, func() (*int, error) { t.Error("factory ran after Close"); return ptr(0), nil })
	isClosed("GetOrCreate", err)
	isClosed("SetMaxSize", c.SetMaxSize(3))
	isClosed("Clear", c.Clear())
	_, err = c.Keys()
	isClosed("Keys", err)
	_, err = c.Stats()
	isClosed("Stats", err)
	_, err = c.Copy()
	isClosed("Copy", err)
	if _, ok := c.Lookup(k); ok || c.Contains(k) || c.Len() != 0 || c.MaxSize() != 0 {
		t.Error("closed cache still answers")
	}
	if log.total.Load() != 2 {
		t.Fatal("value of a refused Set was released")
	}
}

func TestErrorCarriesCoreMessage(t *testing.T) {
	c := newIntCache(t, nil)
	_, err := c.Get(regionKey(t, "nowhere"))
	var ce *clientcache.Error
	if !errors.As(err, &ce) || ce.Op != "Get" || ce.Status != clientcache.StatusNotFound || ce.Message == "" {
		t.Fatalf("%#v", err)
	}
	if ce.Status.String() != "NOT_FOUND" {
		t.Errorf("status name %q", ce.Status.String())
	}
	if !strings.HasPrefix(err.Error(), "clientcache: Get: ") {
		t.Errorf("text %q", err.Error())
	}
	if clientcache.Version() == "" {
		t.Error("empty version")
	}
}
