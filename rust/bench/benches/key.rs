//! Key construction from a 3-parameter JSON object (`Key::from_json`, and
//! through the C ABI: `clientcache_key_new` + `clientcache_key_free`) and
//! from the same parameters built as values (`Params`).

use std::hint::black_box;

use clientcache::{Key, Kind};
use clientcache_bench::{JSON_3, JSON_3_SECRETS, params_3};
use clientcache_ffi::{
    CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_STATUS_OK, clientcache_key_free, clientcache_key_new,
};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn key_construction(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_new");
    group.bench_function("from_json_3", |b| {
        b.iter(|| Key::from_json(Kind::Client, "s3", black_box(JSON_3.as_bytes())))
    });
    // What a binding pays: the key built and released through the C ABI.
    group.bench_function("ffi_json_3", |b| {
        b.iter(|| {
            let json = black_box(JSON_3);
            let mut key = std::ptr::null_mut();
            // SAFETY: pointers valid for their lengths, a valid out-pointer;
            // the key is freed once.
            unsafe {
                let status = clientcache_key_new(
                    CLIENTCACHE_KIND_CLIENT,
                    c"s3".as_ptr(),
                    2,
                    json.as_ptr().cast(),
                    json.len(),
                    &mut key,
                );
                assert_eq!(status, CLIENTCACHE_STATUS_OK);
                clientcache_key_free(black_box(key));
            }
        })
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
