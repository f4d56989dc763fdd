package clientcache

import (
	"runtime/cgo"
	"unsafe"
)

// The core holds each value as a runtime/cgo.Handle (a non-zero integer
// passed as void*), so no Go pointer ever enters C. The release callback
// does not delete a handle at once: reclaim.go defers the Delete until every
// call that could still be reading it has returned.
//
// Every entry starts with an entryHeader, so the release callback, which
// knows only the handle, can reach the entry's state whatever its value type.

type valueID uintptr

// entryHeader is the first field of every entry.
type entryHeader struct {
	owner releaser
}

// releaser is the state of the cache(s) that own an entry.
type releaser interface {
	released(e unsafe.Pointer, id valueID)
	// evicted tells the OnEvict function that the entry left (key is a
	// borrowed *C.clientcache_key).
	evicted(e unsafe.Pointer, key unsafe.Pointer, cause Cause)
}

type valueTable struct{}

var values valueTable

// put stores an entry and returns its handle.
func (valueTable) put(e unsafe.Pointer) valueID {
	return valueID(cgo.NewHandle(e))
}

// get returns the entry of a live handle.
func (valueTable) get(id valueID) unsafe.Pointer {
	return cgo.Handle(id).Value().(unsafe.Pointer)
}

// remove deletes a handle once its grace period is over.
func (valueTable) remove(id valueID) {
	cgo.Handle(id).Delete()
}
