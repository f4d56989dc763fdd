package clientcache

// #include "shims.h"
import "C"

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// GetOrCreate's single-flight runs in Go.
//
// The core's get_or_insert_with makes the callers of a key that is being
// built wait on a condition variable inside the core. Through cgo each of
// them would hold an OS thread for the whole build, and none of them could
// stop waiting when its context ends. So the waiting happens here: a
// Cache keeps a table of its builds in progress (flights), keyed by the
// key's canonical form — the core's identity, exactly — and the callers of
// a key that is being built park on the flight's channel. Everything else
// stays the core's:
//
//   - every call starts with the core's get (one cgo call, as Get): a hit
//     returns at once, and that get counts the call's hit or miss, one per
//     caller as get_or_insert_with counts them (a waiter is a miss);
//   - a build lands through the core's insert. EXISTS means a plain Set of
//     the key landed while the factory ran: the resident value wins, as in
//     the core's own rule, every caller gets it, and the factory's value is
//     released at once and not counted as an insertion;
//   - identity, eviction and the stored values are the core's.
//
// The factory runs on a goroutine of its own, with a context of its own, so
// that any caller — the first one included — can stop waiting without
// affecting the build. The build's context carries the values of the first
// caller's context (context.WithoutCancel) and is cancelled only when every
// caller waiting for it has left before the factory returned; the build is
// then abandoned: it is taken out of the table (the next caller starts a
// new one) and whatever the factory returns is not cached.
//
// A factory that waits for its own key — directly, or through the factory
// of another key — would wait forever. The core detects that with a
// thread-local list of the builds a thread is running; a goroutine has no
// locals, so two marks are used here: the build's context carries the
// build's mark (for calls made with it, from any goroutine), and a small
// registry maps the goroutine running each factory, by its number as
// runtime.Stack prints it, to the mark (for calls made without it, e.g. a
// GetOrCreate inside a GetOrCreate factory). The number is read only on a
// miss while some build is running. Marks link to the mark of the build
// whose factory started them, so a chain of builds is seen whole.

// flights are the builds in progress of one Cache.
type flights[V any] struct {
	mu     sync.Mutex
	m      map[string]*flight[V] // by the key's canonical form
	closed bool
	builds sync.WaitGroup // build goroutines still running
}

func newFlights[V any]() *flights[V] { return &flights[V]{m: map[string]*flight[V]{}} }

type flightState uint8

const (
	flightBuilding flightState = iota // the factory runs; callers may abandon it
	flightLanding                     // the factory returned; its outcome will be given
	flightDone                        // the outcome is given, or the build abandoned
)

// flight is one build and the callers waiting for it.
type flight[V any] struct {
	id     string
	mark   *buildMark
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{} // closed once v and err are set

	// Guarded by flights.mu.
	waiters int // callers waiting for the outcome
	state   flightState

	// Set before done is closed.
	v   V
	err error
}

// buildMark identifies a build for the re-entrancy check; parent is the
// build whose factory started this one.
type buildMark struct{ parent *buildMark }

// within reports whether m is target or was started, at any depth, by
// target's factory.
func (m *buildMark) within(target *buildMark) bool {
	for x := m; x != nil; x = x.parent {
		if x == target {
			return true
		}
	}
	return false
}

type buildMarkKey struct{}

// builders maps the goroutines running a factory to their builds.
var builders struct {
	n  atomic.Int64
	mu sync.Mutex
	m  map[uint64]*buildMark
}

func registerBuilder(m *buildMark) uint64 {
	g := goroutineID()
	builders.mu.Lock()
	if builders.m == nil {
		builders.m = map[uint64]*buildMark{}
	}
	builders.m[g] = m
	builders.n.Add(1)
	builders.mu.Unlock()
	return g
}

func unregisterBuilder(g uint64) {
	builders.mu.Lock()
	delete(builders.m, g)
	builders.n.Add(-1)
	builders.mu.Unlock()
}

// currentMarks are the build whose factory this goroutine runs (if any)
// and the build ctx comes from (if any).
func currentMarks(ctx context.Context) (own, fromCtx *buildMark) {
	fromCtx, _ = ctx.Value(buildMarkKey{}).(*buildMark)
	if builders.n.Load() > 0 {
		g := goroutineID()
		builders.mu.Lock()
		own = builders.m[g]
		builders.mu.Unlock()
	}
	return own, fromCtx
}

// goroutineID is the number of the calling goroutine, from the first line
// runtime.Stack prints: "goroutine 123 [running]:".
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0
	}
	var id uint64
	for _, ch := range b[len(prefix):] {
		if ch < '0' || ch > '9' {
			break
		}
		id = id*10 + uint64(ch-'0')
	}
	return id
}

// errGoexit is the outcome of a factory that called runtime.Goexit.
type goexitError struct{}

func (goexitError) Error() string { return "factory called runtime.Goexit" }

// buildCancelled is the cause of a cancelled build context.
type buildCancelled struct {
	msg    string
	closed bool
}

func (e *buildCancelled) Error() string { return e.msg }

// Is makes the cause match context.Canceled, and ErrClosed when the cache
// was closed.
func (e *buildCancelled) Is(target error) bool {
	return target == context.Canceled || (e.closed && target == ErrClosed)
}

var (
	errEveryoneLeft = &buildCancelled{msg: "clientcache: every caller waiting for this build has left"}
	errCacheClosed  = &buildCancelled{msg: "clientcache: the cache was closed during this build", closed: true}
)

// GetOrCreate returns the value of key, calling create on a miss and
// caching its result. It is GetOrCreateContext with context.Background()
// (so this caller waits until the build ends) and a create that ignores
// its context.
//
// For a missing key exactly one create runs at a time, on a goroutine of
// its own, while concurrent callers of the same key wait for it as parked
// goroutines (no OS thread each) and share its outcome; callers of other
// keys are never blocked by it. A hit promotes the entry and counts as a
// hit; every other call counts as a miss.
//
// When create returns an error or panics, nothing is cached and every
// caller waiting for that build gets an error matching ErrFactoryFailed
// that also wraps create's own error (errors.Is / errors.As); a panic
// becomes an error, never a crash. A create that asks the same cache for
// its own key (directly, or through the create of another key) gets
// ErrInvalidArgument rather than waiting forever.
func (c *Cache[V]) GetOrCreate(key *Key, create func() (V, error)) (V, error) {
	if create == nil {
		return c.getOrCreate("GetOrCreate", context.Background(), key, nil)
	}
	return c.getOrCreate("GetOrCreate", context.Background(), key, create)
}

// GetOrCreateContext returns the value of key, calling create on a miss and
// caching its result, with single-flight: while create runs for a key,
// the other callers of that key wait for it and share its outcome.
//
// Waiting: the callers of a key that is being built are parked goroutines,
// not OS threads, and each stops waiting when its own ctx ends: it returns
// ctx.Err() at once, and the build and the other callers go on. A hit
// returns the value whatever the state of ctx; on a miss with ctx already
// done, ctx.Err() is returned and no build is started or joined.
//
// The build: create runs once per build, on a goroutine of its own (panics
// are recovered), with a context that carries the values of the ctx of the
// caller that started the build but not its deadline or cancellation. That
// context is cancelled when every caller waiting for the build has left
// (each one's ctx ended) before create returned, and when the cache is
// closed; context.Cause then matches context.Canceled (and ErrClosed when
// the cache was closed). A build that every caller left is abandoned:
// nothing it returns is cached (a value is released at once, see
// WithOnRelease), and the next caller starts a new build. Callers of
// GetOrCreate never leave, so a build one of them waits for is never
// cancelled that way.
//
// The outcome: a value is inserted through the core and every waiting
// caller gets it. If a Set of the key landed while create ran, the Set
// value wins: every caller gets it, and create's value is released at once
// and not counted as an insertion. An error or a panic is shared by every
// caller waiting for that build, as an error matching ErrFactoryFailed
// that wraps create's own error; it is not cached, and the next caller
// starts a new build. A create that asks the same cache for its own key
// (directly, or through the create of another key, with its context or on
// its goroutine) gets ErrInvalidArgument rather than waiting forever.
//
// A key of the other kind is ErrKindMismatch, a nil ctx or create
// ErrInvalidArgument, a closed cache or key ErrClosed; Close makes waiting
// callers return ErrClosed.
func (c *Cache[V]) GetOrCreateContext(ctx context.Context, key *Key, create func(ctx context.Context) (V, error)) (V, error) {
	if create == nil {
		return c.getOrCreate("GetOrCreateContext", ctx, key, nil)
	}
	return c.getOrCreate("GetOrCreateContext", ctx, key, create)
}

// getOrCreate is all three: build is a func(context.Context) (V,
// time.Duration, error), a func(context.Context) (V, error) or a
// func() (V, error), nil for none (it is wrapped only on a miss, so that a
// hit allocates nothing).
func (c *Cache[V]) getOrCreate(op string, ctx context.Context, key *Key, build any) (V, error) {
	v, hit, err := c.hit(op, ctx, key, build != nil)
	if hit || err != nil {
		return v, err
	}
	var create func(context.Context) (V, time.Duration, error)
	switch f := build.(type) {
	case func(context.Context) (V, time.Duration, error):
		create = f
	case func(context.Context) (V, error):
		create = func(ctx context.Context) (V, time.Duration, error) {
			v, err := f(ctx)
			return v, DefaultTTL, err
		}
	case func() (V, error):
		create = func(context.Context) (V, time.Duration, error) {
			v, err := f()
			return v, DefaultTTL, err
		}
	}
	return c.miss(op, ctx, key, create)
}

// hit is the first step of every GetOrCreate variant: the core's get, as
// Get does (it counts the call's hit or miss). hit is true with the value;
// false with a nil error means a miss that the caller must build or join.
func (c *Cache[V]) hit(op string, ctx context.Context, key *Key, haveCreate bool) (v V, hit bool, err error) {
	var zero V
	// No gate, as in lookup (cache.go).
	if c.gate.closed.Load() {
		return zero, false, closedError(op)
	}
	kp, err := keyPtr(op, key)
	if err != nil {
		return zero, false, err
	}
	if ctx == nil || !haveCreate {
		what := "nil context"
		if ctx != nil {
			what = "nil create function"
		}
		return zero, false, goError(op, ErrInvalidArgument, what, nil)
	}
	r := C.cc_cache_lookup_hazard(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)), C.CC_OP_GET, 1)
	runtime.KeepAlive(key)
	runtime.KeepAlive(c)
	if r != 0 && r&C.CC_ERR_TAG == 0 {
		return hazardValue[V](r), true, nil
	}
	if r != 0 {
		e := C.cc_err_take(r)
		if e.status != C.CLIENTCACHE_STATUS_NOT_FOUND {
			return zero, false, statusError(op, e.status, e.text, e.text_len)
		}
		freeText(e.text)
	}
	if c.gate.closed.Load() {
		return zero, false, closedError(op)
	}
	return zero, false, nil
}

// miss follows a miss counted by hit: it joins the key's build in
// progress, or starts one.
func (c *Cache[V]) miss(op string, ctx context.Context, key *Key, create func(context.Context) (V, time.Duration, error)) (V, error) {
	var zero V
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	kp := key.raw()
	if kp == nil {
		return zero, goError(op, ErrClosed, "key used after Close", nil)
	}
	return c.join(op, ctx, key, kp, create)
}

// GetOrCreateArg is GetOrCreateWithTTL with the factory's per-call data
// passed as arg rather than captured: on a miss create is called with arg.
// A closure that captures per-call data is allocated on every call, hits
// included, because the factory may outlive the call; arg is copied to the
// heap only on a miss, so with create a top-level function a hit allocates
// nothing. Everything else is GetOrCreateWithTTL's (the op in errors is
// "GetOrCreateArg").
func GetOrCreateArg[V, A any](ctx context.Context, c *Cache[V], key *Key, arg A,
	create func(ctx context.Context, arg A) (V, time.Duration, error)) (V, error) {
	const op = "GetOrCreateArg"
	v, hit, err := c.hit(op, ctx, key, create != nil)
	if hit || err != nil {
		return v, err
	}
	return getOrCreateArgMiss(op, ctx, c, key, arg, create)
}

// getOrCreateArgMiss is a function of its own so that arg moves to the
// heap here, on a miss, and not in GetOrCreateArg.
func getOrCreateArgMiss[V, A any](op string, ctx context.Context, c *Cache[V], key *Key, arg A,
	create func(context.Context, A) (V, time.Duration, error)) (V, error) {
	return c.miss(op, ctx, key, func(ctx context.Context) (V, time.Duration, error) { return create(ctx, arg) })
}

// join waits for the key's build in progress, or starts one.
func (c *Cache[V]) join(op string, ctx context.Context, key *Key, kp *C.clientcache_key,
	create func(context.Context) (V, time.Duration, error)) (V, error) {
	var zero V
	id, ok := key.identity()
	if !ok {
		return zero, goError(op, ErrClosed, "key used after Close", nil)
	}
	own, fromCtx := currentMarks(ctx)
	fl := c.fl
	fl.mu.Lock()
	if fl.closed {
		fl.mu.Unlock()
		return zero, closedError(op)
	}
	if f := fl.m[id]; f != nil {
		if own.within(f.mark) || fromCtx.within(f.mark) {
			fl.mu.Unlock()
			return zero, goError(op, ErrInvalidArgument, fmt.Sprintf(
				"the factory for %s asks for its own key (directly or through the factory of another key): it would wait forever",
				key.Label()), nil)
		}
		f.waiters++
		fl.mu.Unlock()
		return c.wait(op, ctx, f)
	}
	parent := own
	if parent == nil {
		parent = fromCtx
	}
	f := &flight[V]{id: id, mark: &buildMark{parent: parent}, done: make(chan struct{}), waiters: 1}
	f.ctx, f.cancel = context.WithCancelCause(
		context.WithValue(context.WithoutCancel(ctx), buildMarkKey{}, f.mark))
	fl.m[id] = f
	fl.builds.Add(1)
	fl.mu.Unlock()
	// The build owns a reference of its own to the native key: the caller
	// may leave and Close its Key while the factory runs.
	buildKey := wrapKey(C.clientcache_key_clone(kp))
	runtime.KeepAlive(key)
	go c.build(op, f, buildKey, create)
	return c.wait(op, ctx, f)
}

// wait parks until the flight's outcome or the end of ctx.
func (c *Cache[V]) wait(op string, ctx context.Context, f *flight[V]) (V, error) {
	select {
	case <-f.done:
		return f.outcome(op)
	case <-ctx.Done():
	}
	fl := c.fl
	fl.mu.Lock()
	select {
	case <-f.done: // the outcome came first
		fl.mu.Unlock()
		return f.outcome(op)
	default:
	}
	f.waiters--
	if f.waiters == 0 && f.state == flightBuilding {
		// The last caller left while the factory runs: abandon the build.
		f.state = flightDone
		if fl.m[f.id] == f {
			delete(fl.m, f.id)
		}
		fl.mu.Unlock()
		f.cancel(errEveryoneLeft)
	} else {
		fl.mu.Unlock()
	}
	var zero V
	return zero, ctx.Err()
}

// outcome is the flight's result for one caller; a shared *Error is copied
// so that it names the caller's own method.
func (f *flight[V]) outcome(op string) (V, error) {
	if e, ok := f.err.(*Error); ok && e.Op != op {
		cp := *e
		cp.Op = op
		return f.v, &cp
	}
	return f.v, f.err
}

// settle gives the flight's outcome to its callers, unless it was given
// (or the build abandoned) already.
func (fl *flights[V]) settle(f *flight[V], v V, err error) bool {
	fl.mu.Lock()
	if f.state == flightDone {
		fl.mu.Unlock()
		return false
	}
	f.state = flightDone
	if fl.m[f.id] == f {
		delete(fl.m, f.id)
	}
	f.v, f.err = v, err
	fl.mu.Unlock()
	close(f.done)
	return true
}

// close gives ErrClosed to the callers of every build in progress, cancels
// the builds, and waits for their factories to return.
func (fl *flights[V]) close() {
	fl.mu.Lock()
	fl.closed = true
	var running []*flight[V]
	for _, f := range fl.m {
		if f.state != flightDone {
			f.state = flightDone
			f.err = closedError("GetOrCreate")
			running = append(running, f)
		}
	}
	clear(fl.m)
	fl.mu.Unlock()
	for _, f := range running {
		close(f.done)
		f.cancel(errCacheClosed)
	}
	fl.builds.Wait()
}

// build runs on a goroutine of its own: the factory, then the landing.
func (c *Cache[V]) build(op string, f *flight[V], key *Key, create func(context.Context) (V, time.Duration, error)) {
	defer c.fl.builds.Done()
	defer key.Close()
	// The value may have landed between the caller's miss and this flight
	// (the previous flight of the key is taken out of the table only once
	// its value is in the core).
	if v, found, err := c.peek(op, key); err != nil || found {
		c.fl.settle(f, v, err)
		return
	}
	g := registerBuilder(f.mark)
	defer unregisterBuilder(g)
	var v V
	var ttl time.Duration
	var err error
	returned := false
	defer func() {
		if returned {
			return
		}
		// The factory panicked or called runtime.Goexit.
		if p := recover(); p != nil {
			err = &panicError{v: p}
		} else {
			err = goexitError{}
		}
		var zero V
		c.finish(op, f, key, zero, 0, err)
	}()
	v, ttl, err = create(f.ctx)
	returned = true
	c.finish(op, f, key, v, ttl, err)
}

// finish lands the factory's outcome, unless the build was abandoned or
// the cache closed meanwhile (a value is then released at once).
func (c *Cache[V]) finish(op string, f *flight[V], key *Key, v V, ttl time.Duration, err error) {
	fl := c.fl
	fl.mu.Lock()
	if f.state != flightBuilding {
		fl.mu.Unlock()
		if err == nil {
			c.st.releaseUnused(v)
		}
		return
	}
	f.state = flightLanding
	fl.mu.Unlock()
	if err != nil {
		fl.settle(f, *new(V), &Error{Op: op, Status: StatusFactoryFailed,
			Message:  "factory failed for " + key.Label() + ": " + err.Error(),
			sentinel: ErrFactoryFailed, cause: err})
		return
	}
	// If Close comes between the landing and settle, the callers already
	// have ErrClosed, and the cache took the value and released it.
	v, err = c.land(op, key, v, ttl)
	fl.settle(f, v, err)
}

// land inserts a factory's value through the core (with its lifetime) and
// returns the value the callers get. When a Set of the key landed while
// the factory ran, the resident value wins and v, which the cache did not
// take, is told to OnEvict as Replaced and released at once (the core does
// the same); when the cache is closed it is released at once.
func (c *Cache[V]) land(op string, key *Key, v V, lifetime time.Duration) (V, error) {
	var zero V
	tok, ok := c.enter()
	if !ok {
		c.st.releaseUnused(v)
		return zero, closedError(op)
	}
	defer c.exit(tok)
	kp := key.raw()
	var ttl C.uint64_t
	switch {
	case lifetime < 0:
		ttl = 1 // stale already: expires at once
	default:
		ttl, _ = entryTTL(op, lifetime)
	}
	for {
		id := c.st.newValue(v)
		r := C.cc_cache_insert(c.ptr, kp, C.uintptr_t(id), ttl)
		if r.status == C.CLIENTCACHE_STATUS_OK {
			return v, nil
		}
		c.st.dropValue(id)
		if r.status != C.CLIENTCACHE_STATUS_EXISTS {
			c.st.releaseUnused(v)
			return zero, statusError(op, r.status, r.text, r.text_len)
		}
		freeText(r.text)
		// Read the resident value without promoting it or counting a
		// lookup, as the core's own landing does.
		if rr := C.cc_cache_lookup_fast(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(kp)), C.CC_OP_PEEK, 0); rr != 0 {
			resident := value[V](rr)
			c.st.replaced(key, v)
			c.st.releaseUnused(v)
			return resident, nil
		}
		// Removed again in between: insert after all.
	}
}

// peek is the key's value, if present, without promoting it or counting a
// lookup.
func (c *Cache[V]) peek(op string, key *Key) (V, bool, error) {
	var zero V
	tok, ok := c.enter()
	if !ok {
		return zero, false, closedError(op)
	}
	defer c.exit(tok)
	r := C.cc_cache_lookup_fast(addr(unsafe.Pointer(c.ptr)), addr(unsafe.Pointer(key.raw())), C.CC_OP_PEEK, 0)
	runtime.KeepAlive(key)
	if r == 0 {
		return zero, false, nil
	}
	return value[V](r), true, nil
}

// releaseUnused hands a factory's value that the cache did not take to the
// OnRelease function.
func (st *state[V]) releaseUnused(v V) {
	f := st.onRelease
	if f == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(os.Stderr, "clientcache: OnRelease callback panicked: %v\n", p)
		}
	}()
	f(v)
}
