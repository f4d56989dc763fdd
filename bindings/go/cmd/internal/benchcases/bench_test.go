package benchcases_test

import (
	"testing"

	"github.com/clientcache/clientcache/bindings/go/cmd/internal/benchcases"
)

// `go test -bench .` in bindings/go/cmd/internal/benchcases runs the same
// bodies as cmd/clientcache-bench (`make bench-go`).

func BenchmarkGetHit(b *testing.B)                 { benchcases.GetHit(b) }
func BenchmarkGetHitGolangLRU(b *testing.B)        { benchcases.GetHitGolangLRU(b) }
func BenchmarkGetOrCreateHit(b *testing.B)         { benchcases.GetOrCreateHit(b) }
func BenchmarkGetOrCreateContextHit(b *testing.B)  { benchcases.GetOrCreateContextHit(b) }
func BenchmarkCachedS3Lookup(b *testing.B)         { benchcases.CachedS3Lookup(b) }
func BenchmarkCreateS3Client(b *testing.B)         { benchcases.CreateS3Client(b) }
func BenchmarkS3RegionPerCall(b *testing.B)        { benchcases.S3RegionPerCall(b) }
func BenchmarkCachedS3LookupPrebuilt(b *testing.B) { benchcases.CachedS3LookupPrebuilt(b) }
func BenchmarkEmptyCgoCall(b *testing.B)           { benchcases.EmptyCgoCall(b) }
