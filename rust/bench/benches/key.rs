//! Key construction from a 3-parameter JSON object (`Key::from_json`) and
//! from the same parameters built as values (`Params`).

use std::hint::black_box;

use clientcache::{Key, Kind};
use clientcache_bench::{JSON_3, JSON_3_SECRETS, params_3};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn key_construction(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_new");
    group.bench_function("from_json_3", |b| {
        b.iter(|| Key::from_json(Kind::Client, "s3", black_box(JSON_3.as_bytes())))
    });
    group.bench_function("from_json_3_secrets", |b| {
        b.iter(|| Key::from_json(Kind::Client, "s3", black_box(JSON_3_SECRETS.as_bytes())))
    });
    // Building the Params is part of the caller's cost, so it is timed too.
    group.bench_function("params_3", |b| {
        b.iter(|| Key::new(Kind::Client, "s3", &black_box(params_3())))
    });
    let params = params_3();
    group.bench_function("params_3_prebuilt", |b| {
        b.iter(|| Key::new(Kind::Client, "s3", black_box(&params)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = key_construction
}
criterion_main!(benches);
