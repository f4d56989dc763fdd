package clientcache

// #include "shims.h"
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// Policy is the eviction policy of a cache.
type Policy uint32

const (
	// LRU evicts the least recently used entry first (the default).
	LRU Policy = C.CLIENTCACHE_POLICY_LRU
	// LFU evicts the least frequently used entry first, and the least
	// recently used among those with the same frequency.
	LFU Policy = C.CLIENTCACHE_POLICY_LFU
)

func (p Policy) String() string {
	switch p {
	case LRU:
		return "LRU"
	case LFU:
		return "LFU"
	}
	return fmt.Sprintf("Policy(%d)", uint32(p))
}

// DefaultMaxSize is the capacity of a cache built without WithMaxSize.
const DefaultMaxSize = 10

// Option configures NewClientCache / NewResourceCache.
type Option func(*options)

type options struct {
	policy    Policy
	maxSize   int
	onRelease any
	onEvict   any
	ttl       time.Duration
	clock     *manualClock
}

// WithPolicy selects LRU (default) or LFU eviction.
func WithPolicy(p Policy) Option { return func(o *options) { o.policy = p } }

// WithMaxSize sets the capacity (default 10; must be ≥ 1).
func WithMaxSize(n int) Option { return func(o *options) { o.maxSize = n } }

// WithOnRelease registers f, called exactly once for every value the cache
// took (by Set or a successful GetOrCreate factory) when that value is in no
// cache any more (evicted, removed, cleared, or the cache closed) and no
// other goroutine is still reading it. Use it to close what a value owns.
// A factory's value that is not cached — a Set of the key landed during
// the build, every caller left, or the cache was closed — is released at
// once. f runs on the goroutine that dropped the last reference (for a
// factory's value, the build's goroutine), never under the cache's lock; it
// may use the cache. V must be the cache's value type.
func WithOnRelease[V any](f func(V)) Option { return func(o *options) { o.onRelease = f } }

// Stats are the counters of a cache. Hits and misses are counted by Get,
// Lookup, GetOrCreate, GetOrCreateContext and GetOrCreateWithTTL only, one
// per call: a call that finds the key is a hit, any other a miss (a caller
// that waits for another caller's build included, and a lookup of an
// expired entry), as the core counts them. Evictions are for capacity,
// Removals by Remove and PopVictim, Expirations the entries whose lifetime
// ended (WithTTL, SetWithTTL, GetOrCreateWithTTL).
type Stats struct {
	Hits, Misses, Insertions, Evictions, Removals, Expirations uint64
	Len, MaxSize                                               int
}

// state is shared by a cache and its copies, and reached from every entry.
type state[V any] struct {
	onRelease func(V)
	onEvict   func(*Key, V, Cause)
	live      atomic.Int64 // values handed to the core and not yet released
	dom       domain       // value id reclamation (reclaim.go)
}

// entry is what a value's id refers to (values.go).
type entry[V any] struct {
	hdr entryHeader // first: see values.go
	v   V
}

// released is the core's release of the value with this id: it runs the
// OnRelease function and retires the id (reclaim.go).
func (st *state[V]) released(p unsafe.Pointer, id valueID) {
	e := (*entry[V])(p)
	st.dom.retire(id)
	st.live.Add(-1)
	if f := st.onRelease; f != nil {
		defer func() {
			// A panic must not unwind into the C caller of the release
			// callback; report it and go on.
			if p := recover(); p != nil {
				fmt.Fprintf(os.Stderr, "clientcache: OnRelease callback panicked: %v\n", p)
			}
		}()
		f(e.v)
	}
}

// newValue registers v for the core and returns its id.
func (st *state[V]) newValue(v V) valueID {
	st.live.Add(1)
	return values.put(unsafe.Pointer(&entry[V]{hdr: entryHeader{owner: st}, v: v}))
}

// dropValue forgets an id the core did not take.
func (st *state[V]) dropValue(id valueID) {
	values.remove(id)
	st.live.Add(-1)
}

// Cache is a bounded cache of V values keyed by *Key, backed by the Rust
// core: identity, eviction (LRU or LFU), the stored values and statistics
// live there. GetOrCreate's single-flight waits in Go (parked goroutines,
// see GetOrCreateContext) and lands each build through the core. It is safe
// for concurrent use.
//
// A Cache holds native memory: call Close when done, which releases every
// value at once (a finalizer is only a safety net). After Close every
// method fails with ErrClosed, or returns the zero value where it has no
// error result.
type Cache[V any] struct {
	ptr     *C.clientcache_cache
	kind    Kind
	policy  Policy
	st      *state[V]
	gate    *gate
	fl      *flights[V] // GetOrCreate builds in progress (flight.go)
	cleanup runtime.Cleanup
}

// NewClientCache builds a cache for client keys.
func NewClientCache[V any](opts ...Option) (*Cache[V], error) {
	return newCache[V]("NewClientCache", Client, opts)
}

// NewResourceCache builds a cache for resource keys.
func NewResourceCache[V any](opts ...Option) (*Cache[V], error) {
	return newCache[V]("NewResourceCache", Resource, opts)
}

func newCache[V any](op string, kind Kind, opts []Option) (*Cache[V], error) {
	o := options{policy: LRU, maxSize: DefaultMaxSize}
	for _, opt := range opts {
		opt(&o)
	}
	st := &state[V]{}
	if o.onRelease != nil {
		f, ok := o.onRelease.(func(V))
		if !ok {
			return nil, goError(op, ErrInvalidArgument,
				fmt.Sprintf("WithOnRelease callback is %T, want func(%T)", o.onRelease, *new(V)), nil)
		}
		st.onRelease = f
	}
	listen := C.int(0)
	if o.onEvict != nil {
		f, ok := o.onEvict.(func(*Key, V, Cause))
		if !ok {
			return nil, goError(op, ErrInvalidArgument,
				fmt.Sprintf("WithOnEvict callback is %T, want func(*clientcache.Key, %T, clientcache.Cause)", o.onEvict, *new(V)), nil)
		}
		st.onEvict = f
		listen = 1
	}
	if o.maxSize < 0 {
		return nil, goError(op, ErrInvalidArgument, fmt.Sprintf("max size %d is negative", o.maxSize), nil)
	}
	ttl, err := cacheTTL(op, o.ttl)
	if err != nil {
		return nil, err
	}
	clock := C.uintptr_t(0)
	if o.clock != nil {
		clock = o.clock.p
	}
	r := C.cc_cache_new(C.uint32_t(kind), C.uint32_t(o.policy), C.size_t(o.maxSize), ttl, listen, clock)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return nil, statusError(op, r.status, r.text, r.text_len)
	}
	return wrapCache((*C.clientcache_cache)(r.ptr), kind, o.policy, st), nil
}

func wrapCache[V any](p *C.clientcache_cache, kind Kind, policy Policy, st *state[V]) *Cache[V] {
	c := &Cache[V]{ptr: p, kind: kind, policy: policy, st: st, gate: &gate{}, fl: newFlights[V]()}
	st.dom.addGate(c.gate)
	c.cleanup = runtime.AddCleanup(c, func(a cleanupArg) { a.free() }, cleanupArg{p, c.gate, &st.dom})
	return c
}

// cleanupArg is what the finalizer safety net needs to free a cache that
// became unreachable without Close.
type cleanupArg struct {
	ptr  *C.clientcache_cache
	gate *gate
	dom  *domain
}

func (a cleanupArg) free() {
	a.dom.removeGate(a.gate)
	C.clientcache_cache_free(a.ptr)
	a.dom.flush()
}

// enter registers a call in flight; false once the cache is closed.
func (c *Cache[V]) enter() (uint64, bool) { return c.st.dom.enter(c.gate) }

func (c *Cache[V]) exit(e uint64) { c.st.dom.exit(c.gate, e) }

// Close frees the cache: every value is told to WithOnEvict as Cleared,
// then released at once (WithOnRelease runs for each) unless a copy of the
// cache still holds it. Callers waiting
// in GetOrCreate or GetOrCreateContext return ErrClosed at once; the
// contexts of the builds in progress are cancelled, and Close waits for
// their factories to return (a value that arrives then is released at
// once) and for the calls in flight on other goroutines that change the
// cache. Lookups (Get, Lookup, Peek, Remove, a GetOrCreate hit) are not
// waited for: one that races Close returns a value it found before the
// cache emptied, or ErrClosed; the native cache, empty from then on, is
// freed once the Cache is unreachable (reclaim.go). It is idempotent.
// Close must not be called from inside a GetOrCreate factory, OnEvict or
// OnRelease callback of the same cache.
func (c *Cache[V]) Close() error {
	if c == nil || !c.gate.close() {
		return nil
	}
	c.fl.close()
	// Every value leaves now (Cleared). The hit paths read the native cache
	// without the gate (reclaim.go), so the cache itself, now empty, is
	// freed by the cleanup once this Cache is unreachable.
	r := C.cc_cache_clear(c.ptr)
	freeText(r.text)
	c.st.dom.flush()
	return nil
}

// Kind is the kind of keys the cache accepts.
func (c *Cache[V]) Kind() Kind { return c.kind }

// Policy is the cache's eviction policy.
func (c *Cache[V]) Policy() Policy { return c.policy }

// keyPtr checks a key argument.
func keyPtr(op string, k *Key) (*C.clientcache_key, error) {
	if k == nil {
		return nil, goError(op, ErrInvalidArgument, "nil key", nil)
	}
	p := k.raw()
	if p == nil {
		return nil, goError(op, ErrClosed, "key used after Close", nil)
	}
	return p, nil
}

// Set inserts v under key. A present key is ErrExists and leaves the cache
// unchanged; a key of the other kind is ErrKindMismatch. The new entry
// becomes the most recent; when the cache is then over capacity, victims
// are evicted (expired entries first, then never the new entry). The entry
// lives for the cache's time-to-live (WithTTL), if any; see SetWithTTL.
func (c *Cache[V]) Set(key *Key, v V) error {
	return c.set("Set", key, v, DefaultTTL)
}

func (c *Cache[V]) set(op string, key *Key, v V, lifetime time.Duration) error {
	tok, ok := c.enter()
	if !ok {
		return closedError(op)
	}
	defer c.exit(tok)
	kp, err := keyPtr(op, key)
	if err != nil {
		return err
	}
	ttl, err := entryTTL(op, lifetime)
	if err != nil {
		return err
	}
	id := c.st.newValue(v)
	r := C.cc_cache_insert(c.ptr, kp, C.uintptr_t(id), ttl)
	runtime.KeepAlive(key)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		c.st.dropValue(id)
		return statusError(op, r.status, r.text, r.text_len)
	}
	return nil
}

// addr passes a C handle to a shim as an integer, so that cgo does not
// check it for Go pointers (it never is one).
func addr(p unsafe.Pointer) C.uintptr_t { return C.uintptr_t(uintptr(p)) }

// value resolves an id the core returned; the call must be registered
// (enter) from before the core call until now.
func value[V any](id C.uintptr_t) V {
	return (*entry[V])(values.get(valueID(id))).v
}

func (c *Cache[V]) lookup(op string, key *Key, which C.int, wantErr bool) (V, error) {
	var zero V
	// No gate: a hazard slot keeps the id readable (reclaim.go), and the
	// native cache lives as long as c (Close empties it, the cleanup frees
	// it), so a call that races Close reads a live, perhaps empty, cache.
	if c.gate.closed.Load() {
		return zero, closedError(op)
	}
	kp, err := keyPtr(op, key)
	if err != nil {
		return zero, err
	}
	w := C.int(0)
	if wantErr {
		w = 1
	}
	r := C.cc_cache_lookup_hazard(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)), which, w)
	runtime.KeepAlive(key)
	runtime.KeepAlive(c)
	if r != 0 && r&C.CC_ERR_TAG == 0 {
		return hazardValue[V](r), nil
	}
	if c.gate.closed.Load() { // Close emptied the cache meanwhile
		if r != 0 {
			e := C.cc_err_take(r)
			freeText(e.text)
		}
		return zero, closedError(op)
	}
	if r == 0 {
		return zero, ErrNotFound
	}
	e := C.cc_err_take(r)
	return zero, statusError(op, e.status, e.text, e.text_len)
}

// hazardValue resolves the successful result of cc_cache_lookup_hazard: a
// hazard slot holding the id (cleared once the value is read), or, when
// the thread had no free slot, the lease kept for the read.
func hazardValue[V any](r C.uintptr_t) V {
	if r&C.CC_LEASE_TAG != 0 {
		r &^= C.CC_LEASE_TAG
		kept := *(**C.cc_kept)(unsafe.Pointer(&r))
		v := value[V](kept.id)
		C.cc_kept_free(kept)
		return v
	}
	slot := *(**C.uintptr_t)(unsafe.Pointer(&r))
	v := value[V](*slot)
	*slot = 0
	return v
}

// lookupRaw is lookup's C call for a get, its result left unresolved
// (tests: it keeps a hazard slot taken until hazardValue).
func (c *Cache[V]) lookupRaw(key *Key) C.uintptr_t {
	r := C.cc_cache_lookup_hazard(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(key.raw())), C.CC_OP_GET, 0)
	runtime.KeepAlive(key)
	return r
}

// hazardHeld reports whether a hazard slot still holds id.
func hazardHeld(id valueID) bool { return C.cc_hazard_holds(C.uintptr_t(id)) != 0 }

// Get returns the value of key and promotes it (LRU: most recent; LFU:
// frequency + 1). A miss is ErrNotFound; a key of the other kind (a
// resource key in a client cache, or the reverse) is ErrKindMismatch.
func (c *Cache[V]) Get(key *Key) (V, error) {
	return c.lookup("Get", key, C.CC_OP_GET, true)
}

// Lookup is Get without an error: ok is false on a miss and on every
// error Get would return — a key of the other kind (ErrKindMismatch for
// Get), a nil or closed key, a closed cache. Use Get to tell these cases
// apart.
func (c *Cache[V]) Lookup(key *Key) (v V, ok bool) {
	v, err := c.lookup("Lookup", key, C.CC_OP_GET, false)
	return v, err == nil
}

// Peek returns the value of key without promoting it and without counting
// a hit or miss. A miss is ErrNotFound, a key of the other kind
// ErrKindMismatch.
func (c *Cache[V]) Peek(key *Key) (V, error) {
	return c.lookup("Peek", key, C.CC_OP_PEEK, true)
}

// Remove takes key's entry out of the cache and returns its value. A miss
// is ErrNotFound, a key of the other kind ErrKindMismatch.
func (c *Cache[V]) Remove(key *Key) (V, error) {
	return c.lookup("Remove", key, C.CC_OP_REMOVE, true)
}

// Contains reports whether key is present, without promoting it. It is
// false for a key of the other kind and for a closed cache or key.
func (c *Cache[V]) Contains(key *Key) bool {
	tok, ok := c.enter()
	if !ok {
		return false
	}
	defer c.exit(tok)
	kp := key.raw()
	if kp == nil {
		return false
	}
	found := C.cc_cache_contains_fast(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)))
	runtime.KeepAlive(key)
	return found != 0
}

// PopVictim removes the next victim (LRU: least recently used; LFU: least
// frequently used, then least recently used) and returns its key and value.
// An empty cache is ErrNotFound.
func (c *Cache[V]) PopVictim() (*Key, V, error) {
	var zero V
	tok, ok := c.enter()
	if !ok {
		return nil, zero, closedError("PopVictim")
	}
	defer c.exit(tok)
	var kp *C.clientcache_key
	r := C.cc_cache_pop_victim(c.ptr, &kp)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return nil, zero, statusError("PopVictim", r.status, r.text, r.text_len)
	}
	return wrapKey(kp), value[V](r.value), nil
}

// Len is the number of entries (0 once closed).
func (c *Cache[V]) Len() int {
	tok, ok := c.enter()
	if !ok {
		return 0
	}
	defer c.exit(tok)
	return int(C.clientcache_cache_len(c.ptr))
}

// MaxSize is the capacity (0 once closed).
func (c *Cache[V]) MaxSize() int {
	tok, ok := c.enter()
	if !ok {
		return 0
	}
	defer c.exit(tok)
	return int(C.clientcache_cache_max_size(c.ptr))
}

// SetMaxSize changes the capacity (n ≥ 1, else ErrInvalidArgument);
// shrinking evicts victims until the cache fits.
func (c *Cache[V]) SetMaxSize(n int) error {
	tok, ok := c.enter()
	if !ok {
		return closedError("SetMaxSize")
	}
	defer c.exit(tok)
	if n < 0 {
		return goError("SetMaxSize", ErrInvalidArgument, fmt.Sprintf("max size %d is negative", n), nil)
	}
	r := C.cc_cache_set_max_size(c.ptr, C.size_t(n))
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return statusError("SetMaxSize", r.status, r.text, r.text_len)
	}
	return nil
}

// Clear removes every entry.
func (c *Cache[V]) Clear() error {
	tok, ok := c.enter()
	if !ok {
		return closedError("Clear")
	}
	defer c.exit(tok)
	r := C.cc_cache_clear(c.ptr)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return statusError("Clear", r.status, r.text, r.text_len)
	}
	return nil
}

// Copy returns a new cache with the same kind, policy, capacity, entries
// and eviction order. Both share the values: a value is released when it
// has left both.
func (c *Cache[V]) Copy() (*Cache[V], error) {
	tok, ok := c.enter()
	if !ok {
		return nil, closedError("Copy")
	}
	defer c.exit(tok)
	r := C.cc_cache_copy(c.ptr)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return nil, statusError("Copy", r.status, r.text, r.text_len)
	}
	return wrapCache((*C.clientcache_cache)(r.ptr), c.kind, c.policy, c.st), nil
}

// Keys returns every key in victim order: the first is the next victim.
func (c *Cache[V]) Keys() ([]*Key, error) {
	tok, ok := c.enter()
	if !ok {
		return nil, closedError("Keys")
	}
	defer c.exit(tok)
	r := C.cc_cache_snapshot(c.ptr)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return nil, statusError("Keys", r.status, r.text, r.text_len)
	}
	s := (*C.clientcache_snapshot)(r.ptr)
	defer C.clientcache_snapshot_free(s)
	n := int(C.clientcache_snapshot_len(s))
	keys := make([]*Key, 0, n)
	for i := 0; i < n; i++ {
		kp := C.clientcache_snapshot_key(s, C.size_t(i))
		if kp == nil {
			return nil, goError("Keys", ErrInternal, fmt.Sprintf("snapshot key %d of %d is NULL", i, n), nil)
		}
		keys = append(keys, wrapKey(C.clientcache_key_clone(kp)))
	}
	return keys, nil
}

// Stats returns the cache's counters.
func (c *Cache[V]) Stats() (Stats, error) {
	tok, ok := c.enter()
	if !ok {
		return Stats{}, closedError("Stats")
	}
	defer c.exit(tok)
	r := C.cc_cache_stats(c.ptr)
	if r.status != C.CLIENTCACHE_STATUS_OK {
		return Stats{}, statusError("Stats", r.status, r.text, r.text_len)
	}
	s := r.stats
	return Stats{
		Hits: uint64(s.hits), Misses: uint64(s.misses), Insertions: uint64(s.insertions),
		Evictions: uint64(s.evictions), Removals: uint64(s.removals), Expirations: uint64(s.expirations),
		Len: int(s.len), MaxSize: int(s.max_size),
	}, nil
}

// Version is the version of the linked libclientcache.
func Version() string { return C.GoString(C.clientcache_version()) }

// For hazard_internal_test.go (cgo is not allowed in test files).
func unsafePointer(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
func cuintptr(p uintptr) C.uintptr_t         { return C.uintptr_t(p) }
