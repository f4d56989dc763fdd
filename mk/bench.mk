# Rust benchmarks: criterion benches (rust/bench/benches) comparing clientcache
# with Mutex<lru::LruCache>, moka and quick_cache in the same run, then the
# report (rust/bench/examples/report.rs): its own Instant-timed rounds
# (contenders interleaved; medians with interquartile ranges, ratios as
# medians of per-round ratios, 1- and 2-thread throughput), the memory
# census (examples/memory.rs, counting allocator), this run's criterion
# medians, and each target with its value and met / NOT MET (README,
# "Performance"). Criterion is
# configured for short runs (0.3 s warm-up, 1.2 s measurement, 20 samples)
# so the whole target takes a few minutes on 2 cores. Timings are medians,
# never assertions.

.PHONY: bench-rust
bench-rust: lib
	@$(ENSURE) rust
	@echo "== criterion benches (clientcache-bench) =="
	@since=$$(date +%s); \
	cd rust && $(CARGO) bench --locked -p clientcache-bench --benches && \
	$(CARGO) build --release --locked -p clientcache-bench --examples && \
	echo "== report ==" && \
	$(TARGET_DIR)/release/examples/report --criterion-since $$since

BENCH_ALL += bench-rust
