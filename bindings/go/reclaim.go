package clientcache

import (
	"sync"
	"sync/atomic"
	"time"
)

// Reading a value takes one cgo call: the C helper looks the key up, reads
// the value's id from the lease and frees the lease before it returns.
// From then on another goroutine may evict the value, and the core's release
// callback may run before this goroutine has turned the id back into
// the Go value. So the release callback does not forget the value's id at
// once (it only retires it); an id is freed (values.go)
// after a grace period, once every call that could still hold it has
// returned. This is epoch-based
// reclamation with two epochs:
//
//   - A call registers in the current epoch e (gate.n[e&1]) for as long as
//     it may hold an id, and re-checks e after registering, so that no
//     call stays registered in an epoch older than the current one minus 1.
//   - A retired id goes to limbo[e&1] of the epoch in which it retired.
//     Only calls registered in that epoch or the one before can hold it:
//     a call that starts later cannot get it from the core any more.
//   - The epoch moves from e to e+1 only when no call of any cache sharing
//     the values is registered in e-1; at that point the ids retired
//     in e-1 (limbo[(e+1)&1]) are deleted: their possible holders, calls of
//     e-1 and e-2, have all returned.
//
// A domain is shared by a cache and its copies (they share values); each
// cache has a gate, which also makes Close wait for its calls in flight.

// The hit paths (Get, Lookup, Peek, Remove, a GetOrCreate hit) do not
// register: two atomic read-modify-writes per call cost about as much as
// the rest of the Go side of a hit. They use hazard slots instead (shims.c):
// the core stores the value's id into a free slot of the calling thread's
// block while its own reference still holds the value
// (clientcache_cache_get_into), and the C helper returns the slot; the
// caller reads the id, resolves it, and stores 0. A value is released only
// after every lease is freed, so an id is in its slot before it can be
// retired; a retired id past its grace period is deleted only when no slot
// holds it (held, retried at every later epoch change). A thread's slot
// taken by a goroutine that moved to another thread stays taken until that
// goroutine clears it: the thread's next hit uses another slot (or, with
// every slot taken, keeps the lease for the read, cc_kept).
//
// Close does not free the native cache either, since a hit may still be in
// it: Close empties it (every value leaves) and the cleanup frees it once
// the Cache is unreachable.

type domain struct {
	epoch atomic.Uint64
	mu    sync.Mutex // guards gates, limbo, and epoch changes
	gates []*gate
	limbo [2][]valueID
	held  []valueID // past their grace period, still in a hazard slot
}

type gate struct {
	n      [2]atomic.Int64 // calls in flight, by epoch parity
	_      [48]byte        // keep the counters of two caches apart
	closed atomic.Bool
}

// enter registers a call; false when the cache is closed.
func (d *domain) enter(g *gate) (uint64, bool) {
	for {
		e := d.epoch.Load()
		g.n[e&1].Add(1)
		if g.closed.Load() {
			g.n[e&1].Add(-1)
			return 0, false
		}
		if d.epoch.Load() == e {
			return e, true
		}
		g.n[e&1].Add(-1)
	}
}

func (d *domain) exit(g *gate, e uint64) { g.n[e&1].Add(-1) }

// retire hands a released id over for removal after the grace period.
func (d *domain) retire(h valueID) {
	d.mu.Lock()
	e := d.epoch.Load()
	d.limbo[e&1] = append(d.limbo[e&1], h)
	d.advanceLocked()
	d.mu.Unlock()
}

// advanceLocked moves to the next epoch when no call of the previous one is
// in flight, deleting the ids retired in it.
func (d *domain) advanceLocked() bool {
	next := d.epoch.Load() + 1
	for _, g := range d.gates {
		if g.n[next&1].Load() != 0 {
			return false
		}
	}
	held := d.held[:0]
	for _, id := range d.held {
		if hazardHeld(id) {
			held = append(held, id)
		} else {
			values.remove(id)
		}
	}
	for _, id := range d.limbo[next&1] {
		if hazardHeld(id) {
			held = append(held, id)
		} else {
			values.remove(id)
		}
	}
	d.held = held
	d.limbo[next&1] = d.limbo[next&1][:0]
	d.epoch.Store(next)
	return true
}

// flush deletes every retired id that no call can hold any more; with
// no call in flight, that is all of them.
func (d *domain) flush() {
	d.mu.Lock()
	d.advanceLocked()
	d.advanceLocked()
	d.mu.Unlock()
}

func (d *domain) addGate(g *gate) {
	d.mu.Lock()
	d.gates = append(d.gates, g)
	d.mu.Unlock()
}

func (d *domain) removeGate(g *gate) {
	d.mu.Lock()
	for i, x := range d.gates {
		if x == g {
			d.gates = append(d.gates[:i], d.gates[i+1:]...)
			break
		}
	}
	d.mu.Unlock()
}

// close marks the gate closed and waits until its calls in flight return.
// It reports false when the gate was already closed.
func (g *gate) close() bool {
	if g.closed.Swap(true) {
		return false
	}
	for wait := time.Microsecond; g.n[0].Load()+g.n[1].Load() != 0; {
		time.Sleep(wait)
		if wait < time.Millisecond {
			wait *= 2
		}
	}
	return true
}
