package clientcache

// #include "shims.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// RemoveIf removes key's entry only when match reports true for its value,
// and reports whether it did: a compare-and-remove, e.g. to drop a client
// only if the cache still holds that very client and not a newer one
// built meanwhile under the same key. The removal is the core's
// compare-and-remove (clientcache_cache_remove_if): it takes the entry out
// only if it still holds the very value match approved, atomically under
// the cache's lock, so no insert needs to be held back. The look neither
// promotes the entry nor counts a lookup; a removal is counted and told as
// Remove's (Removed). A miss is (false, nil); a key of the other kind is
// ErrKindMismatch. match runs on the calling goroutine and may use the
// cache.
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
	// Removed only if the entry still holds the value match saw: one that
	// left meanwhile, or was replaced by a newer one, is left alone.
	return C.cc_cache_remove_if(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)), r) != 0, nil
}
