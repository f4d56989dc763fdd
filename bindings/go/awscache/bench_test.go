package awscache_test

import (
	"testing"

	"github.com/clientcache/clientcache/bindings/go/internal/benchcases"
)

func BenchmarkCachedS3Lookup(b *testing.B) { benchcases.CachedS3Lookup(b) }
func BenchmarkCreateS3Client(b *testing.B) { benchcases.CreateS3Client(b) }
