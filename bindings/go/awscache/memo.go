package awscache

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/clientcache/clientcache/bindings/go"
)

// The key memo of a session: resolved options → the *clientcache.Key they
// give, so that a hit does not rebuild the key (JSON encoding, the core's
// canonical form and SHA-256) on every call.
//
// Exact: an entry is found only for options whose ident (every input of
// the key, secrets included; awscache.go) and service are equal to the
// entry's, compared in full; the hash only picks the bucket. Nothing else
// goes into the key, so equal idents always give equal keys.
//
// Secrets: an ident holds them in clear text, so an entry lives only while
// the session holds a client under its key, in the cache of its policy. It
// is added after a call that got its client, and checked against the cache
// right after (a client may have left meanwhile); every client that leaves
// a cache (evicted, expired, removed after an authentication error,
// cleared, closed) takes the entries of its key along (the caches' eviction
// listener calls forget). Keys themselves hold only digests.
//
// Reads take no lock and allocate nothing: the buckets are atomic pointers
// to chains of entries, which writers (under mu) change by swapping one
// pointer at a time; an entry's fields never change after it is published.

// memoSeed picks buckets; a process-wide random seed.
var memoSeed = maphash.MakeSeed()

// hash mixes the service and every set field of the ident.
func (id *ident) hash(service string) uint64 {
	h := maphash.String(memoSeed, service)
	str := func(s string, salt uint64) {
		if s != "" {
			h = mix(h ^ maphash.String(memoSeed, s) ^ salt)
		}
	}
	str(id.region, 1)
	str(id.endpoint, 2)
	str(id.profile, 3)
	str(id.appID, 4)
	str(id.retryMode, 5)
	str(id.keyID, 6)
	str(id.secret, 7)
	str(id.token, 8)
	h = mix(h ^ uint64(id.retryMaxAttempts))
	h = mix(h ^ uint64(id.connectTimeout) ^ uint64(id.readTimeout)<<1)
	h = mix(h ^ id.credProviderID ^ id.httpClientID<<32 ^ uint64(id.flags)<<48)
	return h
}

func mix(h uint64) uint64 {
	hi, lo := bits.Mul64(h, 0x9E3779B97F4A7C15)
	return hi ^ lo
}

type memo struct {
	buckets []atomic.Pointer[memoEntry]
	limit   int // entries at most; past it a call's key is not memoized

	mu    sync.Mutex
	n     int
	byKey [2]map[string][]*memoEntry // per policy (LRU, LFU), by key fingerprint
}

// memoEntry is immutable once published, but for next.
type memoEntry struct {
	next    atomic.Pointer[memoEntry]
	hash    uint64
	service string
	policy  clientcache.Policy
	id      ident
	key     *clientcache.Key
	fp      string
}

// newMemo sizes the memo for two caches of maxSize clients, each reachable
// by a few option sets.
func newMemo(maxSize int) *memo {
	limit := min(max(8*maxSize, 64), 1<<16)
	n := 16
	for n < limit {
		n <<= 1
	}
	return &memo{buckets: make([]atomic.Pointer[memoEntry], n), limit: limit,
		byKey: [2]map[string][]*memoEntry{{}, {}}}
}

func policyIndex(p clientcache.Policy) int {
	if p == clientcache.LFU {
		return 1
	}
	return 0
}

// find returns the memoized key of (service, policy, id), or nil.
func (m *memo) find(h uint64, service string, policy clientcache.Policy, id *ident) *clientcache.Key {
	for e := m.buckets[h&uint64(len(m.buckets)-1)].Load(); e != nil; e = e.next.Load() {
		if e.hash == h && e.policy == policy && e.service == service && e.id == *id {
			return e.key
		}
	}
	return nil
}

// add memoizes key for (service, policy, id) after a call got its client
// from cache, and keeps it only while cache holds a client under key.
func (m *memo) add(h uint64, service string, policy clientcache.Policy, id *ident, key *clientcache.Key, cache *clientcache.Cache[any]) {
	fp := key.Fingerprint()
	if fp == "" {
		return
	}
	e := &memoEntry{hash: h, service: service, policy: policy, id: *id, key: key, fp: fp}
	m.mu.Lock()
	if m.n >= m.limit || m.find(h, service, policy, id) != nil {
		m.mu.Unlock()
		return
	}
	b := &m.buckets[h&uint64(len(m.buckets)-1)]
	e.next.Store(b.Load())
	b.Store(e)
	idx := m.byKey[policyIndex(policy)]
	idx[fp] = append(idx[fp], e)
	m.n++
	m.mu.Unlock()
	// The client may have left between the call's lookup and the add (the
	// listener then found nothing to forget); a client that leaves from
	// now on finds the entry. Not under mu: Contains may expire the entry,
	// and the listener takes mu.
	if !cache.Contains(key) {
		m.forgetFP(policy, fp)
	}
}

// forget drops the entries of key in the cache of policy: its client left.
func (m *memo) forget(policy clientcache.Policy, key *clientcache.Key) {
	m.forgetFP(policy, key.Fingerprint())
}

func (m *memo) forgetFP(policy clientcache.Policy, fp string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	idx := m.byKey[policyIndex(policy)]
	for _, e := range idx[fp] {
		m.unlink(e)
	}
	delete(idx, fp)
}

// unlink takes e out of its chain; readers walking the chain meanwhile
// still reach the rest of it through e.next.
func (m *memo) unlink(e *memoEntry) {
	link := &m.buckets[e.hash&uint64(len(m.buckets)-1)]
	for x := link.Load(); x != nil; x = x.next.Load() {
		if x == e {
			link.Store(e.next.Load())
			m.n--
			return
		}
		link = &x.next
	}
}

// clear drops every entry (the session is closed).
func (m *memo) clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.buckets {
		m.buckets[i].Store(nil)
	}
	m.byKey = [2]map[string][]*memoEntry{{}, {}}
	m.n = 0
}
