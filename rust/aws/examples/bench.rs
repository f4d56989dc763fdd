//! `make bench-aws`: what a cached `clientcache_aws::client::<aws_sdk_s3::Client>()`
//! costs at its natural call site, against building a client on every call.
//!
//! Paths, run in interleaved rounds (each round runs every path once, in a
//! rotating order, so that a noisy neighbour slows all paths alike); the
//! table gives the median of the rounds and their spread (min–max):
//!
//! - the natural call site: `client::<S3>(&ClientParams::new().region_name(r))`,
//!   params built on every call (target ≤ 300 ns);
//! - the same with fuller params built on every call (region, retries,
//!   static credentials);
//! - params built once and reused (target ≤ 500 ns);
//! - `aws_config` load + `aws_sdk_s3::Client::new` on every call, the
//!   thing the cache saves (speed-up of the natural call site over it:
//!   target ≥ 200×).
//!
//! Every call's result is kept until the end of its run, as a caller
//! holding the clients would, so heap and RSS growth count what a call
//! leaves behind.

#[path = "support/measure.rs"]
mod measure;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use clientcache_aws::ClientParams;
use measure::{Counting, Run, fmt_bytes, fmt_duration};

#[global_allocator]
static ALLOC: Counting = Counting;

type S3 = aws_sdk_s3::Client;

const TARGET_PER_CALL_NS: f64 = 300.0;
const TARGET_REUSED_NS: f64 = 500.0;
const TARGET_RATIO: f64 = 200.0;

const ROUNDS: usize = 21;
const HIT_CALLS: usize = 20_000;
const BUILD_CALLS: usize = 100;

fn full_params(region: &str) -> ClientParams {
    ClientParams::new()
        .region_name(region)
        .max_attempts(3)
        .retry_mode("standard")
        .credentials("AKIDBENCHMARK", "bench-secret-not-real", None)
}

fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::rustls(CryptoMode::Ring))
        .build_https()
}

async fn build_every_call() -> S3 {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .credentials_provider(Credentials::new(
            "AKIDBENCHMARK",
            "bench-secret-not-real",
            None,
            None,
            "bench",
        ))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
        // What the SDK's default HTTPS client feature would add per client
        // (this crate compiles rustls with ring instead).
        .http_client(https_client())
        .load()
        .await;
    S3::new(&config)
}

/// The rounds of one path.
#[derive(Default)]
struct Path {
    runs: Vec<Run>,
}

impl Path {
    fn ns(&self) -> Vec<f64> {
        let mut ns: Vec<f64> = self.runs.iter().map(Run::ns_per_call).collect();
        ns.sort_by(f64::total_cmp);
        ns
    }
    fn median(&self) -> f64 {
        let ns = self.ns();
        ns[ns.len() / 2]
    }
    fn spread(&self) -> String {
        let ns = self.ns();
        format!("{}–{}", fmt_duration(ns[0]), fmt_duration(ns[ns.len() - 1]))
    }
    /// Heap left per call, from the round that left the least (allocator
    /// noise only ever adds).
    fn heap_per_call(&self) -> f64 {
        self.runs
            .iter()
            .map(Run::heap_per_call)
            .fold(f64::INFINITY, f64::min)
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "not met" }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), clientcache_aws::Error> {
    // Not a constant the optimiser could fold into the call site.
    let region: String = std::hint::black_box("us-west-2".to_owned());
    let reused = ClientParams::new().region_name(region.as_str());

    // Warm up: the cache entries, allocator, code paths.
    let first = clientcache_aws::client::<S3>(&reused).await?;
    clientcache_aws::client::<S3>(&full_params(&region)).await?;
    for _ in 0..50 {
        std::hint::black_box(build_every_call().await);
    }

    let [mut per_call, mut full, mut kept, mut build] = std::array::from_fn(|_| Path::default());
    for round in 0..ROUNDS {
        for i in 0..4 {
            match (round + i) % 4 {
                0 => {
                    let r = measure::run(HIT_CALLS, || async {
                        // The natural call site.
                        clientcache_aws::client::<S3>(&ClientParams::new().region_name(&region))
                            .await
                    })
                    .await;
                    per_call.runs.push(r);
                }
                1 => {
                    let r = measure::run(HIT_CALLS, || async {
                        clientcache_aws::client::<S3>(&full_params(&region)).await
                    })
                    .await;
                    full.runs.push(r);
                }
                2 => {
                    let r =
                        measure::run(HIT_CALLS, || clientcache_aws::client::<S3>(&reused)).await;
                    kept.runs.push(r);
                }
                _ => {
                    let r = measure::run(BUILD_CALLS, build_every_call).await;
                    build.runs.push(r);
                }
            }
        }
    }
    // Every hit was a hit: one build per params shape, in the warm-up.
    assert_eq!(clientcache_aws::default_session().builds(), 2);
    let again = clientcache_aws::client::<S3>(&ClientParams::new().region_name(&region)).await?;
    assert!(std::ptr::eq(first.config(), again.config()));

    println!(
        "clientcache-aws benchmark (release, current-thread tokio runtime, {} CPUs): \
         {ROUNDS} interleaved rounds, median [min–max] per call",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "{:<58} {:>9} {:>19} {:>10} {:>16}",
        "path", "median", "spread", "heap/call", "target"
    );
    let row = |name: &str, path: &Path, target: Option<f64>| {
        let median = path.median();
        let target = target.map_or(String::new(), |t| {
            format!("≤ {}: {}", fmt_duration(t), verdict(median <= t))
        });
        println!(
            "{name:<58} {:>9} {:>19} {:>10} {target:>16}",
            fmt_duration(median),
            path.spread(),
            fmt_bytes(path.heap_per_call()),
        );
    };
    row(
        "client(&ClientParams::new().region_name(r)), built per call",
        &per_call,
        Some(TARGET_PER_CALL_NS),
    );
    row(
        "client(&params): region, retries, credentials, per call",
        &full,
        None,
    );
    row(
        "client(&params): params built once, reused",
        &kept,
        Some(TARGET_REUSED_NS),
    );
    row("aws_config load + Client::new every call", &build, None);
    println!();

    // Ratios of medians, and their worst case across rounds (slowest
    // hit round against fastest build round).
    let ratio = build.median() / per_call.median();
    let worst = build.ns()[0] / per_call.ns()[per_call.ns().len() - 1];
    println!(
        "speed-up of the natural call site over building per call: {ratio:.0}× \
         (worst round pairing {worst:.0}×; target ≥ {TARGET_RATIO:.0}×): {}",
        verdict(ratio >= TARGET_RATIO)
    );
    println!(
        "params built per call vs reused: {:.2}× the time",
        per_call.median() / kept.median()
    );
    let growth = |p: &Path| p.runs.iter().map(|r| r.rss_growth).max().unwrap_or(0);
    println!(
        "memory: building keeps {} of heap per client ({} RSS over {BUILD_CALLS} calls at most); \
         a hit keeps {} ({} RSS over {HIT_CALLS} calls at most)",
        fmt_bytes(build.heap_per_call()),
        fmt_bytes(growth(&build) as f64),
        fmt_bytes(per_call.heap_per_call()),
        fmt_bytes(growth(&per_call) as f64)
    );
    Ok(())
}
