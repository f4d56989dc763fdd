package clientcache_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

// A cache dropped without Close is freed by its finalizer, which releases
// its values; Close is still the way to do it on time.
func TestFinalizerIsASafetyNet(t *testing.T) {
	var released atomic.Int64
	func() {
		c, err := clientcache.NewClientCache[*int](clientcache.WithOnRelease(func(*int) { released.Add(1) }))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if err := c.Set(mustKey(t, "s3", clientcache.Params{"config": map[string]any{"i": i}}), ptr(i)); err != nil {
				t.Fatal(err)
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for released.Load() < 3 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if released.Load() != 3 {
		t.Fatalf("released %d of 3 after the cache became unreachable", released.Load())
	}
}

// No handle is left behind: after Close every value the core took has been
// released, including values displaced by a concurrent Set and values
// whose Set failed.
func TestNoHandleLeft(t *testing.T) {
	c := newIntCache(t, nil, clientcache.WithMaxSize(2))
	k := regionKey(t, "a")
	c.Set(k, ptr(1))
	c.Set(k, ptr(2)) // ErrExists: the binding drops its handle
	c.GetOrCreate(regionKey(t, "b"), func() (*int, error) { return ptr(3), nil })
	c.GetOrCreate(regionKey(t, "c"), func() (*int, error) { panic("no") })
	c.Set(regionKey(t, "d"), ptr(4))
	if n := clientcache.LiveValues(c); n != 2 {
		t.Fatalf("%d live values, want the 2 resident", n)
	}
	c.Close()
	if n := clientcache.LiveValues(c); n != 0 {
		t.Fatalf("%d values still live after Close", n)
	}
	if n := clientcache.PendingHandles(c); n != 0 {
		t.Fatalf("%d released handles not deleted after Close", n)
	}
}

// A call in flight holds back the deletion of the handles released after it
// started (it might be reading one), but not their release; both catch up
// after.
func TestGracePeriodWaitsForSlowCalls(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(1))
	release := clientcache.HoldCall(c)
	for i := 0; i < 20; i++ {
		if err := c.Set(regionKey(t, fmt.Sprint("k", i)), ptr(i)); err != nil {
			t.Fatal(err)
		}
	}
	if log.total.Load() != 19 {
		t.Fatalf("released %d of 19 evicted values", log.total.Load())
	}
	if n := clientcache.PendingHandles(c); n < 19 {
		t.Fatalf("%d of 19 handles pending: deleted while a call that started before their release is in flight", n)
	}
	release()
	c.Close()
	if n := clientcache.PendingHandles(c); n != 0 || log.total.Load() != 20 {
		t.Fatalf("after Close: %d pending, %d released of 20", n, log.total.Load())
	}
}

// Callers waiting for a GetOrCreate build are parked outside any call: a
// slow factory does not hold back the deletion of released handles.
func TestWaitingHoldsNoHandles(t *testing.T) {
	log := newReleaseLog(t)
	c := newIntCache(t, log, clientcache.WithMaxSize(1))
	inFactory, finish := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	slow := regionKey(t, "slow")
	go func() {
		_, err := c.GetOrCreate(slow, func() (*int, error) {
			close(inFactory)
			<-finish
			return ptr(1000), nil
		})
		done <- err
	}()
	<-inFactory
	for i := 0; i < 20; i++ {
		if err := c.Set(regionKey(t, fmt.Sprint("k", i)), ptr(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := clientcache.PendingHandles(c); n > 2 {
		t.Fatalf("%d handles pending while only a GetOrCreate waits", n)
	}
	close(finish)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.Close()
	if n := clientcache.PendingHandles(c); n != 0 || log.total.Load() != 21 {
		t.Fatalf("after Close: %d pending, %d released of 21", n, log.total.Load())
	}
}
