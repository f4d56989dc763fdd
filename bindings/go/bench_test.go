package clientcache_test

import (
	"testing"

	"github.com/clientcache/clientcache/bindings/go/internal/benchcases"
)

func BenchmarkGetHit(b *testing.B)                { benchcases.GetHit(b) }
func BenchmarkGetHitGolangLRU(b *testing.B)       { benchcases.GetHitGolangLRU(b) }
func BenchmarkGetOrCreateHit(b *testing.B)        { benchcases.GetOrCreateHit(b) }
func BenchmarkGetOrCreateContextHit(b *testing.B) { benchcases.GetOrCreateContextHit(b) }
