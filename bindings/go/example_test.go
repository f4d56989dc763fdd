package clientcache_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
)

// A key is (kind, service, params). Its fingerprint is the same in every
// language; its label never shows a secret.
func ExampleNewClientKey() {
	key, err := clientcache.NewClientKey("s3", clientcache.Params{
		"region_name":           "us-west-2",
		"config":                map[string]any{"retries": map[string]any{"max_attempts": 3, "mode": "standard"}},
		"aws_access_key_id":     "AKIAIOSFODNN7EXAMPLE",
		"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	})
	if err != nil {
		panic(err)
	}
	defer key.Close()
	fmt.Println(key.Fingerprint())
	fmt.Println(key.Label())

	// Raw JSON gives the same key: member order and 3 vs 3.0 do not matter.
	same, _ := clientcache.NewClientKeyJSON("s3", []byte(`{"aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","region_name":"us-west-2",
		"config":{"retries":{"mode":"standard","max_attempts":3.0}}}`))
	fmt.Println(key.Equal(same))
	// Output:
	// 93150262fafa44c049ea601ff3aa03df
	// s3(aws_access_key_id=***, aws_secret_access_key=***, config={"retries":{"max_attempts":3,"mode":"standard"}}, region_name="us-west-2")
	// true
}

// An LRU cache of two: the least recently used entry is evicted; Set on a
// present key is ErrExists and Get on a missing one ErrNotFound.
func ExampleCache() {
	cache, err := clientcache.NewClientCache[string](clientcache.WithMaxSize(2))
	if err != nil {
		panic(err)
	}
	defer cache.Close()
	west, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "us-west-2"})
	east, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "us-east-1"})
	eu, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "eu-west-1"})

	cache.Set(west, "client for us-west-2")
	cache.Set(east, "client for us-east-1")
	v, _ := cache.Get(west) // west is now the most recent
	fmt.Println(v)
	cache.Set(eu, "client for eu-west-1") // evicts east

	keys, _ := cache.Keys() // victim order
	for _, k := range keys {
		fmt.Println(k)
	}
	err = cache.Set(west, "another")
	fmt.Println(errors.Is(err, clientcache.ErrExists))
	_, err = cache.Get(east)
	fmt.Println(errors.Is(err, clientcache.ErrNotFound))
	st, _ := cache.Stats()
	fmt.Printf("hits %d, misses %d, evictions %d\n", st.Hits, st.Misses, st.Evictions)
	// Output:
	// client for us-west-2
	// s3(region_name="us-west-2")
	// s3(region_name="eu-west-1")
	// true
	// true
	// hits 1, misses 1, evictions 1
}

// Under LFU the least frequently used entry goes first, whatever its
// recency.
func ExampleWithPolicy() {
	cache, _ := clientcache.NewClientCache[int](clientcache.WithMaxSize(2), clientcache.WithPolicy(clientcache.LFU))
	defer cache.Close()
	a, _ := clientcache.NewClientKey("sqs", clientcache.Params{"region_name": "us-west-2"})
	b, _ := clientcache.NewClientKey("sqs", clientcache.Params{"region_name": "us-east-1"})
	c, _ := clientcache.NewClientKey("sqs", clientcache.Params{"region_name": "eu-west-1"})
	cache.Set(a, 1)
	cache.Set(b, 2)
	cache.Get(a)
	cache.Get(a)
	cache.Get(b) // b is the most recent, but used less than a
	cache.Set(c, 3)
	fmt.Println(cache.Contains(a), cache.Contains(b), cache.Contains(c))
	// Output: true false true
}

// GetOrCreate builds a missing value once, even with concurrent callers;
// a failing factory caches nothing and fails every waiter.
func ExampleCache_GetOrCreate() {
	cache, _ := clientcache.NewClientCache[string]()
	defer cache.Close()
	key, _ := clientcache.NewClientKey("dynamodb", clientcache.Params{"region_name": "eu-central-1"})

	builds := 0
	create := func() (string, error) { builds++; return "a dynamodb client", nil }
	v1, _ := cache.GetOrCreate(key, create)
	v2, _ := cache.GetOrCreate(key, create)
	fmt.Println(v1, v2 == v1, builds)

	other, _ := clientcache.NewClientKey("dynamodb", nil)
	_, err := cache.GetOrCreate(other, func() (string, error) { return "", errors.New("no credentials") })
	fmt.Println(errors.Is(err, clientcache.ErrFactoryFailed), cache.Contains(other))
	// Output:
	// a dynamodb client true 1
	// true false
}

// GetOrCreateContext: callers of a key that is being built wait for that
// one build, each until its own context ends. A caller that gives up gets
// its context's error at once; the build goes on, and the others get the
// value.
func ExampleCache_GetOrCreateContext() {
	cache, _ := clientcache.NewClientCache[string]()
	defer cache.Close()
	key, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "eu-west-1"})

	started, ready := make(chan struct{}), make(chan struct{})
	build := func(ctx context.Context) (string, error) {
		close(started)
		select {
		case <-ready: // e.g. config.LoadDefaultConfig(ctx, ...)
			return "an s3 client", nil
		case <-ctx.Done(): // every caller has left
			return "", context.Cause(ctx)
		}
	}
	first := make(chan string)
	go func() {
		v, _ := cache.GetOrCreateContext(context.Background(), key, build)
		first <- v
	}()
	<-started

	hurried, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := cache.GetOrCreateContext(hurried, key, build) // waits 10 ms for the build
	fmt.Println(errors.Is(err, context.DeadlineExceeded))

	close(ready)
	fmt.Println(<-first)
	v, _ := cache.GetOrCreateContext(hurried, key, build) // a hit, whatever the context
	fmt.Println(v)
	// Output:
	// true
	// an s3 client
	// an s3 client
}

// Every value the cache took is handed to WithOnRelease exactly once, when
// it has left the cache.
func ExampleWithOnRelease() {
	cache, _ := clientcache.NewClientCache[string](clientcache.WithMaxSize(1),
		clientcache.WithOnRelease(func(v string) { fmt.Println("released", v) }))
	a, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "us-west-2"})
	b, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": "us-east-1"})
	cache.Set(a, "A")
	cache.Set(b, "B") // evicts A
	cache.Close()     // releases B
	// Output:
	// released A
	// released B
}

// Diff says why two keys are different clients, path by path; secrets show
// only as "***".
func ExampleKey_Diff() {
	a, _ := clientcache.NewClientKey("s3", clientcache.Params{
		"region_name":           "us-west-2",
		"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	})
	b, _ := clientcache.NewClientKey("s3", clientcache.Params{
		"region_name":           "eu-west-1",
		"endpoint_url":          "http://127.0.0.1:9000",
		"aws_secret_access_key": "another-secret",
	})
	diffs, err := a.Diff(b)
	if err != nil {
		panic(err)
	}
	for _, d := range diffs {
		fmt.Println(d)
	}
	same, _ := a.Diff(a)
	fmt.Println(len(same))
	// Output:
	// aws_secret_access_key: "***" -> "***"
	// endpoint_url: (absent) -> "http://127.0.0.1:9000"
	// region_name: "us-west-2" -> "eu-west-1"
	// 0
}

// WithOnEvict is told once about every value that leaves, with the cause;
// WithTTL and SetWithTTL give entries lifetimes, and expired entries are
// the first victims.
func ExampleWithOnEvict() {
	cache, _ := clientcache.NewClientCache[string](
		clientcache.WithMaxSize(2),
		clientcache.WithTTL(time.Hour), // every entry, unless it has its own lifetime
		clientcache.WithOnEvict(func(key *clientcache.Key, v string, cause clientcache.Cause) {
			fmt.Println(v, cause) // never under the cache's lock: may use the cache
		}))
	key := func(region string) *clientcache.Key {
		k, _ := clientcache.NewClientKey("s3", clientcache.Params{"region_name": region})
		return k
	}
	_ = cache.Set(key("us-east-1"), "a")
	_ = cache.SetWithTTL(key("us-west-2"), "b", clientcache.NoExpiry)
	_ = cache.Set(key("eu-west-1"), "c") // evicts a, the least recently used
	_, _ = cache.Remove(key("us-west-2"))
	cache.Close() // c leaves with the cache
	st, _ := cache.Stats()
	fmt.Println(st.Expirations, cache.PurgeExpired()) // closed: zero values
	// Output:
	// a Evicted
	// b Removed
	// c Cleared
	// 0 0
}
