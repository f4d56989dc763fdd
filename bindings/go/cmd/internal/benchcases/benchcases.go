// Package benchcases holds the benchmark bodies shared by `go test -bench`
// (its bench_test.go) and cmd/clientcache-bench, which runs them in one
// process and prints the ratios against the binding's performance targets.
package benchcases

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

const entries = 10

// DemoOptions are the options of the demo key (`make demo`).
func DemoOptions() []awscache.Option {
	return []awscache.Option{
		awscache.WithRegion("us-west-2"),
		awscache.WithRetries(aws.RetryModeStandard, 4),
		awscache.WithStaticCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
	}
}

// GetHit: Cache.Get of a present key in a full cache of 10.
func GetHit(b *testing.B) {
	c, keys := hitCache(b)
	defer c.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Get(keys[i%entries]); err != nil {
			b.Fatal(err)
		}
	}
}

// hitCache is a full cache of 10 with its keys, as GetHit uses it.
func hitCache(b *testing.B) (*clientcache.Cache[*int], []*clientcache.Key) {
	c, err := clientcache.NewClientCache[*int](clientcache.WithMaxSize(entries))
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]*clientcache.Key, entries)
	for i := range keys {
		k, err := clientcache.NewClientKey("s3", clientcache.Params{"region_name": fmt.Sprintf("region-%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		v := i
		if err := c.Set(k, &v); err != nil {
			b.Fatal(err)
		}
		keys[i] = k
	}
	return c, keys
}

// GetOrCreateHit: Cache.GetOrCreate of a present key, GetHit's workload.
func GetOrCreateHit(b *testing.B) {
	c, keys := hitCache(b)
	defer c.Close()
	create := func() (*int, error) { b.Fatal("miss"); return nil, nil }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetOrCreate(keys[i%entries], create); err != nil {
			b.Fatal(err)
		}
	}
}

// GetOrCreateContextHit: Cache.GetOrCreateContext of a present key,
// GetHit's workload.
func GetOrCreateContextHit(b *testing.B) {
	c, keys := hitCache(b)
	defer c.Close()
	ctx := context.Background()
	create := func(context.Context) (*int, error) { b.Fatal("miss"); return nil, nil }
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.GetOrCreateContext(ctx, keys[i%entries], create); err != nil {
			b.Fatal(err)
		}
	}
}

// GetHitGolangLRU: the same workload on hashicorp/golang-lru/v2, keyed by
// the keys' fingerprints.
func GetHitGolangLRU(b *testing.B) {
	c, err := lru.New[string, *int](entries)
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, entries)
	for i := range keys {
		k, err := clientcache.NewClientKey("s3", clientcache.Params{"region_name": fmt.Sprintf("region-%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		v := i
		keys[i] = k.Fingerprint()
		c.Add(keys[i], &v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := c.Get(keys[i%entries]); !ok {
			b.Fatal("miss")
		}
	}
}

// CachedS3Lookup: awscache.S3 with the demo options, a hit every time.
func CachedS3Lookup(b *testing.B) {
	sess, err := awscache.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	ctx := context.Background()
	first, err := awscache.S3(ctx, sess, DemoOptions()...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := awscache.S3(ctx, sess, DemoOptions()...)
		if err != nil || c != first {
			b.Fatal("not the cached client", err)
		}
	}
}

// Region is the region of the natural call site benchmark, a variable as a
// caller's would be.
var Region = "us-west-2"

// S3RegionPerCall: awscache.S3(ctx, sess, awscache.WithRegion(r)), the
// option built on every call as a caller writes it; a hit every time.
func S3RegionPerCall(b *testing.B) {
	sess, err := awscache.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	ctx := context.Background()
	first, err := awscache.S3(ctx, sess, awscache.WithRegion(Region))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := awscache.S3(ctx, sess, awscache.WithRegion(Region))
		if err != nil || c != first {
			b.Fatal("not the cached client", err)
		}
	}
}

// CachedS3LookupPrebuilt: CachedS3Lookup with the options built once,
// before the loop.
func CachedS3LookupPrebuilt(b *testing.B) {
	sess, err := awscache.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Close()
	ctx := context.Background()
	opts := DemoOptions()
	first, err := awscache.S3(ctx, sess, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := awscache.S3(ctx, sess, opts...)
		if err != nil || c != first {
			b.Fatal("not the cached client", err)
		}
	}
}

// CreateS3Client: what the cache saves, config.LoadDefaultConfig +
// s3.NewFromConfig with the same settings on every call.
func CreateS3Client(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if c, err := NewS3Client(ctx); err != nil || c == nil {
			b.Fatal(err)
		}
	}
}

// NewS3Client builds an uncached client with the demo settings.
func NewS3Client(ctx context.Context) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-west-2"),
		config.WithRetryMode(aws.RetryModeStandard), config.WithRetryMaxAttempts(4),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(
			"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")))
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg), nil
}
