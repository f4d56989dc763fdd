package clientcache

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// The core holds each value as an id (a non-zero integer passed as void*).
// The table maps ids to the Go entries; it plays the part of
// runtime/cgo.Handle, with a lock-free lookup (the hot path of Get): ids
// index chunks of atomic pointers. An id is reused only after the grace
// period of reclaim.go, so a lookup never sees another value under its id.
//
// Every entry starts with an entryHeader, so the release callback, which
// knows only the id, can reach the entry's state whatever its value type.

type valueID uintptr

const chunkSize = 1024

type chunk [chunkSize]unsafe.Pointer

type valueTable struct {
	dir  atomic.Pointer[[]*chunk] // replaced, never changed in place
	mu   sync.Mutex               // guards free, n and growing dir
	free []valueID
	n    valueID // ids handed out so far: 1..n
}

var values valueTable

// entryHeader is the first field of every entry.
type entryHeader struct {
	owner releaser
}

// releaser is the state of the cache(s) that own an entry.
type releaser interface {
	released(e unsafe.Pointer, id valueID)
}

func (t *valueTable) slot(id valueID) *unsafe.Pointer {
	i := uintptr(id - 1)
	return &(*t.dir.Load())[i/chunkSize][i%chunkSize]
}

// put stores an entry and returns its id.
func (t *valueTable) put(e unsafe.Pointer) valueID {
	t.mu.Lock()
	var id valueID
	if k := len(t.free); k > 0 {
		id = t.free[k-1]
		t.free = t.free[:k-1]
	} else {
		t.n++
		id = t.n
		var dir []*chunk
		if d := t.dir.Load(); d != nil {
			dir = *d
		}
		if need := int((id-1)/chunkSize) + 1; need > len(dir) {
			grown := make([]*chunk, need, 2*need)
			copy(grown, dir)
			grown[need-1] = new(chunk)
			t.dir.Store(&grown)
		}
	}
	t.mu.Unlock()
	atomic.StorePointer(t.slot(id), e)
	return id
}

// get returns the entry of a live id.
func (t *valueTable) get(id valueID) unsafe.Pointer {
	return atomic.LoadPointer(t.slot(id))
}

// remove forgets an id; it may then be handed out again.
func (t *valueTable) remove(id valueID) {
	atomic.StorePointer(t.slot(id), nil)
	t.mu.Lock()
	t.free = append(t.free, id)
	t.mu.Unlock()
}
