//! C ABI overhead: `clientcache_cache_get` + `clientcache_lease_free`
//! through the exported functions against the Rust `Cache::get` on a cache
//! of the same size, keys and lookup order; and a key built from the
//! 3-parameter JSON through `clientcache_key_new` + `clientcache_key_free`,
//! as a binding builds one per call.

use std::hint::black_box;
use std::sync::Arc;

use clientcache::{Cache, Kind, Policy};
use clientcache_bench::{
    CONTENDED_SIZE, JSON_3, Keys, SEQ_LEN, Val,
    ffi::{FfiCache, key_new_free},
    lookup_sequence,
};
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

    let mut group = c.benchmark_group("abi_key");
    group.bench_function("key_new_free_json_3", |b| {
        b.iter(|| black_box(key_new_free(black_box(JSON_3))))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = abi_overhead
}
criterion_main!(benches);
