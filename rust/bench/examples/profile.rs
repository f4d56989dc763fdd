//! Spins one workload for a while, for a profiler:
//! `perf record -g target/release/examples/profile <workload> [seconds]`.
//!
//! Workloads: `key_json`, `key_params`, `get_lru_<n>`, `get_lfu_<n>`,
//! `get_lru_mutex_<n>`, `churn_lru`, `churn_lfu`, `abi_get`, `rust_get`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clientcache::{Cache, Key, Kind, Policy};
use clientcache_bench::{
    CHURN_CAPACITY, CONTENDED_SIZE, Churn, Contender, GetHit, JSON_3, Keys, SEQ_LEN, Val, Which,
    ffi::FfiCache, lookup_sequence, params_3,
};

fn spin(seconds: f64, mut op: impl FnMut()) -> u64 {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut n = 0u64;
    while Instant::now() < deadline {
        for _ in 0..1_000 {
            op();
        }
        n += 1_000;
    }
    n
}

fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_else(|| "get_lru_1000".to_owned());
    let seconds: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let start = Instant::now();
    let ops = if let Some(rest) = workload.strip_prefix("get_") {
        let (which, n) = rest.rsplit_once('_').expect("get_<cache>_<n>");
        let which = match which {
            "lru" => Which::ClientcacheLru,
            "lfu" => Which::ClientcacheLfu,
            "lru_mutex" => Which::LruMutex,
            "moka" => Which::Moka,
            "quick_cache" => Which::QuickCache,
            other => panic!("unknown cache {other}"),
        };
        let n: usize = n.parse().expect("entry count");
        let keys = Keys::new(n);
        let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
        let cache = Contender::filled(which, &keys);
        let mut walk = GetHit {
            cache: &cache,
            keys: &keys,
            seq: &seq,
            pos: 0,
        };
        spin(seconds, || {
            black_box(walk.step());
        })
    } else {
        match workload.as_str() {
            "key_json" => spin(seconds, || {
                black_box(Key::from_json(
                    Kind::Client,
                    "s3",
                    black_box(JSON_3.as_bytes()),
                ))
                .ok();
            }),
            "key_params" => spin(seconds, || {
                black_box(Key::new(Kind::Client, "s3", &black_box(params_3()))).ok();
            }),
            "churn_lru" | "churn_lfu" => {
                let which = if workload == "churn_lru" {
                    Which::ClientcacheLru
                } else {
                    Which::ClientcacheLfu
                };
                let keys = Keys::new(2 * CHURN_CAPACITY);
                let cache = Contender::new(which, CHURN_CAPACITY);
                let mut churn = Churn::new(&cache, &keys);
                spin(seconds, || churn.step())
            }
            "abi_get" | "rust_get" => {
                let keys = Keys::new(CONTENDED_SIZE);
                let seq = lookup_sequence(CONTENDED_SIZE, 0x9e37_79b9_7f4a_7c15);
                let mut pos = 0usize;
                if workload == "abi_get" {
                    let ffi = FfiCache::new(CONTENDED_SIZE);
                    spin(seconds, || {
                        let i = seq[pos & (SEQ_LEN - 1)] as usize;
                        pos = pos.wrapping_add(1);
                        black_box(ffi.get_and_free(i));
                    })
                } else {
                    let rust: Cache<Val> =
                        Cache::new(Kind::Client, Policy::Lru, CONTENDED_SIZE).expect("cache");
                    for (i, key) in keys.keys.iter().enumerate() {
                        rust.insert(key.clone(), Arc::new(i as u64))
                            .expect("insert");
                    }
                    spin(seconds, || {
                        let i = seq[pos & (SEQ_LEN - 1)] as usize;
                        pos = pos.wrapping_add(1);
                        black_box(rust.get(&keys.keys[i])).ok();
                    })
                }
            }
            other => panic!("unknown workload {other}"),
        }
    };
    let elapsed = start.elapsed().as_secs_f64();
    eprintln!(
        "{workload}: {ops} ops, {:.1} ns/op (including setup)",
        elapsed * 1e9 / ops as f64
    );
}
