package clientcache

// #include "shims.h"
import "C"

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"time"
	"unsafe"
)

// Expiry (docs/design.md, "Expiry"): a cache may have a time-to-live,
// counted from each entry's insertion, and an entry may carry its own
// lifetime (SetWithTTL, GetOrCreateWithTTL). The core keeps the deadlines
// and the clock; an expired entry is never returned, and expired entries
// are the first victims under either policy.

// Entry lifetimes for SetWithTTL and GetOrCreateWithTTL.
const (
	// DefaultTTL gives the entry the cache's own time-to-live (WithTTL),
	// or none when the cache has none.
	DefaultTTL time.Duration = 0
	// NoExpiry keeps the entry until it is evicted or removed, even in a
	// cache with a time-to-live.
	NoExpiry time.Duration = math.MaxInt64
)

// Cause is why a value left a cache, as WithOnEvict tells it.
type Cause uint32

const (
	// Evicted: capacity; an insert or a shrink needed room.
	Evicted Cause = C.CLIENTCACHE_CAUSE_EVICTED
	// Expired: its lifetime ended (the cache's time-to-live or its own).
	Expired Cause = C.CLIENTCACHE_CAUSE_EXPIRED
	// Removed: Remove or PopVictim took it out.
	Removed Cause = C.CLIENTCACHE_CAUSE_REMOVED
	// Replaced: a GetOrCreate factory's value that lost to a Set of the
	// same key made while the factory ran (it was never resident).
	Replaced Cause = C.CLIENTCACHE_CAUSE_REPLACED
	// Cleared: Clear, or Close (the cache going away).
	Cleared Cause = C.CLIENTCACHE_CAUSE_CLEARED
)

// String is the cause's name: "Evicted", "Expired", "Removed", "Replaced"
// or "Cleared".
func (c Cause) String() string {
	switch c {
	case Evicted:
		return "Evicted"
	case Expired:
		return "Expired"
	case Removed:
		return "Removed"
	case Replaced:
		return "Replaced"
	case Cleared:
		return "Cleared"
	}
	return fmt.Sprintf("Cause(%d)", uint32(c))
}

// WithTTL gives every entry a lifetime of d from its insertion (d > 0; 0,
// the default, means none). SetWithTTL and GetOrCreateWithTTL may give an
// entry a lifetime of its own instead. An expired entry is never returned:
// a lookup of it is a miss, and it leaves the cache (Stats.Expirations,
// WithOnEvict with Expired, then WithOnRelease). Lifetimes are measured on
// the system's coarse monotonic clock, so an entry may outlive its deadline
// by one tick (a few milliseconds).
func WithTTL(d time.Duration) Option { return func(o *options) { o.ttl = d } }

// WithOnEvict registers f, told once about every value that leaves the
// cache, with its key and the cause: Evicted, Expired, Removed, Replaced or
// Cleared (Clear and Close). f runs on the goroutine whose call made the
// value leave (Close's for Cleared; a finalizer's when a cache is collected
// without Close), before the value's WithOnRelease, never under the cache's
// lock: it may call back into the cache (but not Close it). A panic in f is
// reported on standard error and does not propagate. The key is f's to
// keep. A value that a copy of the cache (Copy) still holds is told by each
// cache it leaves. Values a build produced that never became resident
// (abandoned builds, a closed cache) are not told, except Replaced. V must
// be the cache's value type.
func WithOnEvict[V any](f func(key *Key, v V, cause Cause)) Option {
	return func(o *options) { o.onEvict = f }
}

// manualClock is a clock that only moves when told to (tests, through
// export_test.go): a counter of nanoseconds in C memory, read by the core
// without calling into Go. It is never freed (caches, copies and leases may
// read it for as long as they live).
type manualClock struct {
	p   C.uintptr_t
	now time.Duration
}

func newManualClock() *manualClock { return &manualClock{p: C.cc_clock_new()} }

// advance moves the clock forward by d (not safe for concurrent use).
func (m *manualClock) advance(d time.Duration) {
	m.now += d
	C.cc_clock_set(m.p, C.uint64_t(m.now))
}

// withClock measures lifetimes on m instead of the system clock.
func withClock(m *manualClock) Option { return func(o *options) { o.clock = m } }

// cacheTTL is WithTTL's duration in the core's terms.
func cacheTTL(op string, d time.Duration) (C.uint64_t, error) {
	switch {
	case d < 0:
		return 0, goError(op, ErrInvalidArgument, fmt.Sprintf("time-to-live %v is negative", d), nil)
	case d == NoExpiry:
		return 0, nil
	}
	return C.uint64_t(d), nil
}

// entryTTL is an entry lifetime in the core's terms.
func entryTTL(op string, d time.Duration) (C.uint64_t, error) {
	switch {
	case d == DefaultTTL:
		return C.CLIENTCACHE_TTL_DEFAULT, nil
	case d == NoExpiry:
		return C.CLIENTCACHE_TTL_NEVER, nil
	case d < 0:
		return 0, goError(op, ErrInvalidArgument, fmt.Sprintf("entry lifetime %v is negative", d), nil)
	}
	return C.uint64_t(d), nil
}

// evicted is the listener's call for one of this state's entries.
func (st *state[V]) evicted(p unsafe.Pointer, key unsafe.Pointer, cause Cause) {
	f := st.onEvict
	if f == nil {
		return
	}
	k := wrapKey(C.clientcache_key_clone((*C.clientcache_key)(key)))
	st.tell(f, k, (*entry[V])(p).v, cause)
}

// tell runs the OnEvict function, reporting a panic instead of letting it
// unwind into C.
func (st *state[V]) tell(f func(*Key, V, Cause), k *Key, v V, cause Cause) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "clientcache: OnEvict callback panicked: %v\n", p)
		}
	}()
	f(k, v, cause)
}

// replaced tells the OnEvict function about a factory's value that lost
// to a Set made while the factory ran.
func (st *state[V]) replaced(key *Key, v V) {
	f := st.onEvict
	if f == nil {
		return
	}
	kp := key.raw()
	if kp == nil {
		return
	}
	k := wrapKey(C.clientcache_key_clone(kp))
	runtime.KeepAlive(key)
	st.tell(f, k, v, Replaced)
}

// SetWithTTL is Set with the entry's own lifetime: ttl from now, DefaultTTL
// for the cache's time-to-live (WithTTL), or NoExpiry. A negative ttl is
// ErrInvalidArgument.
func (c *Cache[V]) SetWithTTL(key *Key, v V, ttl time.Duration) error {
	return c.set("SetWithTTL", key, v, ttl)
}

// PurgeExpired takes every expired entry out of the cache now and returns
// how many left (each counted in Stats.Expirations, told to WithOnEvict as
// Expired and released). Expired entries also leave whenever an operation
// meets them; this is for doing it at a time of your choosing. A closed
// cache purges nothing.
func (c *Cache[V]) PurgeExpired() int {
	tok, ok := c.enter()
	if !ok {
		return 0
	}
	defer c.exit(tok)
	r := C.cc_cache_purge_expired(c.ptr)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		freeText(r.text)
		return 0
	}
	return int(r.value)
}

// GetOrCreateWithTTL is GetOrCreateContext whose create also returns the
// new entry's lifetime: a duration from when the value lands, DefaultTTL
// for the cache's time-to-live, or NoExpiry — e.g. until the credentials
// the value was built from expire. A negative lifetime means the value is
// stale already: the waiting callers get it, and it expires at once.
func (c *Cache[V]) GetOrCreateWithTTL(ctx context.Context, key *Key,
	create func(ctx context.Context) (V, time.Duration, error)) (V, error) {
	if create == nil {
		return c.getOrCreate("GetOrCreateWithTTL", ctx, key, nil)
	}
	return c.getOrCreate("GetOrCreateWithTTL", ctx, key, create)
}
