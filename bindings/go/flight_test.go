package clientcache_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

// threadCount is the number of OS threads of this process ("Threads:" in
// /proc/self/status).
func threadCount(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil {
				t.Fatalf("Threads line %q: %v", line, err)
			}
			return n
		}
	}
	t.Skip("no Threads line in /proc/self/status")
	return 0
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitersAre waits until n callers wait for key's build.
func waitersAre(t *testing.T, c *clientcache.Cache[*int], key *clientcache.Key, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d callers wait", n), func() bool {
		w, _ := clientcache.Waiters(c, key)
		return w == n
	})
}

// 1 000 goroutines waiting for one slow factory, half of them through
// GetOrCreate and half through GetOrCreateContext, are parked goroutines:
// the process gains no more than a handful of OS threads (it gained one
// per waiter when they waited inside the core).
func TestWaitersPinNoThreads(t *testing.T) {
	const waiters = 1000
	c := newIntCache(t, nil)
	key := regionKey(t, "threads")
	started, finish := make(chan struct{}), make(chan struct{})
	var builds atomic.Int64
	create := func() (*int, error) {
		builds.Add(1)
		close(started)
		<-finish
		return ptr(42), nil
	}
	runtime.GC()
	before := threadCount(t)
	createdBefore := pprof.Lookup("threadcreate").Count()

	results := make([]*int, waiters)
	errs := make([]error, waiters)
	var wg sync.WaitGroup
	call := func(i int) {
		defer wg.Done()
		if i%2 == 0 {
			results[i], errs[i] = c.GetOrCreate(key, create)
		} else {
			results[i], errs[i] = c.GetOrCreateContext(context.Background(), key,
				func(context.Context) (*int, error) { return create() })
		}
	}
	wg.Add(1)
	go call(0)
	<-started
	for i := 1; i < waiters; i++ {
		wg.Add(1)
		go call(i)
	}
	waitersAre(t, c, key, waiters)
	// Hold them there for 500 ms, sampling the thread count.
	peak := threadCount(t)
	for end := time.Now().Add(500 * time.Millisecond); time.Now().Before(end); time.Sleep(25 * time.Millisecond) {
		peak = max(peak, threadCount(t))
	}
	created := pprof.Lookup("threadcreate").Count() - createdBefore
	close(finish)
	wg.Wait()

	t.Logf("%d waiters on one factory: %d OS threads before, %d at most while they waited (+%d); %d threads created meanwhile",
		waiters, before, peak, peak-before, created)
	if peak-before > 10 {
		t.Errorf("%d waiters added %d OS threads (from %d to %d), want at most 10", waiters, peak-before, before, peak)
	}
	if created > 10 {
		t.Errorf("%d OS threads created while %d callers waited, want at most 10", created, waiters)
	}
	for i := range results {
		if errs[i] != nil || results[i] != results[0] || *results[0] != 42 {
			t.Fatalf("caller %d: %v %v", i, results[i], errs[i])
		}
	}
	if builds.Load() != 1 {
		t.Errorf("factory ran %d times", builds.Load())
	}
	st, _ := c.Stats()
	if st.Misses != waiters || st.Hits != 0 || st.Insertions != 1 {
		t.Errorf("stats %+v: want %d misses (one per caller, as the core counts waiters), 1 insertion", st, waiters)
	}
}

// caller is one GetOrCreateContext call of the cancellation tests.
type caller struct {
	ctx    context.Context
	cancel context.CancelFunc
	key    *clientcache.Key
	done   chan struct{}
	v      *int
	err    error
	left   time.Time // when its context was cancelled
	back   time.Time // when the call returned
}

// Random subsets of the callers of one build cancel their contexts, the
// first caller among them or not: each returns ctx.Err() at once, the
// build's context is cancelled only once all of them have gone, and the
// others get the value of the one factory run. When everyone leaves,
// nothing is cached and the next caller starts a new build (the factory
// runs exactly twice). Every caller has its own Key (equal ones), and a
// caller that left closes it.
func TestCancelSubsetsOfWaiters(t *testing.T) {
	for round := 0; round < 24; round++ {
		round := round
		t.Run(strconv.Itoa(round), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(round) + 1))
			n := 2 + rng.Intn(40)
			var leave []int // who cancels, in order
			switch round % 4 {
			case 0: // everyone, in random order
				leave = rng.Perm(n)
			case 1: // only the first caller
				leave = []int{0}
			case 2: // the first caller and a random subset
				leave = append([]int{0}, rng.Perm(n - 1)[:rng.Intn(n-1)]...)
				for i := 1; i < len(leave); i++ {
					leave[i]++
				}
				rng.Shuffle(len(leave), func(i, j int) { leave[i], leave[j] = leave[j], leave[i] })
			case 3: // all but one (the first caller may be among them)
				leave = rng.Perm(n)[:n-1]
			}
			// When everyone leaves, the factory either honours its context
			// or ignores it and returns a value anyway (released, not cached).
			ignoreCtx := round%8 == 4

			log := newReleaseLog(t)
			c := newIntCache(t, log)
			var builds atomic.Int64
			buildCtx := make(chan context.Context, 2)
			finish := make(chan struct{})
			factory := func(ctx context.Context) (*int, error) {
				id := int(builds.Add(1))
				buildCtx <- ctx
				if id > 1 {
					return ptr(id), nil
				}
				if ignoreCtx {
					<-finish
					return ptr(id), nil
				}
				select {
				case <-finish:
					return ptr(id), nil
				case <-ctx.Done():
					return nil, context.Cause(ctx)
				}
			}
			callers := make([]*caller, n)
			start := func(i int) {
				ctx, cancel := context.WithCancel(context.Background())
				cl := &caller{ctx: ctx, cancel: cancel, key: regionKey(t, "subsets"), done: make(chan struct{})}
				callers[i] = cl
				go func() {
					cl.v, cl.err = c.GetOrCreateContext(cl.ctx, cl.key, factory)
					cl.back = time.Now()
					close(cl.done)
				}()
			}
			start(0)
			bctx := <-buildCtx // the first caller started the build
			for i := 1; i < n; i++ {
				start(i)
			}
			waitersAre(t, c, callers[0].key, n)

			gone := map[int]bool{}
			for _, i := range leave {
				cl := callers[i]
				cl.left = time.Now()
				cl.cancel()
				select {
				case <-cl.done:
				case <-time.After(5 * time.Second):
					t.Fatalf("caller %d did not return after its context was cancelled", i)
				}
				if !errors.Is(cl.err, context.Canceled) || cl.v != nil {
					t.Fatalf("caller %d: %v, %v; want context.Canceled", i, cl.v, cl.err)
				}
				if d := cl.back.Sub(cl.left); d > time.Second {
					t.Errorf("caller %d returned %v after its context was cancelled", i, d)
				}
				cl.key.Close()
				gone[i] = true
				if len(gone) < n && bctx.Err() != nil {
					t.Fatalf("build context cancelled with %d of %d callers still waiting", n-len(gone), n)
				}
			}

			if len(gone) == n {
				select {
				case <-bctx.Done():
				case <-time.After(5 * time.Second):
					t.Fatal("every caller left, the build context was not cancelled")
				}
				if cause := context.Cause(bctx); !errors.Is(cause, context.Canceled) || errors.Is(cause, clientcache.ErrClosed) {
					t.Fatalf("cause %v", cause)
				}
				key := regionKey(t, "subsets")
				if _, building := clientcache.Waiters(c, key); building {
					t.Fatal("abandoned build still in the table")
				}
				if c.Contains(key) {
					t.Fatal("abandoned build cached")
				}
				// The next caller starts a new build, while the abandoned
				// factory may still run.
				v, err := c.GetOrCreateContext(context.Background(), key, factory)
				if err != nil || *v != 2 {
					t.Fatalf("new build: %v %v", v, err)
				}
				close(finish)
				if builds.Load() != 2 {
					t.Fatalf("factory ran %d times, want 2", builds.Load())
				}
				if ignoreCtx {
					waitFor(t, "the abandoned value is released", func() bool { return log.count(1) == 1 })
				}
				if got, _ := c.Peek(key); got != v {
					t.Fatal("the abandoned factory's value replaced the new one")
				}
				st, _ := c.Stats()
				if st.Misses != uint64(n+1) || st.Insertions != 1 {
					t.Fatalf("stats %+v", st)
				}
				return
			}

			close(finish)
			var value *int
			for i, cl := range callers {
				if gone[i] {
					continue
				}
				<-cl.done
				if cl.err != nil || cl.v == nil || *cl.v != 1 || (value != nil && cl.v != value) {
					t.Fatalf("caller %d: %v %v", i, cl.v, cl.err)
				}
				value = cl.v
			}
			if builds.Load() != 1 {
				t.Fatalf("factory ran %d times, want 1", builds.Load())
			}
			if bctx.Err() != nil {
				t.Fatalf("build context cancelled (%v) with callers waiting", context.Cause(bctx))
			}
			if !c.Contains(regionKey(t, "subsets")) {
				t.Fatal("value not cached")
			}
			st, _ := c.Stats()
			if st.Misses != uint64(n) || st.Hits != 0 || st.Insertions != 1 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// A caller's deadline ends only its own wait.
func TestWaiterDeadline(t *testing.T) {
	c := newIntCache(t, nil)
	key := regionKey(t, "deadline")
	started, finish := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		_, err := c.GetOrCreateContext(context.Background(), key, func(ctx context.Context) (*int, error) {
			close(started)
			<-finish
			return ptr(7), nil
		})
		first <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	_, err := c.GetOrCreateContext(ctx, key, func(context.Context) (*int, error) { t.Error("second build"); return nil, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("returned %v after a 30 ms deadline", d)
	}
	close(finish)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// A hit answers whatever the state of ctx.
	if v, err := c.GetOrCreateContext(ctx, key, func(context.Context) (*int, error) { return nil, nil }); err != nil || *v != 7 {
		t.Fatalf("hit with a done context: %v %v", v, err)
	}
}

// A miss with a context already done returns its error and starts nothing.
func TestDoneContextOnMiss(t *testing.T) {
	c := newIntCache(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	key := regionKey(t, "done")
	_, err := c.GetOrCreateContext(ctx, key, func(context.Context) (*int, error) {
		t.Error("factory ran for a done context")
		return ptr(1), nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if _, building := clientcache.Waiters(c, key); building || c.Contains(key) {
		t.Fatal("a build was started")
	}
	var nilCtx context.Context
	if _, err := c.GetOrCreateContext(nilCtx, key, func(context.Context) (*int, error) { return ptr(1), nil }); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("nil context: %v", err)
	}
	if _, err := c.GetOrCreateContext(context.Background(), key, nil); !errors.Is(err, clientcache.ErrInvalidArgument) {
		t.Fatalf("nil create: %v", err)
	}
}

// The build's context carries the first caller's values, not its deadline.
func TestBuildContextValues(t *testing.T) {
	type ctxKey struct{}
	c := newIntCache(t, nil)
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), ctxKey{}, "trace-1"), time.Minute)
	defer cancel()
	var got context.Context
	if _, err := c.GetOrCreateContext(ctx, regionKey(t, "values"), func(ctx context.Context) (*int, error) {
		got = ctx
		return ptr(1), nil
	}); err != nil {
		t.Fatal(err)
	}
	if got.Value(ctxKey{}) != "trace-1" {
		t.Error("the build context lost the caller's values")
	}
	if _, ok := got.Deadline(); ok {
		t.Error("the build context has the first caller's deadline")
	}
}

// A factory's error, panic or runtime.Goexit reaches every caller of the
// build as an error matching ErrFactoryFailed that wraps the factory's own
// error, under each caller's method name; nothing is cached and the next
// call builds again.
func TestFailureSharedByEveryCaller(t *testing.T) {
	boom := errors.New("no credentials")
	for _, mode := range []string{"error", "panic", "goexit"} {
		t.Run(mode, func(t *testing.T) {
			const n = 50
			c := newIntCache(t, nil)
			key := regionKey(t, "fail-"+mode)
			started, finish := make(chan struct{}), make(chan struct{})
			var runs atomic.Int64
			create := func() (*int, error) {
				runs.Add(1)
				close(started)
				<-finish
				switch mode {
				case "panic":
					panic("factory exploded")
				case "goexit":
					runtime.Goexit()
				}
				return nil, boom
			}
			errs := make([]error, n)
			var wg sync.WaitGroup
			call := func(i int) {
				defer wg.Done()
				if i%2 == 0 {
					_, errs[i] = c.GetOrCreate(key, create)
				} else {
					_, errs[i] = c.GetOrCreateContext(context.Background(), key,
						func(context.Context) (*int, error) { return create() })
				}
			}
			wg.Add(1)
			go call(0)
			<-started
			for i := 1; i < n; i++ {
				wg.Add(1)
				go call(i)
			}
			waitersAre(t, c, key, n)
			close(finish)
			wg.Wait()
			for i, err := range errs {
				var ce *clientcache.Error
				if !errors.Is(err, clientcache.ErrFactoryFailed) || !errors.As(err, &ce) {
					t.Fatalf("caller %d: %v", i, err)
				}
				wantOp := map[bool]string{true: "GetOrCreate", false: "GetOrCreateContext"}[i%2 == 0]
				if ce.Op != wantOp || ce.Status != clientcache.StatusFactoryFailed {
					t.Errorf("caller %d: op %q status %v", i, ce.Op, ce.Status)
				}
				switch mode {
				case "error":
					if !errors.Is(err, boom) {
						t.Errorf("caller %d does not see the factory's error: %v", i, err)
					}
				case "panic":
					if !strings.Contains(err.Error(), "factory exploded") {
						t.Errorf("caller %d: %v", i, err)
					}
				case "goexit":
					if !strings.Contains(err.Error(), "Goexit") {
						t.Errorf("caller %d: %v", i, err)
					}
				}
			}
			if runs.Load() != 1 {
				t.Errorf("factory ran %d times", runs.Load())
			}
			if c.Contains(key) {
				t.Fatal("failure cached")
			}
			v, err := c.GetOrCreate(key, func() (*int, error) { return ptr(2), nil })
			if err != nil || *v != 2 {
				t.Fatalf("next call: %v %v", v, err)
			}
		})
	}
}

// A Set of the key while its factory runs wins: every caller gets the Set
// value, and the factory's value is released at once, not counted as an
// insertion.
func TestSetDuringBuildWins(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log)
	key := regionKey(t, "race")
	started, finish := make(chan struct{}), make(chan struct{})
	results := make(chan *int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			v, err := c.GetOrCreateContext(context.Background(), key, func(context.Context) (*int, error) {
				close(started)
				<-finish
				return ptr(100), nil
			})
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
		if i == 0 {
			<-started
		}
	}
	waitersAre(t, c, key, 2)
	set := ptr(1)
	if err := c.Set(key, set); err != nil {
		t.Fatal(err)
	}
	close(finish)
	for i := 0; i < 2; i++ {
		if v := <-results; v != set {
			t.Fatalf("caller got %v, want the Set value", *v)
		}
	}
	if log.count(100) != 1 {
		t.Fatalf("the factory's value was released %d times, want once", log.count(100))
	}
	st, _ := c.Stats()
	if st.Insertions != 1 || st.Len != 1 {
		t.Fatalf("stats %+v", st)
	}
	if n := clientcache.LiveValues(c); n != 1 {
		t.Fatalf("%d live values", n)
	}
}

// A factory that waits for its own key — directly, through another key's
// factory, through another cache, or from a goroutine it started with its
// context — gets ErrInvalidArgument instead of waiting forever.
func TestReentrantFactory(t *testing.T) {
	c := newIntCache(t, nil)
	other := newIntCache(t, nil)
	one := func(context.Context) (*int, error) { return ptr(1), nil }
	isInvalid := func(what string, err error) error {
		if !errors.Is(err, clientcache.ErrInvalidArgument) {
			return fmt.Errorf("%s: %v, want ErrInvalidArgument", what, err)
		}
		return nil
	}
	cases := map[string]func(a, b *clientcache.Key) func(ctx context.Context) (*int, error){
		"own key with its context": func(a, _ *clientcache.Key) func(ctx context.Context) (*int, error) {
			return func(ctx context.Context) (*int, error) {
				_, err := c.GetOrCreateContext(ctx, a, one)
				return ptr(2), isInvalid("inner", err)
			}
		},
		"own key without its context": func(a, _ *clientcache.Key) func(ctx context.Context) (*int, error) {
			return func(context.Context) (*int, error) {
				_, err := c.GetOrCreateContext(context.Background(), a, one)
				return ptr(2), isInvalid("inner", err)
			}
		},
		"through another key": func(a, b *clientcache.Key) func(ctx context.Context) (*int, error) {
			return func(context.Context) (*int, error) {
				v, err := c.GetOrCreate(b, func() (*int, error) {
					_, err := c.GetOrCreate(a, func() (*int, error) { return ptr(1), nil })
					return ptr(3), isInvalid("innermost", err)
				})
				if err != nil {
					return nil, err
				}
				return v, nil
			}
		},
		"through another cache": func(a, b *clientcache.Key) func(ctx context.Context) (*int, error) {
			return func(ctx context.Context) (*int, error) {
				return other.GetOrCreateContext(ctx, b, func(ctx context.Context) (*int, error) {
					_, err := c.GetOrCreateContext(ctx, a, one)
					return ptr(4), isInvalid("innermost", err)
				})
			}
		},
		"from a goroutine with its context": func(a, _ *clientcache.Key) func(ctx context.Context) (*int, error) {
			return func(ctx context.Context) (*int, error) {
				errc := make(chan error)
				go func() {
					_, err := c.GetOrCreateContext(ctx, a, one)
					errc <- err
				}()
				return ptr(5), isInvalid("inner", <-errc)
			}
		},
	}
	i := 0
	for name, factory := range cases {
		i++
		a, b := regionKey(t, fmt.Sprint("re-a", i)), regionKey(t, fmt.Sprint("re-b", i))
		done := make(chan error)
		go func() {
			_, err := c.GetOrCreateContext(context.Background(), a, factory(a, b))
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: deadlock", name)
		}
	}
}

// Close gives ErrClosed to every waiting caller at once, cancels the build
// (cause: ErrClosed) and waits for the factory; a value that arrives after
// Close is released at once.
func TestCloseDuringBuild(t *testing.T) {
	log := newReleaseLog(t)
	c, err := clientcache.NewClientCache[*int](clientcache.WithOnRelease(log.onRelease))
	if err != nil {
		t.Fatal(err)
	}
	key := regionKey(t, "close")
	started := make(chan context.Context)
	var factoryReturned atomic.Bool
	const n = 20
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := c.GetOrCreateContext(context.Background(), key, func(ctx context.Context) (*int, error) {
				started <- ctx
				<-ctx.Done()
				time.Sleep(20 * time.Millisecond) // returns a little after the cancellation
				factoryReturned.Store(true)
				return ptr(9), nil // a value anyway
			})
			errs <- err
		}()
	}
	bctx := <-started
	waitersAre(t, c, key, n)
	c.Close()
	if !factoryReturned.Load() {
		t.Error("Close returned before the factory")
	}
	for i := 0; i < n; i++ {
		if err := <-errs; !errors.Is(err, clientcache.ErrClosed) {
			t.Fatalf("waiter: %v", err)
		}
	}
	if !errors.Is(context.Cause(bctx), clientcache.ErrClosed) || !errors.Is(context.Cause(bctx), context.Canceled) {
		t.Fatalf("cause %v", context.Cause(bctx))
	}
	if log.count(9) != 1 {
		t.Fatalf("value built during Close released %d times", log.count(9))
	}
	if n := clientcache.LiveValues(c); n != 0 {
		t.Fatalf("%d live values", n)
	}
	if _, err := c.GetOrCreateContext(context.Background(), key, func(context.Context) (*int, error) { return ptr(1), nil }); !errors.Is(err, clientcache.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// Callers with random deadlines, factories of random length, and Set,
// Remove and Get racing with them on a few keys: every call returns a value
// or its own context's error (or ErrExists / ErrNotFound for Set / Remove),
// and after Close every value a factory or Set produced has been released
// exactly once.
func TestCancellationHammer(t *testing.T) {
	const goroutines, iterations, nkeys = 32, 150, 4
	log := newReleaseLog(t)
	c, err := clientcache.NewClientCache[*int](clientcache.WithMaxSize(3), clientcache.WithOnRelease(log.onRelease))
	if err != nil {
		t.Fatal(err)
	}
	ks := make([]*clientcache.Key, nkeys)
	for i := range ks {
		ks[i] = regionKey(t, fmt.Sprint("hammer-", i))
	}
	var nextID, taken, timedOut, got atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for i := 0; i < iterations; i++ {
				k := ks[rng.Intn(nkeys)]
				switch rng.Intn(8) {
				case 0:
					if err := c.Set(k, ptr(int(nextID.Add(1)))); err == nil {
						taken.Add(1)
					} else if !errors.Is(err, clientcache.ErrExists) {
						t.Errorf("Set: %v", err)
					}
				case 1:
					if _, err := c.Remove(k); err != nil && !errors.Is(err, clientcache.ErrNotFound) {
						t.Errorf("Remove: %v", err)
					}
				default:
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.Intn(3000))*time.Microsecond)
					sleep := time.Duration(rng.Intn(2000)) * time.Microsecond
					v, err := c.GetOrCreateContext(ctx, k, func(ctx context.Context) (*int, error) {
						id := int(nextID.Add(1))
						taken.Add(1)
						time.Sleep(sleep)
						return ptr(id), nil
					})
					switch {
					case err == nil && (v == nil || *v <= 0):
						t.Errorf("GetOrCreateContext returned %v", v)
					case err == nil:
						got.Add(1)
					case errors.Is(err, context.DeadlineExceeded):
						timedOut.Add(1)
					default:
						t.Errorf("GetOrCreateContext: %v", err)
					}
					cancel()
				}
			}
		}(int64(g))
	}
	wg.Wait()
	c.Close() // waits for the builds still running
	if got := log.total.Load(); got != taken.Load() || taken.Load() == 0 {
		t.Errorf("released %d values, factories and Set produced %d", got, taken.Load())
	}
	if n := clientcache.LiveValues(c); n != 0 {
		t.Errorf("%d values live after Close", n)
	}
	t.Logf("%d values, %d timeouts, %d values built", got.Load(), timedOut.Load(), taken.Load())
}
