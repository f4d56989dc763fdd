package clientcache

// This file holds the functions the core calls back into. A file with
// //export may only declare C functions in its preamble; the C side of the
// trampolines is in shims.c.

// #include "shims.h"
import "C"

import (
	"fmt"
	"runtime/cgo"
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

// factoryCall is the state of one GetOrCreate call whose factory the core
// may run; the ctx of the C factory leads to it (see factorySlot).
type factoryCall interface {
	// run calls the Go factory and returns the id of the new entry, or
	// 0 after storing the factory's error or panic.
	run() uintptr
}

// goClientcacheFactory is the C factory trampoline's Go side. A panic in
// the user's factory is recovered in run; none ever unwinds into C.
//
//export goClientcacheFactory
func goClientcacheFactory(ctx C.uintptr_t, out *C.uintptr_t) C.int32_t {
	h := cgo.Handle(ctx).Value().(*factorySlot).call.run()
	if h == 0 {
		return 1
	}
	*out = C.uintptr_t(h)
	return 0
}

// panicError is a recovered factory panic.
type panicError struct{ v any }

func (p *panicError) Error() string { return fmt.Sprintf("factory panicked: %v", p.v) }
