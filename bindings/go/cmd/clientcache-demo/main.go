// Command clientcache-demo is the Go section of `make demo`: it
// builds the demo key through the Go API and prints its fingerprint and
// label, caches real aws-sdk-go-v2 S3 clients, shows a hit, an LRU and an
// LFU eviction, the exists and not-found errors and the stats, then measures
// building the client on every call against the cached lookup. It needs no
// network and no AWS account.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

const (
	accessKey = "AKIAIOSFODNN7EXAMPLE"
	secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "clientcache-demo:", err)
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "clientcache-demo:", err)
		os.Exit(1)
	}
}

// row prints one aligned line of a section.
func row(what, result string) { fmt.Printf("  %-40s %s\n", what, result) }

// newS3 builds a real client the way an application would, without the cache.
func newS3(ctx context.Context, region string) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(region),
		config.WithRetryMode(aws.RetryModeStandard), config.WithRetryMaxAttempts(4),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")))
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg), nil
}

func regionKey(region string) *clientcache.Key {
	k, err := clientcache.NewClientKey("s3", clientcache.Params{"region_name": region})
	check(err)
	return k
}

func shortErr(err error) string {
	var sentinel string
	switch {
	case errors.Is(err, clientcache.ErrExists):
		sentinel = "ErrExists"
	case errors.Is(err, clientcache.ErrNotFound):
		sentinel = "ErrNotFound"
	default:
		sentinel = "unexpected"
	}
	return sentinel + " — " + strings.TrimPrefix(err.Error(), "clientcache: ")
}

func run() error {
	ctx := context.Background()
	fmt.Printf("Go binding — clientcache %s over cgo, aws-sdk-go-v2, %s %s/%s\n\n",
		clientcache.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)

	// 1. The demo key, through the idiomatic API.
	key, err := clientcache.NewClientKey("s3", clientcache.Params{
		"region_name": "us-west-2",
		"config": map[string]any{
			"retries": map[string]any{"max_attempts": 3, "mode": "standard"},
		},
		"aws_access_key_id":     accessKey,
		"aws_secret_access_key": secretKey,
	})
	check(err)
	fmt.Println("Key: s3, us-west-2, standard retries (3), static credentials")
	fmt.Printf("  fingerprint: %s\n", key.Fingerprint())
	fmt.Printf("  label:       %s\n", key.Label())
	// The awscache options follow docs/identity.md: attempts are total
	// attempts (config.retries.total_max_attempts), the first included.
	viaOptions, err := awscache.Key("s3", awscache.WithRegion("us-west-2"),
		awscache.WithRetries(aws.RetryModeStandard, 4),
		awscache.WithStaticCredentials(accessKey, secretKey, ""))
	check(err)
	total, err := clientcache.NewClientKey("s3", clientcache.Params{
		"region_name": "us-west-2",
		"config": map[string]any{
			"retries": map[string]any{"total_max_attempts": 4, "mode": "standard"},
		},
		"aws_access_key_id":     accessKey,
		"aws_secret_access_key": secretKey,
	})
	check(err)
	fmt.Printf("  awscache options (4 attempts in all): %s, same key as total_max_attempts 4: %v\n\n",
		viaOptions.Fingerprint(), viaOptions.Equal(total))
	if !viaOptions.Equal(total) {
		return errors.New("awscache options gave another key")
	}

	// 2. Real SDK clients in a cache.
	fmt.Println("A cache of real *s3.Client values (LRU, max size 2)")
	lru, err := clientcache.NewClientCache[*s3.Client](clientcache.WithMaxSize(2))
	check(err)
	defer lru.Close()
	west, err := newS3(ctx, "us-west-2")
	check(err)
	check(lru.Set(key, west))
	row("Set demo key → new *s3.Client", fmt.Sprintf("cached (region %s)", west.Options().Region))
	got, err := lru.Get(key)
	check(err)
	row("Get demo key", fmt.Sprintf("hit, same client: %v", got == west))
	if got != west {
		return errors.New("hit returned another client")
	}
	eu, err := newS3(ctx, "eu-west-1")
	check(err)
	euKey := regionKey("eu-west-1")
	check(lru.Set(euKey, eu))
	row("Set eu-west-1 client", fmt.Sprintf("len %d", lru.Len()))
	_, err = lru.Get(key)
	check(err)
	row("Get demo key", "hit: it is now the most recent")
	ap, err := newS3(ctx, "ap-south-1")
	check(err)
	check(lru.Set(regionKey("ap-south-1"), ap))
	row("Set ap-south-1 client (over capacity)",
		fmt.Sprintf("LRU evicted eu-west-1: %v, demo key kept: %v", !lru.Contains(euKey), lru.Contains(key)))
	if lru.Contains(euKey) || !lru.Contains(key) {
		return errors.New("LRU evicted the wrong entry")
	}

	// 3. LFU: frequency beats recency.
	fmt.Println("\nThe same clients under LFU (max size 2)")
	lfu, err := clientcache.NewClientCache[*s3.Client](clientcache.WithMaxSize(2), clientcache.WithPolicy(clientcache.LFU))
	check(err)
	defer lfu.Close()
	check(lfu.Set(key, west))
	check(lfu.Set(euKey, eu))
	for i := 0; i < 2; i++ {
		_, err = lfu.Get(key)
		check(err)
	}
	_, err = lfu.Get(euKey)
	check(err)
	row("Set demo key, eu-west-1; Get ×2, Get ×1", "uses: demo key 3, eu-west-1 2 (most recent)")
	check(lfu.Set(regionKey("ap-south-1"), ap))
	row("Set ap-south-1 client (over capacity)",
		fmt.Sprintf("LFU evicted eu-west-1: %v, demo key kept: %v", !lfu.Contains(euKey), lfu.Contains(key)))
	if lfu.Contains(euKey) || !lfu.Contains(key) {
		return errors.New("LFU evicted the wrong entry")
	}

	// 4. Errors.
	fmt.Println("\nErrors")
	err = lru.Set(key, west)
	row("Set demo key again", shortErr(err))
	if !errors.Is(err, clientcache.ErrExists) {
		return fmt.Errorf("want ErrExists, got %v", err)
	}
	_, err = lru.Get(regionKey("sa-east-1"))
	row("Get a key never cached", shortErr(err))
	if !errors.Is(err, clientcache.ErrNotFound) {
		return fmt.Errorf("want ErrNotFound, got %v", err)
	}

	// 5. Stats.
	fmt.Println("\nStats")
	fmt.Printf("  %-6s %6s %6s %11s %10s %9s %4s %9s\n", "cache", "hits", "misses", "insertions", "evictions", "removals", "len", "max size")
	for _, c := range []struct {
		name string
		c    *clientcache.Cache[*s3.Client]
	}{{"LRU", lru}, {"LFU", lfu}} {
		st, err := c.c.Stats()
		check(err)
		fmt.Printf("  %-6s %6d %6d %11d %10d %9d %4d %9d\n", c.name, st.Hits, st.Misses, st.Insertions, st.Evictions, st.Removals, st.Len, st.MaxSize)
	}

	// 6. Building on every call vs the cached one-call lookup.
	return measure(ctx)
}

type result struct {
	perCall time.Duration
	bytes   float64
	allocs  float64
}

func timeIt(n int, f func() error) (result, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	for i := 0; i < n; i++ {
		if err := f(); err != nil {
			return result{}, err
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return result{
		perCall: elapsed / time.Duration(n),
		bytes:   float64(after.TotalAlloc-before.TotalAlloc) / float64(n),
		allocs:  float64(after.Mallocs-before.Mallocs) / float64(n),
	}, nil
}

func dur(d time.Duration) string {
	switch {
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d >= time.Microsecond:
		return fmt.Sprintf("%.2f µs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%d ns", d.Nanoseconds())
}

func human(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.2f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

func measure(ctx context.Context) error {
	sess, err := awscache.NewSession()
	check(err)
	defer sess.Close()
	opts := func() []awscache.Option {
		return []awscache.Option{awscache.WithRegion("us-west-2"),
			awscache.WithRetries(aws.RetryModeStandard, 4),
			awscache.WithStaticCredentials(accessKey, secretKey, "")}
	}
	first, err := awscache.S3(ctx, sess, opts()...)
	check(err)

	const buildCalls, cachedCalls = 300, 200000
	build, err := timeIt(buildCalls, func() error { _, err := newS3(ctx, "us-west-2"); return err })
	check(err)
	cached, err := timeIt(cachedCalls, func() error {
		c, err := awscache.S3(ctx, sess, opts()...)
		if err == nil && c != first {
			err = errors.New("cached lookup returned another client")
		}
		return err
	})
	check(err)

	// Memory an application keeps per extra client when it builds one per
	// use and holds on to them (heap growth after GC).
	const held = 100
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	clients := make([]*s3.Client, held)
	for i := range clients {
		clients[i], err = newS3(ctx, "us-west-2")
		check(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perClient := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / held
	runtime.KeepAlive(clients)

	fmt.Printf("\nBuilding the S3 client on every call vs the cached lookup (measured now)\n")
	fmt.Printf("  %-44s %11s %12s %12s\n", "per call", "time", "allocated", "allocations")
	fmt.Printf("  %-44s %11s %12s %12.0f\n", fmt.Sprintf("LoadDefaultConfig + s3.NewFromConfig (×%d)", buildCalls),
		dur(build.perCall), human(build.bytes), build.allocs)
	fmt.Printf("  %-44s %11s %12s %12.0f\n", fmt.Sprintf("awscache.S3, cached (×%d)", cachedCalls),
		dur(cached.perCall), human(cached.bytes), cached.allocs)
	fmt.Printf("  %-44s %10.0f×\n", "speed-up", float64(build.perCall)/float64(cached.perCall))
	fmt.Printf("  %-44s %11s\n", "heap kept per extra client (100 held)", human(perClient))
	return nil
}
