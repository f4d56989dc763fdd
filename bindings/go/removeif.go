package clientcache

// #include "shims.h"
import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// insertGuard makes RemoveIf's look-then-remove atomic with respect to the
// inserts of the same Cache (Set, SetWithTTL and the landing of a
// GetOrCreate build): inserts share it, RemoveIf holds it alone. Callbacks
// may re-enter the cache, so both sides know their goroutine:
//
//   - the goroutine holding it alone is recorded, so that the OnEvict and
//     OnRelease callbacks of RemoveIf's own removal may insert;
//   - in a cache with callbacks, the goroutines of the inserts in progress
//     are recorded, so that a RemoveIf from a callback an insert runs (the
//     insert has landed by then) does not wait for that insert to end.
type insertGuard struct {
	mu      sync.RWMutex
	holder  atomic.Uint64 // goroutine holding mu alone, 0 if none
	rmu     sync.Mutex
	readers map[uint64]int // goroutines inside an insert (caches with callbacks)
}

func noop() {}

// share is taken by an insert; the function it returns ends it. track
// records the goroutine (caches with callbacks).
func (g *insertGuard) share(track bool) func() {
	if h := g.holder.Load(); h != 0 && h == goroutineID() {
		return noop
	}
	g.mu.RLock()
	if !track {
		return g.mu.RUnlock
	}
	id := goroutineID()
	g.rmu.Lock()
	if g.readers == nil {
		g.readers = map[uint64]int{}
	}
	g.readers[id]++
	g.rmu.Unlock()
	return func() {
		g.rmu.Lock()
		if g.readers[id]--; g.readers[id] == 0 {
			delete(g.readers, id)
		}
		g.rmu.Unlock()
		g.mu.RUnlock()
	}
}

// exclusive holds the guard alone, unless this goroutine is inside an
// insert of the cache (a callback it runs); the function it returns ends it.
func (g *insertGuard) exclusive() func() {
	id := goroutineID()
	g.rmu.Lock()
	inside := g.readers[id] > 0
	g.rmu.Unlock()
	if inside || g.holder.Load() == id {
		return noop
	}
	g.mu.Lock()
	g.holder.Store(id)
	return func() {
		g.holder.Store(0)
		g.mu.Unlock()
	}
}

// tracks reports whether inserts must record their goroutine.
func (st *state[V]) tracks() bool { return st.onEvict != nil || st.onRelease != nil }

// RemoveIf removes key's entry only when match reports true for its value,
// and reports whether it did: a compare-and-remove, e.g. to drop a client
// only if the cache still holds that very client and not a newer one
// built meanwhile under the same key. No Set, SetWithTTL or GetOrCreate
// build of this Cache lands between the look and the removal. The look
// neither promotes the entry nor counts a lookup; a removal is counted
// and told as Remove's (Removed). A miss is (false, nil); a key of the other
// kind is ErrKindMismatch. match runs on the calling goroutine and may use
// the cache. From an OnEvict or OnRelease callback that an insert of this
// cache runs, RemoveIf does not wait for that insert (it has landed) but
// is then not atomic with respect to other inserts.
func (c *Cache[V]) RemoveIf(key *Key, match func(V) bool) (bool, error) {
	const op = "RemoveIf"
	if match == nil {
		return false, goError(op, ErrInvalidArgument, "nil match function", nil)
	}
	tok, ok := c.enter()
	if !ok {
		return false, closedError(op)
	}
	defer c.exit(tok)
	kp, err := keyPtr(op, key)
	if err != nil {
		return false, err
	}
	defer runtime.KeepAlive(key)
	defer c.ins.exclusive()()
	r := C.cc_cache_lookup_fast(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)), C.CC_OP_PEEK, 1)
	if r == 0 {
		return false, nil
	}
	if r&C.CC_ERR_TAG != 0 {
		e := C.cc_err_take(r)
		if e.status == C.CLIENTCACHE_STATUS_NOT_FOUND {
			freeText(e.text)
			return false, nil
		}
		return false, statusError(op, e.status, e.text, e.text_len)
	}
	if !match(value[V](r)) {
		return false, nil
	}
	// The entry can only have left meanwhile (evicted, expired, removed),
	// never been replaced: then this is a miss.
	if C.cc_cache_lookup_fast(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)), C.CC_OP_REMOVE, 0) == 0 {
		return false, nil
	}
	return true, nil
}
