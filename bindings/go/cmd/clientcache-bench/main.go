// Command clientcache-bench runs the Go binding's benchmarks in one process
// and prints each result and its ratio against the binding's targets:
//
//   - Cache.Get hit ≤ 2.0× hashicorp/golang-lru/v2's Get hit (an empty cgo
//     call is printed beside them: the floor under any call into the core);
//   - a GetOrCreateContext hit ≤ 1.2× the Get hit (GetOrCreate's beside it);
//   - awscache.S3(ctx, sess, awscache.WithRegion(r)), the option built on
//     every call as a caller writes it, ≤ 300 ns; the demo's three options
//     (region, retries, static credentials) built per call and built once
//     are printed beside it;
//   - the cached S3 client ≥ 100× faster than building it on every call
//     (config.LoadDefaultConfig + s3.NewFromConfig, the same settings).
//
// The machine may be shared, so every benchmark runs once per round,
// interleaved with all the others, for -rounds rounds of -benchtime each;
// each figure is the median over the rounds and each ratio the median of
// the rounds' own ratios (the two sides measured back to back, in turn A B
// and B A), printed with the spread (min–max over the rounds). The verdicts
// use the medians.
// `make bench-go` runs it. It exits 0 whatever the numbers (they depend on
// the machine); -strict makes a missed target fail.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/cmd/internal/benchcases"
)

type bench struct {
	name string
	fn   func(*testing.B)
	runs []testing.BenchmarkResult
}

func main() {
	testing.Init()
	strict := flag.Bool("strict", false, "exit 1 when a target is missed")
	rounds := flag.Int("rounds", 41, "interleaved rounds; each runs every benchmark once")
	benchtime := flag.Duration("benchtime", 20*time.Millisecond, "time of one benchmark in one round")
	flag.Parse()
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Keep the machine's own AWS files and instance metadata out of it.
	os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	os.Setenv("AWS_CONFIG_FILE", os.DevNull)
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)

	fmt.Printf("clientcache Go benchmarks — libclientcache %s, %s %s/%s, %d CPUs, %s\n",
		clientcache.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(),
		time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("%d interleaved rounds of %v per benchmark; medians, spread = min–max over the rounds\n\n",
		*rounds, *benchtime)

	// Each ratio's two sides are neighbours in this list, and every other
	// round runs it backwards (A B, then B A), so that load that builds up
	// or fades during a round weighs on both sides alike.
	bs := []*bench{
		{name: "golang-lru/v2 Get hit", fn: benchcases.GetHitGolangLRU},
		{name: "Cache.Get hit", fn: benchcases.GetHit},
		{name: "Cache.GetOrCreate hit", fn: benchcases.GetOrCreateHit},
		{name: "Cache.GetOrCreateContext hit", fn: benchcases.GetOrCreateContextHit},
		{name: "empty cgo call (floor)", fn: benchcases.EmptyCgoCall},
		{name: "awscache.S3, WithRegion(r) per call", fn: benchcases.S3RegionPerCall},
		{name: "awscache.S3, demo options built once", fn: benchcases.CachedS3LookupPrebuilt},
		{name: "awscache.S3, demo options per call", fn: benchcases.CachedS3Lookup},
		{name: "LoadDefaultConfig+NewFromConfig", fn: benchcases.CreateS3Client},
	}
	const (
		lru = iota
		get
		create
		createCtx
		cgo
		s3Region
		s3Prebuilt
		s3Demo
		s3Build
	)
	for i := 0; i < *rounds; i++ {
		for j := range bs {
			b := bs[j]
			if i%2 == 1 {
				b = bs[len(bs)-1-j]
			}
			r := testing.Benchmark(b.fn)
			if r.N == 0 {
				fmt.Fprintf(os.Stderr, "benchmark %q failed\n", b.name)
				os.Exit(1)
			}
			b.runs = append(b.runs, r)
		}
	}

	// Printed in the order of the targets.
	order := []int{get, lru, cgo, create, createCtx, s3Region, s3Demo, s3Prebuilt, s3Build}
	fmt.Printf("  %-40s %12s %19s %8s %10s\n", "benchmark", "ns/op", "spread", "B/op", "allocs/op")
	for _, i := range order {
		b := bs[i]
		v := perRound(b, func(r testing.BenchmarkResult) float64 { return ns(r) })
		last := b.runs[len(b.runs)-1]
		fmt.Printf("  %-40s %12s %19s %8d %10d\n", b.name, nsText(median(v)),
			nsText(slices.Min(v))+"–"+nsText(slices.Max(v)), last.AllocedBytesPerOp(), last.AllocsPerOp())
	}
	fmt.Println()
	missed := 0
	row := func(label, value, spread, target string, ok bool) {
		verdict := "met"
		if !ok {
			verdict = "NOT MET"
			missed++
		}
		if target == "" {
			verdict = ""
		}
		fmt.Printf("  %-44s %9s %19s   %-10s %s\n", label, value, spread, target, verdict)
	}
	ratioRow := func(label string, a, b int, limit float64, below bool) {
		r := ratios(bs[a], bs[b])
		m := median(r)
		target := ""
		ok := true
		switch {
		case limit == 0:
		case below:
			target = fmt.Sprintf("≤ %.1f×", limit)
			ok = m <= limit
		default:
			target = fmt.Sprintf("≥ %.0f×", limit)
			ok = m >= limit
		}
		format := "%.2f×"
		if m >= 100 {
			format = "%.0f×"
		}
		row(label, fmt.Sprintf(format, m), fmt.Sprintf(format, slices.Min(r))+"–"+fmt.Sprintf(format, slices.Max(r)), target, ok)
	}
	nsRow := func(label string, i int, limit float64) {
		v := perRound(bs[i], func(r testing.BenchmarkResult) float64 { return ns(r) })
		m := median(v)
		target := ""
		if limit > 0 {
			target = fmt.Sprintf("≤ %.0f ns", limit)
		}
		row(label, nsText(m), nsText(slices.Min(v))+"–"+nsText(slices.Max(v)), target, limit == 0 || m <= limit)
	}
	fmt.Printf("  %-44s %9s %19s   %-10s %s\n", "", "median", "spread", "target", "")
	ratioRow("Cache.Get hit / golang-lru Get hit", get, lru, 2.0, true)
	ratioRow("empty cgo call / golang-lru Get hit", cgo, lru, 0, true)
	ratioRow("GetOrCreate hit / Get hit", create, get, 0, true)
	ratioRow("GetOrCreateContext hit / Get hit", createCtx, get, 1.2, true)
	nsRow("awscache.S3, WithRegion(r) built per call", s3Region, 300)
	nsRow("awscache.S3, demo options built per call", s3Demo, 0)
	nsRow("awscache.S3, demo options built once", s3Prebuilt, 0)
	ratioRow("speed-up, building / cached (demo options)", s3Build, s3Demo, 100, false)
	if missed > 0 && *strict {
		os.Exit(1)
	}
}

func perRound(b *bench, f func(testing.BenchmarkResult) float64) []float64 {
	v := make([]float64, len(b.runs))
	for i, r := range b.runs {
		v[i] = f(r)
	}
	return v
}

// ratios are a's ns/op over b's, round by round.
func ratios(a, b *bench) []float64 {
	r := make([]float64, len(a.runs))
	for i := range a.runs {
		r[i] = ns(a.runs[i]) / ns(b.runs[i])
	}
	return r
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ns(r testing.BenchmarkResult) float64 { return float64(r.T.Nanoseconds()) / float64(r.N) }

func nsText(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1f µs", v/1e3)
	default:
		return fmt.Sprintf("%.1f ns", v)
	}
}
