//! get-hit (10 / 1 000 / 100 000 entries), insert-with-eviction churn and
//! 2-thread contended get-hit: clientcache (LRU, LFU) against
//! `Mutex<lru::LruCache>`, moka and quick_cache in the same run.

use std::hint::black_box;
use std::time::Duration;

use clientcache_bench::{
    CHURN_CAPACITY, CONTENDED_SIZE, Churn, Contender, GET_SIZES, GetHit, Keys, Which,
    contended_get_hit, lookup_sequence,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

mod common;

fn get_hit(c: &mut Criterion) {
    for n in GET_SIZES {
        let keys = Keys::new(n);
        let seq = lookup_sequence(n, 0x9e37_79b9_7f4a_7c15);
        let mut group = c.benchmark_group(format!("get_hit/{n}"));
        group.throughput(Throughput::Elements(1));
        for which in Which::ALL {
            let cache = Contender::filled(which, &keys);
            let mut walk = GetHit {
                cache: &cache,
                keys: &keys,
                seq: &seq,
                pos: 0,
            };
            group.bench_function(BenchmarkId::from_parameter(which.name()), |b| {
                b.iter(|| black_box(walk.step()))
            });
        }
        group.finish();
    }
}

fn churn(c: &mut Criterion) {
    let keys = Keys::new(2 * CHURN_CAPACITY);
    let mut group = c.benchmark_group("insert_evict");
    group.throughput(Throughput::Elements(1));
    for which in Which::ALL {
        let cache = Contender::new(which, CHURN_CAPACITY);
        let mut churn = Churn::new(&cache, &keys);
        group.bench_function(BenchmarkId::from_parameter(which.name()), |b| {
            b.iter(|| churn.step())
        });
    }
    group.finish();
}

fn contended(c: &mut Criterion) {
    let keys = Keys::new(CONTENDED_SIZE);
    let seqs = [
        lookup_sequence(CONTENDED_SIZE, 0x1234_5678_9abc_def1),
        lookup_sequence(CONTENDED_SIZE, 0x0fed_cba9_8765_4321),
    ];
    let mut group = c.benchmark_group("get_hit_2threads");
    // One iteration = one get on each of the two threads.
    group.throughput(Throughput::Elements(2));
    for which in Which::ALL {
        let cache = Contender::filled(which, &keys);
        group.bench_function(BenchmarkId::from_parameter(which.name()), |b| {
            b.iter_custom(|iters| {
                // Thread start-up is outside the timed region; at least 1 000
                // gets per thread amortize the join, scaled back to `iters`.
                let run = iters.max(1_000);
                let wall = contended_get_hit(&cache, &keys, &seqs, run);
                Duration::from_secs_f64(wall.as_secs_f64() * iters as f64 / run as f64)
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = get_hit, churn, contended
}
criterion_main!(benches);
