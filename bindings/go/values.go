package clientcache

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// The core holds each value as an id (a small non-zero integer passed as
// void*), so no Go pointer ever enters C. The id indexes a table of the
// entries. The release callback does not free an id at once: reclaim.go
// defers that until every call that could still be reading it has
// returned, and only then may the id be given to another value.
//
// The table is two-level (a fixed array of lazily allocated chunks that
// never move), so reading an id is two atomic loads and no hashing: it is
// on the path of every hit (runtime/cgo.Handle, used before, costs a
// sync.Map lookup there).
//
// Every entry starts with an entryHeader, so the release callback, which
// knows only the id, can reach the entry's state whatever its value type.

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

const (
	valueChunkBits = 12
	valueChunkSize = 1 << valueChunkBits
	valueChunks    = 1 << 16 // at most 2^28 values alive at once
)

type valueChunk [valueChunkSize]unsafe.Pointer

type valueTable struct {
	chunks [valueChunks]unsafe.Pointer // *valueChunk, set once

	mu   sync.Mutex
	free []uint32 // indexes released and past their grace period
	next uint32   // first index never used
}

var values valueTable

// put stores an entry and returns its id (index + 1).
func (t *valueTable) put(e unsafe.Pointer) valueID {
	t.mu.Lock()
	var i uint32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		i = t.next
		if i>>valueChunkBits >= valueChunks {
			t.mu.Unlock()
			panic("clientcache: too many values alive at once")
		}
		t.next++
		if i&(valueChunkSize-1) == 0 && atomic.LoadPointer(&t.chunks[i>>valueChunkBits]) == nil {
			atomic.StorePointer(&t.chunks[i>>valueChunkBits], unsafe.Pointer(new(valueChunk)))
		}
	}
	c := (*valueChunk)(atomic.LoadPointer(&t.chunks[i>>valueChunkBits]))
	atomic.StorePointer(&c[i&(valueChunkSize-1)], e)
	t.mu.Unlock()
	return valueID(i) + 1
}

// get returns the entry of a live id.
func (t *valueTable) get(id valueID) unsafe.Pointer {
	i := uint32(id - 1)
	c := (*valueChunk)(atomic.LoadPointer(&t.chunks[i>>valueChunkBits&(valueChunks-1)]))
	return atomic.LoadPointer(&c[i&(valueChunkSize-1)])
}

// remove frees an id once its grace period is over (or one the core never
// took); the entry becomes garbage.
func (t *valueTable) remove(id valueID) {
	i := uint32(id - 1)
	t.mu.Lock()
	c := (*valueChunk)(atomic.LoadPointer(&t.chunks[i>>valueChunkBits]))
	atomic.StorePointer(&c[i&(valueChunkSize-1)], nil)
	t.free = append(t.free, i)
	t.mu.Unlock()
}
