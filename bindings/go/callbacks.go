package clientcache

// This file holds the functions the core calls back into. A file with
// //export may only declare C functions in its preamble; the C side of the
// trampolines is in shims.c.

// #include "shims.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// goClientcacheRelease is the cache's release callback: the core calls it
// exactly once per inserted value, when no cache and no lease holds it any
// more, on whichever thread dropped the last reference. It runs the
// OnRelease function and retires the id, which is forgotten once no call
// can still be reading it (reclaim.go); then the Go value becomes garbage.
//
//export goClientcacheRelease
func goClientcacheRelease(value C.uintptr_t) {
	id := valueID(value)
	p := values.get(id)
	(*entryHeader)(p).owner.released(p, id)
}

// goClientcacheEvict is the cache's eviction listener (installed only for
// a cache with WithOnEvict): the core calls it once per value that leaves,
// before the value's release, on the thread that made it leave and never
// under the cache's lock. key is borrowed for the call.
//
//export goClientcacheEvict
func goClientcacheEvict(key *C.clientcache_key, value C.uintptr_t, cause C.uint32_t) {
	id := valueID(value)
	p := values.get(id)
	(*entryHeader)(p).owner.evicted(p, unsafe.Pointer(key), Cause(cause))
}

// panicError is a recovered factory panic (flight.go).
type panicError struct{ v any }

func (p *panicError) Error() string { return fmt.Sprintf("factory panicked: %v", p.v) }
