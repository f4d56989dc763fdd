//! C ABI overhead: `clientcache_cache_get` + `clientcache_lease_free`
//! through the exported functions against the Rust `Cache::get` on a cache
//! of the same size, keys and lookup order.

use std::hint::black_box;
use std::sync::Arc;

use clientcache::{Cache, Kind, Policy};
use clientcache_bench::{CONTENDED_SIZE, Keys, SEQ_LEN, Val, ffi::FfiCache, lookup_sequence};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn abi_overhead(c: &mut Criterion) {
    let n = CONTENDED_SIZE;
    let keys = Keys::new(n);
    let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
    let rust: Cache<Val> = Cache::new(Kind::Client, Policy::Lru, n).expect("cache");
    for (i, key) in keys.keys.iter().enumerate() {
        rust.insert(key.clone(), Arc::new(i as u64))
            .expect("insert");
    }
    let ffi = FfiCache::new(n);

    let mut group = c.benchmark_group("abi_get_hit");
    let mut pos = 0usize;
    group.bench_function("rust_get", |b| {
        b.iter(|| {
            let i = seq[pos & (SEQ_LEN - 1)] as usize;
            pos = pos.wrapping_add(1);
            black_box(rust.get(&keys.keys[i]))
        })
    });
    let mut pos = 0usize;
    group.bench_function("c_get_lease_free", |b| {
        b.iter(|| {
            let i = seq[pos & (SEQ_LEN - 1)] as usize;
            pos = pos.wrapping_add(1);
            black_box(ffi.get_and_free(i))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = abi_overhead
}
criterion_main!(benches);
