//! Key construction, for timing and for a profiler.
//!
//! `keyprof` alone times, in interleaved rounds (medians and spread):
//! `Key::from_json` of the 3-parameter text, the same through the C ABI
//! (`clientcache_key_new` + `clientcache_key_free`), the same text with two
//! secrets, `Key::new` from prebuilt `Params`, and two peers: a key with no
//! parameters (the fixed costs: one SHA-256 block, one allocation) and
//! `serde_json` parsing the same text into a `serde_json::Value`.
//! `keyprof <workload> [seconds]` spins one workload for
//! `perf record -g target/release/examples/keyprof <workload>`:
//! `rust_json`, `ffi_json`, `rust_secrets`, `rust_params`, `rust_empty`,
//! `serde_value`.
//! `--rounds N` changes the number of rounds (default 31).

use std::hint::black_box;
use std::time::{Duration, Instant};

use clientcache::{Key, Kind};
use clientcache_bench::{JSON_3, JSON_3_SECRETS, params_3};
use clientcache_ffi::{
    CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_STATUS_OK, clientcache_key_free, clientcache_key_new,
};

fn rust_json() {
    black_box(Key::from_json(
        Kind::Client,
        "s3",
        black_box(JSON_3.as_bytes()),
    ))
    .ok();
}

fn rust_secrets() {
    black_box(Key::from_json(
        Kind::Client,
        "s3",
        black_box(JSON_3_SECRETS.as_bytes()),
    ))
    .ok();
}

fn ffi_json() {
    let json = black_box(JSON_3);
    let mut key = std::ptr::null_mut();
    // SAFETY: pointers valid for their lengths, a valid out-pointer; the
    // key is freed once.
    unsafe {
        let status = clientcache_key_new(
            CLIENTCACHE_KIND_CLIENT,
            c"s3".as_ptr(),
            2,
            json.as_ptr().cast(),
            json.len(),
            &mut key,
        );
        debug_assert_eq!(status, CLIENTCACHE_STATUS_OK);
        black_box(status);
        clientcache_key_free(black_box(key));
    }
}

/// A named workload.
type Job = (&'static str, Box<dyn FnMut()>);

fn timed(n: u64, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed()
}

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let params = params_3();
    let mut jobs: Vec<Job> = vec![
        ("rust_json", Box::new(rust_json)),
        (
            "rust_empty",
            Box::new(|| {
                black_box(Key::from_json(Kind::Client, "s3", black_box(b""))).ok();
            }),
        ),
        (
            "serde_value",
            Box::new(|| {
                black_box(serde_json::from_str::<serde_json::Value>(black_box(JSON_3))).ok();
            }),
        ),
        ("ffi_json", Box::new(ffi_json)),
        ("rust_secrets", Box::new(rust_secrets)),
        (
            "rust_params",
            Box::new(move || {
                black_box(Key::new(Kind::Client, "s3", black_box(&params))).ok();
            }),
        ),
    ];
    if let Some(workload) = args.first().filter(|a| !a.starts_with("--")) {
        let seconds: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5.0);
        let (_, op) = jobs
            .iter_mut()
            .find(|(name, _)| name == workload)
            .unwrap_or_else(|| panic!("unknown workload {workload}"));
        let start = Instant::now();
        let n = spin(seconds, op);
        println!(
            "{workload}: {:.1} ns/op",
            start.elapsed().as_secs_f64() * 1e9 / n as f64
        );
        return;
    }
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(31);
    let n = 50_000u64;
    let mut samples = vec![Vec::new(); jobs.len()];
    for _ in 0..rounds {
        for (j, (_, op)) in jobs.iter_mut().enumerate() {
            samples[j].push(timed(n, op).as_secs_f64() * 1e9 / n as f64);
        }
    }
    for ((name, _), mut s) in jobs.iter().zip(samples) {
        s.sort_by(f64::total_cmp);
        println!(
            "{name:14} median {:7.1} ns   min {:7.1}   max {:7.1}",
            s[s.len() / 2],
            s[0],
            s[s.len() - 1]
        );
    }
}
