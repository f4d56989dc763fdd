//! `make bench-aws`: a cached `clientcache_aws::client::<aws_sdk_s3::Client>()`
//! hit against `aws_config` load + `aws_sdk_s3::Client::new` on every call.
//! Time per call and memory growth over 1 000 calls (the returned clients
//! are kept alive, as a caller holding them would), then the ratio against
//! the targets in the README: hit ≤ 500 ns and ≥ 200× faster.

#[path = "support/measure.rs"]
mod measure;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use clientcache_aws::ClientParams;
use measure::{Counting, Run, fmt_bytes, fmt_duration};

#[global_allocator]
static ALLOC: Counting = Counting;

type S3 = aws_sdk_s3::Client;

const TARGET_HIT_NS: f64 = 500.0;
const TARGET_RATIO: f64 = 200.0;

fn params() -> ClientParams {
    ClientParams::new()
        .region_name("us-west-2")
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

fn row(name: &str, r: &Run) {
    println!(
        "{name:<46} {:>8} {:>11} {:>12} {:>12}",
        r.calls,
        fmt_duration(r.ns_per_call()),
        fmt_bytes(r.heap_per_call()),
        fmt_bytes(r.rss_growth as f64)
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), clientcache_aws::Error> {
    let p = params();
    // Warm up: the first client (and the cache entry), allocator, code paths.
    clientcache_aws::client::<S3>(&p).await?;
    for _ in 0..50 {
        std::hint::black_box(build_every_call().await);
    }

    let build_1k = measure::run(1_000, build_every_call).await;
    let hit_1k = measure::run(1_000, || clientcache_aws::client::<S3>(&p)).await;
    let hit_1m = measure::run(1_000_000, || clientcache_aws::client::<S3>(&p)).await;
    let hit_key = measure::run(100_000, || async {
        clientcache_aws::client::<S3>(&params()).await
    })
    .await;

    println!(
        "clientcache-aws benchmark (release, current-thread tokio runtime, {} CPUs)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "{:<46} {:>8} {:>11} {:>12} {:>12}",
        "method", "calls", "time/call", "heap/call", "RSS growth"
    );
    row("aws_config load + Client::new every call", &build_1k);
    row("client::<S3>(&params) cached hit", &hit_1k);
    row("client::<S3>(&params) cached hit", &hit_1m);
    row("client::<S3>(&params()) hit, params rebuilt", &hit_key);
    println!();

    let hit_ns = hit_1m.ns_per_call();
    let ratio = build_1k.ns_per_call() / hit_ns;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "cached hit: {} per call (target ≤ {}): {}",
        fmt_duration(hit_ns),
        fmt_duration(TARGET_HIT_NS),
        verdict(hit_ns <= TARGET_HIT_NS)
    );
    println!(
        "speed-up: {ratio:.0}× (target ≥ {TARGET_RATIO:.0}×): {}",
        verdict(ratio >= TARGET_RATIO)
    );
    println!(
        "memory over 1 000 calls: building keeps {} of heap ({} RSS), the cache {} ({} RSS)",
        fmt_bytes(build_1k.heap_growth as f64),
        fmt_bytes(build_1k.rss_growth as f64),
        fmt_bytes(hit_1k.heap_growth as f64),
        fmt_bytes(hit_1k.rss_growth as f64)
    );
    Ok(())
}
