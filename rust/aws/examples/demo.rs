//! The Rust part of `make demo`: the demo key, a cached real
//! `aws_sdk_s3::Client`, a hit, LRU and LFU evictions, the exists and
//! not-found errors, the stats, and a live cost comparison. No network, no
//! AWS account: building an S3 client does not connect anywhere.
//!
//! Run with `make demo-aws` (release build).

#[path = "support/measure.rs"]
mod measure;

use std::process::ExitCode;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use clientcache::{Cache, Error as CoreError, Key, Kind, Policy, Stats};
use clientcache_aws::{ClientParams, Session};
use measure::{Counting, fmt_bytes, fmt_duration};

#[global_allocator]
static ALLOC: Counting = Counting;

type S3 = aws_sdk_s3::Client;

const DEMO_JSON: &str = r#"{"region_name":"us-west-2","config":{"retries":{"max_attempts":3,"mode":"standard"}},"aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}"#;
const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// The demo key's parameters, written with the idiomatic builder.
fn demo_params() -> ClientParams {
    ClientParams::new()
        .region_name("us-west-2")
        // The shared demo key spells botocore's legacy retry count (3
        // retries = 4 attempts); `.max_attempts(n)` would be total attempts.
        .config_entry(&["retries", "max_attempts"], 3)
        .retry_mode("standard")
        .credentials(ACCESS_KEY, SECRET_KEY, None)
}

fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::rustls(CryptoMode::Ring))
        .build_https()
}

fn region_params(region: &str) -> ClientParams {
    demo_params().region_name(region)
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn short(key: &Key) -> String {
    // Region only, for the eviction tables (the full label is printed once).
    let label = key.label();
    match label.find("region_name=") {
        Some(i) => label[i..].trim_end_matches(')').to_owned(),
        None => label.to_owned(),
    }
}

fn print_stats(name: &str, s: &Stats) {
    println!(
        "  {name:<10} {:>5} {:>7} {:>11} {:>10} {:>9} {:>4} {:>9}",
        s.hits, s.misses, s.insertions, s.evictions, s.removals, s.len, s.max_size
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rust demo FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    println!("Rust — clientcache-aws {}", env!("CARGO_PKG_VERSION"));
    println!("=====================================");
    println!();

    // 1. The demo key.
    let params = demo_params();
    let key = params.client_key("s3")?;
    let from_json = Key::from_json(Kind::Client, "s3", DEMO_JSON.as_bytes())?;
    if key != from_json {
        return Err("ClientParams and the raw demo JSON give different keys".into());
    }
    println!("Demo key (client, s3, us-west-2, retries, static credentials)");
    println!("  fingerprint:  {}", key.fingerprint());
    println!("  label:        {}", key.label());
    println!("  same key from the raw JSON text: yes");
    println!();

    // 2. A real SDK client, cached.
    let session = Session::builder().max_size(2).build()?;
    let first: S3 = session.client(&params).await?;
    let builds_after_first = session.builds();
    let second: S3 = session.client(&params).await?;
    let same = std::ptr::eq(first.config(), second.config());
    if !same || session.builds() != builds_after_first {
        return Err("the second call did not return the cached client".into());
    }
    println!("Cached client: aws_sdk_s3::Client from Session::client (LRU, max_size 2)");
    println!(
        "  first call     miss: built ({} build)",
        builds_after_first
    );
    println!("  second call    hit:  same client object: {}", yes(same));
    println!(
        "  client config  region {}, max attempts {}",
        second.config().region().map_or("-", |r| r.as_ref()),
        second
            .config()
            .retry_config()
            .map_or(0, |r| r.max_attempts())
    );
    println!();

    // 3. LRU eviction.
    let lru = Session::builder().max_size(2).build()?;
    let (east, west, eu) = (
        region_params("us-east-1"),
        region_params("us-west-2"),
        region_params("eu-west-1"),
    );
    lru.client::<S3>(&east).await?;
    lru.client::<S3>(&west).await?;
    lru.client::<S3>(&east).await?; // east becomes most recent
    let before: Vec<_> = lru.cache(Policy::Lru).keys().iter().map(short).collect();
    lru.client::<S3>(&eu).await?;
    let after: Vec<_> = lru.cache(Policy::Lru).keys().iter().map(short).collect();
    let evicted_west = !lru.cache(Policy::Lru).contains(&west.client_key("s3")?);
    if !evicted_west {
        return Err("LRU did not evict the least recently used client".into());
    }
    println!("LRU eviction (max_size 2): east, west, east again, then eu");
    println!("  victim order before   {}", before.join("  <  "));
    println!("  victim order after    {}", after.join("  <  "));
    println!(
        "  evicted               {}  (least recently used)",
        short(&west.client_key("s3")?)
    );
    println!();

    // 4. LFU eviction.
    let lfu = Session::builder()
        .max_size(2)
        .default_policy(Policy::Lfu)
        .build()?;
    for _ in 0..3 {
        lfu.client::<S3>(&east).await?; // frequency 3
    }
    lfu.client::<S3>(&west).await?; // frequency 1, but most recent
    lfu.client::<S3>(&eu).await?;
    let evicted_west = !lfu.cache(Policy::Lfu).contains(&west.client_key("s3")?);
    if !evicted_west {
        return Err("LFU did not evict the least frequently used client".into());
    }
    let after: Vec<_> = lfu.cache(Policy::Lfu).keys().iter().map(short).collect();
    println!("LFU eviction (max_size 2): east ×3, west ×1, then eu");
    println!(
        "  evicted               {}  (frequency 1; east has 3)",
        short(&west.client_key("s3")?)
    );
    println!("  victim order after    {}", after.join("  <  "));
    println!();

    // 5. Errors, through the core cache that Session is built on.
    let cache: Cache<S3> = Cache::new(Kind::Client, Policy::Lru, 10)?;
    cache
        .insert(key.clone(), first.clone())
        .map_err(|e| e.error)?;
    let exists = match cache.insert(key.clone(), second.clone()) {
        Err(e) if matches!(e.error, CoreError::Exists { .. }) => e.error.to_string(),
        _ => return Err("a second insert did not fail with Exists".into()),
    };
    let missing = region_params("ap-south-1").client_key("s3")?;
    let not_found = match cache.get(&missing) {
        Err(e @ CoreError::NotFound { .. }) => e.to_string(),
        _ => return Err("get of an absent key did not fail with NotFound".into()),
    };
    println!("Errors (clientcache::Cache<aws_sdk_s3::Client>)");
    println!("  insert twice   Exists:   {exists}");
    println!("  get missing    NotFound: {not_found}");
    println!();

    // 6. Stats.
    println!("Stats          hits  misses  insertions  evictions  removals  len  max_size");
    print_stats("session", &session.cache(Policy::Lru).stats());
    print_stats("LRU demo", &lru.cache(Policy::Lru).stats());
    print_stats("LFU demo", &lfu.cache(Policy::Lfu).stats());
    print_stats("core", &cache.stats());
    println!();

    // 7. Live cost: build on every call vs cached look-up.
    let creds = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "demo");
    let build = measure::run(200, || {
        let creds = creds.clone();
        async move {
            let config = aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new("us-west-2"))
                .credentials_provider(creds)
                .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(4))
                // What the SDK's default HTTPS client feature would add per
                // client (this crate compiles rustls with ring instead).
                .http_client(https_client())
                .load()
                .await;
            S3::new(&config)
        }
    })
    .await;
    let hits = 100_000;
    let cached = measure::run(hits, || session.client::<S3>(&params)).await;
    let cached_key = measure::run(20_000, || async {
        session.client::<S3>(&demo_params()).await
    })
    .await;
    let ratio = build.ns_per_call() / cached.ns_per_call();
    println!("Cost per call, measured now (release build; results kept alive)");
    println!(
        "  {:<44} {:>7} {:>11} {:>12}",
        "method", "calls", "time/call", "heap/call"
    );
    for (name, r) in [
        ("aws_config load + Client::new every call", &build),
        ("Session::client hit (params reused)", &cached),
        ("Session::client hit (params built per call)", &cached_key),
    ] {
        println!(
            "  {name:<44} {:>7} {:>11} {:>12}",
            r.calls,
            fmt_duration(r.ns_per_call()),
            fmt_bytes(r.heap_per_call())
        );
    }
    println!("  speed-up (build / cached hit): {ratio:.0}×");
    println!(
        "  RSS growth: {} over {} builds, {} over {} hits",
        fmt_bytes(build.rss_growth as f64),
        build.calls,
        fmt_bytes(cached.rss_growth as f64),
        cached.calls
    );
    Ok(())
}
