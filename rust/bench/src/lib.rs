//! Benchmarks live in benches/; see mk/bench.mk.
